#include "credentials/AddCredentialDialog.h"

#include "shell/Tints.h"

#include "credentials/SecretRules.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
std::function<bool(AddCredentialDialog &)> &hook()
{
    static std::function<bool(AddCredentialDialog &)> h;
    return h;
}
} // namespace

void AddCredentialDialog::setTestHook(std::function<bool(AddCredentialDialog &)> h)
{
    hook() = std::move(h);
}

AddCredentialDialog::AddCredentialDialog(const QList<ProviderConfig> &providers, QWidget *parent)
    : QDialog(parent)
    , m_provider(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_kind(new QComboBox(this))
    , m_label(new QLineEdit(this))
    , m_scopes(new QLineEdit(this))
    , m_expires(new QCheckBox(tr("Expires on"), this))
    , m_expiry(new QDateEdit(QDate::currentDate().addDays(90), this))
    , m_secret(new QLineEdit(this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Add credential"));
    m_provider->setObjectName(QStringLiteral("providerField"));
    for (const ProviderConfig &p : providers)
        m_provider->addItem(p.id, p.kind); // the kind decides which secrets fit
    connect(m_provider, &QComboBox::currentIndexChanged, this, &AddCredentialDialog::check);
    m_environment->setObjectName(QStringLiteral("environmentField"));
    m_environment->addItems({ QStringLiteral("test"), QStringLiteral("live") });
    m_kind->setObjectName(QStringLiteral("kindField"));
    m_kind->addItems({ QStringLiteral("api-key"), QStringLiteral("webhook-secret") });
    m_label->setObjectName(QStringLiteral("labelField"));
    m_label->setPlaceholderText(tr("e.g. Shop payments, restricted key for refunds"));
    m_scopes->setObjectName(QStringLiteral("scopesField"));
    m_scopes->setPlaceholderText(tr("optional, e.g. payment_intents:write refunds:write"));
    m_expires->setObjectName(QStringLiteral("expiresField"));
    m_expiry->setObjectName(QStringLiteral("expiryField"));
    m_expiry->setCalendarPopup(true);
    m_expiry->setEnabled(false);
    m_secret->setObjectName(QStringLiteral("secretField"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("paste the key; it goes to the OS keychain only"));
    m_problem->setObjectName(QStringLiteral("problemLabel"));
    m_problem->setWordWrap(true);
    QPalette problem = m_problem->palette();
    problem.setColor(QPalette::WindowText, Tints::text(Tints::Tone::Error, problem));
    m_problem->setPalette(problem);

    auto *expiry = new QHBoxLayout;
    expiry->addWidget(m_expires);
    expiry->addWidget(m_expiry, 1);
    auto *form = new QFormLayout;
    form->addRow(tr("Provider"), m_provider);
    form->addRow(tr("Environment"), m_environment);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("Label"), m_label);
    form->addRow(tr("Scopes"), m_scopes);
    form->addRow(QString(), expiry);
    form->addRow(tr("Secret"), m_secret);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setObjectName(QStringLiteral("addButton"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_expires, &QCheckBox::toggled, m_expiry, &QWidget::setEnabled);
    connect(m_secret, &QLineEdit::textChanged, this, &AddCredentialDialog::check);
    connect(m_environment, &QComboBox::currentIndexChanged, this, &AddCredentialDialog::check);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &AddCredentialDialog::check);
    check();
    resize(520, sizeHint().height());
}

void AddCredentialDialog::check()
{
    const Status ok = m_secret->text().isEmpty() ? Status(failure(ErrorClass::Input, QString()))
                                                 : SecretRules::check(m_secret->text(), m_environment->currentText(),
                                                     m_kind->currentText(), m_provider->currentData().toString());
    m_problem->setText(ok ? QString() : ok.message());
    m_ok->setEnabled(ok && m_provider->count() > 0);
}

CredentialService::NewCredential AddCredentialDialog::request() const
{
    CredentialService::NewCredential r;
    r.providerId = m_provider->currentText();
    r.environment = m_environment->currentText();
    r.kind = m_kind->currentText();
    r.label = m_label->text();
    r.scopes = m_scopes->text().trimmed();
    r.expiresAt = m_expires->isChecked() ? m_expiry->date().startOfDay().toMSecsSinceEpoch() : 0;
    return r;
}

QString AddCredentialDialog::secret() const
{
    return m_secret->text().trimmed();
}

int AddCredentialDialog::exec()
{
    if (hook()) {
        const bool accepted = hook()(*this) && m_ok->isEnabled();
        setResult(accepted ? Accepted : Rejected);
        return result();
    }
    return QDialog::exec();
}
