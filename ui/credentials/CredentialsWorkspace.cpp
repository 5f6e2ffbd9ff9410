#include "credentials/CredentialsWorkspace.h"

#include "access/AccessPolicy.h"
#include "credentials/AddCredentialDialog.h"
#include "credentials/CredentialService.h"
#include "credentials/CredentialsModel.h"
#include "credentials/IntakeTokenDialog.h"
#include "providers/ProviderRegistry.h"
#include "shell/ActionButton.h"
#include "shell/EmptyState.h"
#include "shell/MessageBanner.h"
#include "shell/Prompts.h"
#include "shell/RowTintDelegate.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace {
constexpr int kClipboardSeconds = 30;

// Expiring credentials in amber, revoked ones greyed out.
RowTint tintOfCredential(const QModelIndex &index)
{
    if (index.data(CredentialsModel::RevokedRole).toBool())
        return { RowTint::Muted };
    if (index.data(CredentialsModel::ExpiringRole).toBool())
        return { RowTint::Waiting,
            index.column() == CredentialsModel::Expires || index.column() == CredentialsModel::Status };
    return {};
}
} // namespace

CredentialsWorkspace::CredentialsWorkspace(CredentialsModel &model, CredentialService &service,
    const ProviderRegistry &providers, const AccessPolicy &access, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_providers(providers)
    , m_access(access)
    , m_model(&model)
    , m_table(new QTableView(this))
    , m_message(new MessageBanner(this))
    , m_warnDays(new QSpinBox(this))
    , m_add(new QAction(tr("Add…"), this))
    , m_intakeToken(new QAction(tr("New intake token…"), this))
    , m_verify(new QAction(tr("Verify"), this))
    , m_rotate(new QAction(tr("Rotate…"), this))
    , m_revoke(new QAction(tr("Revoke…"), this))
    , m_reveal(new QAction(tr("Reveal…"), this))
    , m_copy(new QAction(tr("Copy…"), this))
{
    setObjectName(QStringLiteral("credentialsWorkspace"));
    m_table->setObjectName(QStringLiteral("credentialsTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegate(new RowTintDelegate(tintOfCredential, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_message->setObjectName(QStringLiteral("credentialMessage"));

    const QList<QPair<QAction *, const char *>> buttons { { m_add, "addCredential" }, { m_intakeToken, "intakeToken" },
        { m_verify, "verify" }, { m_rotate, "rotate" }, { m_revoke, "revoke" }, { m_reveal, "reveal" },
        { m_copy, "copy" } };
    auto *actions = new QHBoxLayout;
    for (const auto &[action, name] : buttons) {
        action->setObjectName(QLatin1String(name) + QStringLiteral("Action"));
        addAction(action); // the shell's menus and command palette read them from here
        actions->addWidget(new ActionButton(action, QLatin1String(name) + QStringLiteral("Button"), this));
    }
    m_add->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    m_add->setToolTip(tr("Put a provider's key or webhook secret in the keychain."));
    m_intakeToken->setToolTip(tr("A bearer token for a backend to submit operations (POST /v1/operations); shown "
                                 "once."));
    m_verify->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    m_revoke->setToolTip(tr("Delete the key from the keychain; what still needs it stops, saying why."));
    m_reveal->setToolTip(tr("Show the secret once; the audit log records that you looked."));
    actions->addStretch();
    m_warnDays->setObjectName(QStringLiteral("expiryWarningDays"));
    m_warnDays->setRange(1, 365);
    m_warnDays->setSuffix(tr(" days"));
    m_warnDays->setValue(QSettings().value(QStringLiteral("credentials/expiryWarningDays"), 14).toInt());
    m_model->setExpiryWarningDays(m_warnDays->value());
    actions->addWidget(new QLabel(tr("Warn before expiry:"), this));
    actions->addWidget(m_warnDays);

    auto *intro = new QLabel(tr("Secrets live in the OS keychain only. This table shows what the database knows: "
                                "metadata, the last four characters, and who uses each key."),
        this);
    intro->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);
    layout->addLayout(actions);

    m_verify->setToolTip(tr("One cheap authenticated call to the provider with this key."));
    m_rotate->setToolTip(tr("Enter the new key: it is verified, then every user switches to it at once. The old key "
                            "stays until you revoke it."));
    m_copy->setToolTip(tr("Copies the secret; the clipboard is cleared after %1 s.").arg(kClipboardSeconds));
    connect(m_add, &QAction::triggered, this, &CredentialsWorkspace::addCredential);
    connect(m_intakeToken, &QAction::triggered, this, &CredentialsWorkspace::createIntakeToken);
    connect(m_verify, &QAction::triggered, this, &CredentialsWorkspace::verifySelected);
    connect(m_rotate, &QAction::triggered, this, &CredentialsWorkspace::rotateSelected);
    connect(m_revoke, &QAction::triggered, this, &CredentialsWorkspace::revokeSelected);
    connect(m_reveal, &QAction::triggered, this, &CredentialsWorkspace::revealSelected);
    connect(m_copy, &QAction::triggered, this, &CredentialsWorkspace::copySelected);
    connect(
        m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CredentialsWorkspace::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &CredentialsWorkspace::updateActions);
    connect(m_warnDays, &QSpinBox::valueChanged, this, [this](int days) {
        QSettings().setValue(QStringLiteral("credentials/expiryWarningDays"), days);
        m_model->setExpiryWarningDays(days);
        Q_EMIT expiringChanged(m_model->expiringCount(), days);
    });
    m_table->resizeColumnsToContents();
    new EmptyState(m_table, [this] {
        return tr("<p><b>No credentials yet.</b></p><p>Add a provider's key with <b>Add…</b> (Ctrl+N); it goes to the "
                  "OS keychain, never to the database.</p><p>To try it on the demo's sandbox provider, start "
                  "<code>reconsole --demo</code>.</p>");
    });
    updateActions();
}

QAbstractItemView *CredentialsWorkspace::mainTable() const
{
    return m_table;
}

void CredentialsWorkspace::refresh()
{
    const QString id = selectedId();
    const int scroll = m_table->verticalScrollBar()->value();
    m_model->reload();
    m_table->resizeColumnsToContents();
    m_table->doItemsLayout();
    m_table->verticalScrollBar()->setValue(scroll);
    selectCredential(id);
}

QString CredentialsWorkspace::selectedId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(CredentialsModel::CredentialIdRole).toString();
}

void CredentialsWorkspace::updateActions()
{
    const bool admin = m_access.allows(Permission::ManageCredentials);
    const int row = m_model->rowOf(selectedId());
    const bool live = row >= 0 && !m_model->credentialAt(row).isRevoked();
    const bool token = row >= 0 && m_model->credentialAt(row).kind == QLatin1String("intake-token");
    m_add->setEnabled(admin);
    m_intakeToken->setEnabled(admin);
    const QString whyNot = !admin
        ? tr("Only admins manage credentials; you are signed in as %1.").arg(m_access.describe())
        : tr("Select a credential that is not revoked.");
    for (QAction *a : { m_verify, m_rotate, m_revoke, m_reveal, m_copy }) {
        if (a->data().isNull())
            a->setData(a->toolTip()); // what it does, kept to say beside why it cannot now
        a->setEnabled(admin && live);
        a->setToolTip(a->isEnabled() ? a->data().toString() : a->data().toString() + QLatin1Char(' ') + whyNot);
    }
    // An intake token is shown once, when made; it has no provider to verify it against.
    for (QAction *a : { m_verify, m_rotate, m_reveal, m_copy }) {
        if (token && a->isEnabled()) {
            a->setEnabled(false);
            a->setToolTip(a->data().toString() + QLatin1Char(' ')
                + tr("An intake token is shown only when it is made; revoke it and make another."));
        }
    }
    if (!admin)
        m_add->setToolTip(tr("Only admins manage credentials; you are signed in as %1.").arg(m_access.describe()));
    Q_EMIT expiringChanged(m_model->expiringCount(), m_model->expiryWarningDays());
}

void CredentialsWorkspace::showMessage(const QString &text, bool error)
{
    m_message->showMessage(text, error);
    Q_EMIT message(text);
}

// The shell has read the credentials again (it hears every change); this picks the one acted on.
void CredentialsWorkspace::selectCredential(const QString &id)
{
    const int row = id.isEmpty() ? -1 : m_model->rowOf(id);
    if (row >= 0)
        m_table->selectRow(row);
}

void CredentialsWorkspace::addCredential()
{
    const QList<ProviderConfig> providers = m_providers.configured().value_or({});
    if (providers.isEmpty()) {
        showMessage(tr("No provider is configured yet; add one in the Providers workspace (View > Providers), or run "
                       "`reconsolectl demo`."),
            true);
        return;
    }
    AddCredentialDialog dialog(providers, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QPointer<CredentialsWorkspace> self(this);
    m_service.add(dialog.request(), dialog.secret(), [self](Result<Credential> added) {
        if (!self)
            return;
        if (!added) {
            self->showMessage(added.message(), true);
            return;
        }
        self->selectCredential(added->id);
        self->showMessage(tr("Added %1 (%2) to the keychain. Verify it to check it against the provider.")
                              .arg(added->label, added->fingerprint),
            false);
    });
}

void CredentialsWorkspace::createIntakeToken()
{
    const QString label = Prompts::reason(this, tr("New intake token"),
        tr("Which system will use it (a label, such as “billing backend”)? The token is shown once."));
    if (label.isEmpty())
        return;
    QPointer<CredentialsWorkspace> self(this);
    m_service.createIntakeToken(label, [self](Result<CredentialService::IntakeToken> made) {
        if (!self)
            return;
        if (!made) {
            self->showMessage(made.message(), true);
            return;
        }
        self->selectCredential(made->credential.id);
        self->showMessage(
            self->tr("Made intake token %1 (%2).").arg(made->credential.label, made->credential.fingerprint), false);
        auto *dialog = new IntakeTokenDialog(made->credential.label, made->token, self);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open(); // not exec(): the workspace (and a test) goes on while it is shown
    });
}

void CredentialsWorkspace::verifySelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    QPointer<CredentialsWorkspace> self(this);
    m_service.verify(id, [self, id](Result<Credential> verified) {
        if (!self)
            return;
        self->selectCredential(id);
        self->showMessage(verified ? tr("The provider accepted %1.").arg(verified->label)
                                   : tr("Verification failed: %1").arg(verified.message()),
            !verified);
    });
}

void CredentialsWorkspace::rotateSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    const QString secret = Prompts::secret(this, tr("Rotate %1").arg(id),
        tr("Paste the new key. It is verified with the provider first; only then "
           "does everything that uses %1 switch to it. The old key stays in the "
           "keychain until you revoke it.")
            .arg(id));
    if (secret.isEmpty())
        return;
    QPointer<CredentialsWorkspace> self(this);
    m_service.rotate(id, secret, [self, id](Result<Credential> rotated) {
        if (!self)
            return;
        self->selectCredential(rotated ? rotated->id : id);
        self->showMessage(rotated ? tr("Rotated: everything now uses %1 (%2). Revoke %3 once nothing needs it.")
                                        .arg(rotated->id, rotated->fingerprint, id)
                                  : rotated.message(),
            !rotated);
    });
}

void CredentialsWorkspace::revokeSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    const QString reason = Prompts::reason(this, tr("Revoke %1").arg(id),
        tr("Revoking deletes the key from the keychain. Operations that still need "
           "it will stop with “credential revoked”. Why?"));
    if (reason.isEmpty())
        return;
    QPointer<CredentialsWorkspace> self(this);
    m_service.revoke(id, reason, [self, id](Status revoked) {
        if (!self)
            return;
        self->selectCredential(id);
        self->showMessage(
            revoked ? tr("%1 revoked and removed from the keychain.").arg(id) : revoked.message(), !revoked);
    });
}

void CredentialsWorkspace::revealSelected()
{
    const QString id = selectedId();
    if (id.isEmpty()
        || !Prompts::confirm(this, tr("Reveal secret"),
            tr("Show the secret of %1 on screen? The audit log records that you looked.").arg(id)))
        return;
    QPointer<CredentialsWorkspace> self(this);
    m_service.reveal(id, [self, id](Result<QString> secret) {
        if (!self)
            return;
        if (!secret) {
            self->showMessage(secret.message(), true);
            return;
        }
        QMessageBox box(QMessageBox::Information, tr("Secret of %1").arg(id), secret.value(), QMessageBox::Close, self);
        box.setTextInteractionFlags(Qt::TextSelectableByMouse);
        box.exec();
    });
}

void CredentialsWorkspace::copySelected()
{
    const QString id = selectedId();
    if (id.isEmpty()
        || !Prompts::confirm(this, tr("Copy secret"),
            tr("Copy the secret of %1 to the clipboard? It is cleared after %2 s.").arg(id).arg(kClipboardSeconds)))
        return;
    QPointer<CredentialsWorkspace> self(this);
    m_service.reveal(id, [self](Result<QString> secret) {
        if (!self)
            return;
        if (!secret) {
            self->showMessage(secret.message(), true);
            return;
        }
        QClipboard *clipboard = QApplication::clipboard();
        clipboard->setText(secret.value());
        const QString copied = secret.value();
        // Cleared only if it still holds our secret: never wipe what the user copied since.
        QTimer::singleShot(kClipboardSeconds * 1000, clipboard, [clipboard, copied] {
            if (clipboard->text() == copied)
                clipboard->clear();
        });
        self->showMessage(tr("Copied; the clipboard will be cleared in %1 s.").arg(kClipboardSeconds), false);
    });
}
