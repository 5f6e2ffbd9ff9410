#include "providers/ProvidersWorkspace.h"

#include "access/AccessPolicy.h"
#include "credentials/AddCredentialDialog.h"
#include "credentials/CredentialService.h"
#include "providers/CircuitBreakerReader.h"
#include "providers/ProviderForm.h"
#include "providers/ProviderRules.h"
#include "providers/ProviderService.h"
#include "providers/RetryPolicyPanel.h"
#include "shell/ActionButton.h"
#include "shell/EmptyState.h"
#include "shell/MessageBanner.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QSplitter>
#include <QVBoxLayout>

namespace {
constexpr int kIdRole = Qt::UserRole;
} // namespace

ProvidersWorkspace::ProvidersWorkspace(ProviderService &providers, CredentialService &credentials,
    ProviderRegistry &registry, const AccessPolicy &access, const QString &agentUrl, QWidget *parent)
    : QWidget(parent)
    , m_providers(providers)
    , m_credentialService(credentials)
    , m_access(access)
    , m_listView(new QListWidget(this))
    , m_form(new ProviderForm(agentUrl, this))
    , m_retries(new RetryPolicyPanel(providers, registry, access, this))
    , m_message(new MessageBanner(this))
    , m_new(new QAction(tr("New provider…"), this))
    , m_save(new QAction(tr("Save"), this))
    , m_disable(new QAction(tr("Disable"), this))
    , m_enable(new QAction(tr("Enable"), this))
{
    setObjectName(QStringLiteral("providersWorkspace"));
    m_listView->setObjectName(QStringLiteral("providerList"));
    m_listView->setMinimumWidth(190);
    m_message->setObjectName(QStringLiteral("providerMessage"));
    const QList<QPair<QAction *, const char *>> buttons { { m_new, "newProvider" }, { m_save, "saveProvider" },
        { m_disable, "disableProvider" }, { m_enable, "enableProvider" } };
    auto *actions = new QHBoxLayout;
    for (const auto &[action, name] : buttons) {
        action->setObjectName(QLatin1String(name) + QStringLiteral("Action"));
        addAction(action); // the shell's menus and command palette read them from here
        actions->addWidget(new ActionButton(action, QLatin1String(name) + QStringLiteral("Button"), this));
    }
    actions->addStretch();
    m_new->setToolTip(tr("Set up a provider, starting from the public API's address and documented limits."));
    m_save->setShortcut(QKeySequence::Save);
    m_save->setToolTip(tr("Store the settings (audited); refused with the field to fix."));
    m_disable->setToolTip(tr("Send nothing new to it; its operations and history stay readable."));
    m_enable->setToolTip(tr("Send to it again."));

    auto *intro = new QLabel(tr("The providers Reconsole talks to. Register the webhook endpoint at the provider "
                                "for the event types listed; keys and secrets go to the OS keychain."),
        this);
    intro->setWordWrap(true);
    // The page: the settings, then the retry policies across both of its columns.
    auto *page = new QWidget(this);
    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    pageLayout->addWidget(m_form);
    pageLayout->addWidget(m_retries);
    pageLayout->addStretch(1);
    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("providersSplitter"));
    split->addWidget(m_listView);
    split->addWidget(page);
    split->setStretchFactor(1, 1);
    split->setSizes({ 220, 900 });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);
    layout->addLayout(actions);

    connect(m_new, &QAction::triggered, this, &ProvidersWorkspace::newProvider);
    connect(m_save, &QAction::triggered, this, &ProvidersWorkspace::save);
    connect(m_disable, &QAction::triggered, this, [this] { setSelectedEnabled(false); });
    connect(m_enable, &QAction::triggered, this, [this] { setSelectedEnabled(true); });
    connect(m_listView, &QListWidget::currentRowChanged, this, &ProvidersWorkspace::showSelected);
    connect(m_form, &ProviderForm::edited, this, &ProvidersWorkspace::updateActions);
    connect(m_form, &ProviderForm::addCredentialRequested, this, &ProvidersWorkspace::addCredential);
    connect(m_retries, &RetryPolicyPanel::message, this, &ProvidersWorkspace::showMessage);
    new EmptyState(m_listView, [this] {
        return m_list.isEmpty() ? tr("<p><b>No providers yet.</b></p><p>Fill in the page on the right and "
                                     "<b>Save</b>, then add its key.</p><p><code>reconsole --demo</code> sets "
                                     "up the sandbox's.</p>")
                                : QString();
    });
    newProvider();
    refresh();
}

void ProvidersWorkspace::setCircuitBreakers(const CircuitBreakerReader &breakers)
{
    m_breakers = &breakers;
    showBreaker(m_form->isNew() ? QString() : selectedId());
}

QAbstractItemView *ProvidersWorkspace::mainTable() const
{
    return m_listView;
}

QString ProvidersWorkspace::selectedId() const
{
    const QListWidgetItem *item = m_listView->currentItem();
    return item ? item->data(kIdRole).toString() : QString();
}

void ProvidersWorkspace::refresh()
{
    const QString keep = selectedId();
    auto all = m_providers.all();
    if (!all)
        showMessage(all.message(), true);
    m_list = all.value_or({});
    const QSignalBlocker quiet(m_listView);
    m_listView->clear();
    for (const ProviderConfig &p : m_list) {
        auto *item = new QListWidgetItem(
            tr("%1\n%2 · %3%4").arg(p.displayName, p.id, p.environment, p.enabled ? QString() : tr(" · disabled")),
            m_listView);
        item->setData(kIdRole, p.id);
        item->setToolTip(p.baseUrl);
        if (!p.enabled)
            item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
    }
    // Keep what is shown: the selected provider, or a new one being typed in; else the first.
    if (!keep.isEmpty())
        selectProvider(keep);
    else if (m_list.isEmpty() && !m_form->isNew())
        newProvider();
    else if (!m_list.isEmpty() && (!m_form->isNew() || m_form->provider().id.isEmpty()))
        selectProvider(m_list.first().id);
    updateActions();
}

void ProvidersWorkspace::selectProvider(const QString &id)
{
    for (int row = 0; row < m_listView->count(); ++row) {
        if (m_listView->item(row)->data(kIdRole).toString() == id) {
            m_listView->setCurrentRow(row);
            showSelected();
            return;
        }
    }
}

void ProvidersWorkspace::showSelected()
{
    const QString id = selectedId();
    for (const ProviderConfig &p : m_list) {
        if (p.id != id)
            continue;
        // Read again while being edited (a credential was added): keep what was typed.
        if (!m_form->isNew() && m_form->provider().id == id && m_form->hasUnsavedChanges())
            m_form->refreshStored(p, m_providers.credentialsOf(id).value_or({}));
        else
            m_form->load(p, false, m_providers.credentialsOf(id).value_or({}));
        m_retries->showProvider(p);
        showBreaker(id);
        break;
    }
    updateActions();
}

void ProvidersWorkspace::showBreaker(const QString &id)
{
    if (!m_breakers || id.isEmpty()) {
        m_form->setCircuitBreaker({}, false);
        return;
    }
    auto breaker = m_breakers->of(id);
    if (!breaker)
        m_form->setCircuitBreaker(tr("unknown — %1").arg(breaker.message()), true);
    else
        m_form->setCircuitBreaker(breaker->describe(), breaker->isTripped());
}

void ProvidersWorkspace::newProvider()
{
    const ProviderConfig p = ProviderRules::defaults(QStringLiteral("payments"), QStringLiteral("test"));
    const QSignalBlocker quiet(m_listView);
    m_listView->setCurrentRow(-1);
    m_form->load(p, true, {});
    m_retries->clear();
    showBreaker({});
    updateActions();
}

void ProvidersWorkspace::save()
{
    const ProviderConfig p = m_form->provider();
    const bool adding = m_form->isNew();
    const auto saved = adding ? m_providers.add(p) : m_providers.edit(p);
    if (!saved) {
        showMessage(saved.message(), true);
        return;
    }
    // providersChanged has refreshed the list already (the shell follows it); pick the saved one.
    refresh();
    selectProvider(saved->id);
    showMessage(adding ? tr("Provider %1 added.").arg(saved->id) : tr("Provider %1 saved.").arg(saved->id), false);
}

void ProvidersWorkspace::setSelectedEnabled(bool enabled)
{
    const QString id = selectedId();
    const auto changed = m_providers.setEnabled(id, enabled);
    if (!changed) {
        showMessage(changed.message(), true);
        return;
    }
    refresh();
    selectProvider(id);
    showMessage(enabled ? tr("%1 enabled: operations to it are sent again.").arg(id)
                        : tr("%1 disabled: nothing new is sent to it; its operations stay readable.").arg(id),
        false);
}

void ProvidersWorkspace::addCredential(const QString &kind)
{
    const ProviderConfig p = m_form->provider();
    AddCredentialDialog dialog({ p }, this);
    if (auto *kindField = dialog.findChild<QComboBox *>(QStringLiteral("kindField")))
        kindField->setCurrentText(kind); // asked for from this button: the dialog starts there
    if (auto *environment = dialog.findChild<QComboBox *>(QStringLiteral("environmentField")))
        environment->setCurrentText(p.environment);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QPointer<ProvidersWorkspace> self(this);
    m_credentialService.add(dialog.request(), dialog.secret(), [self, id = p.id](Result<Credential> added) {
        if (!self)
            return;
        if (!added) {
            self->showMessage(added.message(), true);
            return;
        }
        self->refresh();
        self->selectProvider(id);
        self->showMessage(tr("%1 added for %2 (%3).").arg(added->label, id, added->fingerprint), false);
    });
}

void ProvidersWorkspace::updateActions()
{
    const bool admin = m_access.allows(Permission::ManageCredentials);
    const QString notAdmin = tr("Only admins set up providers; you are signed in as %1.").arg(m_access.describe());
    const QString id = selectedId();
    bool enabled = true;
    for (const ProviderConfig &p : m_list) {
        if (p.id == id)
            enabled = p.enabled;
    }
    const QString problem = m_form->problem();
    m_new->setEnabled(admin);
    m_save->setEnabled(admin && problem.isEmpty());
    m_disable->setEnabled(admin && !id.isEmpty() && !m_form->isNew() && enabled);
    m_enable->setEnabled(admin && !id.isEmpty() && !m_form->isNew() && !enabled);
    if (!admin) {
        for (QAction *a : { m_new, m_save, m_disable, m_enable })
            a->setToolTip(notAdmin);
    } else {
        m_save->setToolTip(problem.isEmpty() ? tr("Store the settings (audited).") : problem);
    }
}

void ProvidersWorkspace::showMessage(const QString &text, bool error)
{
    m_message->showMessage(text, error);
    Q_EMIT message(text);
}
