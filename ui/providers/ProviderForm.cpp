#include "providers/ProviderForm.h"

#include "providers/ProviderRules.h"
#include "providers/ProviderService.h"
#include "shell/Tints.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {
std::function<QString()> &caFileHook()
{
    static std::function<QString()> hook;
    return hook;
}

QPushButton *button(const QString &text, const QString &name, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    return b;
}
} // namespace

void ProviderForm::setCaFileHook(std::function<QString()> hook)
{
    caFileHook() = std::move(hook);
}

ProviderForm::ProviderForm(QString agentUrl, QWidget *parent)
    : QWidget(parent)
    , m_agentUrl(std::move(agentUrl))
    , m_id(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_baseUrl(new QLineEdit(this))
    , m_environment(new QComboBox(this))
    , m_rate(new QDoubleSpinBox(this))
    , m_burst(new QSpinBox(this))
    , m_timeout(new QSpinBox(this))
    , m_purpose(new QLineEdit(this))
    , m_owner(new QLineEdit(this))
    , m_ca(new QLabel(this))
    , m_removeCa(button(tr("Remove"), QStringLiteral("removeCaButton"), this))
    , m_endpoint(new QLineEdit(this))
    , m_eventTypes(new QLabel(this))
    , m_credentials(new QLabel(this))
    , m_addKey(button(tr("Add API key…"), QStringLiteral("addApiKeyButton"), this))
    , m_addSecret(button(tr("Add webhook secret…"), QStringLiteral("addWebhookSecretButton"), this))
    , m_problem(new QLabel(this))
    , m_state(new QLabel(this))
    , m_breaker(new QLabel(this))
{
    setObjectName(QStringLiteral("providerForm"));
    m_state->setObjectName(QStringLiteral("providerState"));
    m_problem->setObjectName(QStringLiteral("providerProblem"));
    m_problem->setWordWrap(true);
    QPalette problem = m_problem->palette();
    problem.setColor(QPalette::WindowText, Tints::text(Tints::Tone::Error, problem));
    m_problem->setPalette(problem);
    m_breaker->setObjectName(QStringLiteral("circuitBreakerLabel"));
    m_breaker->setWordWrap(true);
    m_breaker->setTextFormat(Qt::PlainText);
    m_breaker->setToolTip(tr("The agent stops sending to a provider whose recent requests mostly fail, then lets "
                             "one probe find out whether it is back. Read from the events the agent records."));
    m_breaker->hide();

    // Two columns, each as tall as its fields: the page reads top down at 1366×768.
    auto *left = new QVBoxLayout;
    left->addWidget(buildSettings());
    left->addStretch();
    auto *right = new QVBoxLayout;
    right->addWidget(buildTrust());
    right->addWidget(buildRegistration());
    right->addStretch();
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_state);
    layout->addWidget(m_breaker);
    layout->addWidget(m_problem);
    layout->addLayout(columns, 1);

    for (QLineEdit *field : { m_id, m_name, m_baseUrl, m_purpose, m_owner })
        connect(field, &QLineEdit::textEdited, this, &ProviderForm::updateDerived);
    connect(m_kind, &QComboBox::activated, this, &ProviderForm::kindChanged);
    connect(m_environment, &QComboBox::activated, this, &ProviderForm::updateDerived);
    connect(m_rate, &QDoubleSpinBox::valueChanged, this, &ProviderForm::updateDerived);
    connect(m_burst, &QSpinBox::valueChanged, this, &ProviderForm::updateDerived);
    connect(m_timeout, &QSpinBox::valueChanged, this, &ProviderForm::updateDerived);
    connect(m_removeCa, &QPushButton::clicked, this, [this] { setCa({}); });
    connect(
        m_addKey, &QPushButton::clicked, this, [this] { Q_EMIT addCredentialRequested(QStringLiteral("api-key")); });
    connect(m_addSecret, &QPushButton::clicked, this,
        [this] { Q_EMIT addCredentialRequested(QStringLiteral("webhook-secret")); });
}

QWidget *ProviderForm::buildSettings()
{
    auto *box = new QGroupBox(tr("Settings"), this);
    m_id->setObjectName(QStringLiteral("providerIdField"));
    m_id->setPlaceholderText(tr("e.g. stripe-live; part of the webhook URL"));
    m_kind->setObjectName(QStringLiteral("providerKindField"));
    m_kind->addItem(tr("Payments (Stripe-compatible)"), QStringLiteral("payments"));
    m_kind->addItem(tr("CRM (HubSpot-compatible)"), QStringLiteral("crm"));
    m_name->setObjectName(QStringLiteral("providerNameField"));
    m_name->setPlaceholderText(tr("shown in pickers; the id when empty"));
    m_baseUrl->setObjectName(QStringLiteral("baseUrlField"));
    auto *defaultUrl = button(tr("Public API"), QStringLiteral("defaultUrlButton"), box);
    defaultUrl->setToolTip(tr("The provider's public address for this kind."));
    connect(defaultUrl, &QPushButton::clicked, this, &ProviderForm::useDefaultUrl);
    auto *url = new QHBoxLayout;
    url->addWidget(m_baseUrl, 1);
    url->addWidget(defaultUrl);
    m_environment->setObjectName(QStringLiteral("environmentField"));
    for (const QString &e : ProviderRules::environments())
        m_environment->addItem(e, e);
    m_rate->setObjectName(QStringLiteral("rateField"));
    m_rate->setRange(0, 100000);
    m_rate->setDecimals(1);
    m_rate->setSuffix(tr(" /s"));
    m_burst->setObjectName(QStringLiteral("burstField"));
    m_burst->setRange(0, 100000);
    auto *defaultLimits = button(tr("Documented"), QStringLiteral("defaultLimitsButton"), box);
    defaultLimits->setToolTip(tr("The rate limit and burst the provider documents for this environment."));
    connect(defaultLimits, &QPushButton::clicked, this, &ProviderForm::useDefaultLimits);
    auto *limits = new QHBoxLayout;
    limits->addWidget(m_rate, 1);
    limits->addWidget(new QLabel(tr("burst"), box));
    limits->addWidget(m_burst, 1);
    limits->addWidget(defaultLimits);
    m_timeout->setObjectName(QStringLiteral("timeoutField"));
    m_timeout->setRange(0, 600000);
    m_timeout->setSingleStep(1000);
    m_timeout->setSuffix(tr(" ms"));
    m_purpose->setObjectName(QStringLiteral("purposeField"));
    m_purpose->setPlaceholderText(tr("what the business uses it for"));
    m_owner->setObjectName(QStringLiteral("ownerField"));
    m_owner->setPlaceholderText(tr("who in the business answers for it"));
    auto *form = new QFormLayout(box);
    form->addRow(tr("Id"), m_id);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Base URL"), url);
    form->addRow(tr("Environment"), m_environment);
    form->addRow(tr("Rate limit"), limits);
    form->addRow(tr("Timeout"), m_timeout);
    form->addRow(tr("Purpose"), m_purpose);
    form->addRow(tr("Owner"), m_owner);
    return box;
}

QWidget *ProviderForm::buildTrust()
{
    auto *box = new QGroupBox(tr("TLS"), this);
    m_ca->setObjectName(QStringLiteral("extraCaLabel"));
    m_ca->setWordWrap(true);
    auto *choose = button(tr("Add CA (PEM)…"), QStringLiteral("chooseCaButton"), box);
    choose->setToolTip(tr("A CA certificate trusted for this provider besides the system's, e.g. a company "
                          "proxy's. It is public and kept in the database."));
    connect(choose, &QPushButton::clicked, this, &ProviderForm::chooseCa);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(choose);
    buttons->addWidget(m_removeCa);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_ca);
    layout->addLayout(buttons);
    return box;
}

QWidget *ProviderForm::buildRegistration()
{
    auto *box = new QGroupBox(tr("At the provider"), this);
    m_endpoint->setObjectName(QStringLiteral("webhookEndpointField"));
    m_endpoint->setReadOnly(true);
    auto *copy = button(tr("Copy"), QStringLiteral("copyEndpointButton"), box);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_endpoint->text()); });
    auto *endpoint = new QHBoxLayout;
    endpoint->addWidget(m_endpoint, 1);
    endpoint->addWidget(copy);
    m_eventTypes->setObjectName(QStringLiteral("eventTypesLabel"));
    m_eventTypes->setWordWrap(true);
    m_eventTypes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_credentials->setObjectName(QStringLiteral("linkedCredentialsLabel"));
    m_credentials->setWordWrap(true);
    auto *add = new QHBoxLayout;
    add->addWidget(m_addKey);
    add->addWidget(m_addSecret);
    add->addStretch();
    auto *form = new QFormLayout(box);
    form->addRow(tr("Webhook endpoint"), endpoint);
    form->addRow(tr("Event types"), m_eventTypes);
    form->addRow(tr("Credentials"), m_credentials);
    form->addRow(QString(), add);
    return box;
}

void ProviderForm::load(const ProviderConfig &p, bool isNew, const QList<Credential> &credentials)
{
    m_loaded = p;
    m_new = isNew;
    m_id->setText(p.id);
    m_id->setReadOnly(!isNew);
    m_kind->setCurrentIndex(qMax(0, m_kind->findData(p.kind)));
    m_kind->setEnabled(isNew); // another kind is another adapter: a new provider
    m_name->setText(p.displayName);
    m_baseUrl->setText(p.baseUrl);
    m_environment->setCurrentIndex(qMax(0, m_environment->findData(p.environment)));
    const QSignalBlocker rate(m_rate), burst(m_burst), timeout(m_timeout);
    m_rate->setValue(p.ratePerSecond);
    m_burst->setValue(p.burst);
    m_timeout->setValue(p.timeoutMs);
    m_purpose->setText(p.purpose);
    m_owner->setText(p.owner);
    m_caPem = p.extraCaPem;
    setCredentials(p.credentialId, credentials);
    m_addKey->setEnabled(!isNew);
    m_addSecret->setEnabled(!isNew);
    const QString save = tr("Save the provider first.");
    m_addKey->setToolTip(isNew ? save : tr("Put its API key in the keychain (Credentials)."));
    m_addSecret->setToolTip(isNew ? save : tr("Put the secret its webhooks are signed with in the keychain."));
    showState();
    setCa(m_caPem);
}

void ProviderForm::showState()
{
    const QString id = m_loaded.id.toHtmlEscaped();
    m_state->setText(m_new     ? tr("<b>New provider</b>")
            : m_loaded.enabled ? tr("<b>%1</b>: enabled").arg(id)
                               : tr("<b>%1</b>: disabled; nothing new is sent to it").arg(id));
}

void ProviderForm::setCircuitBreaker(const QString &text, bool tripped)
{
    m_breaker->setText(tr("Circuit breaker: %1").arg(text));
    QPalette tone = palette();
    if (tripped)
        tone.setColor(QPalette::WindowText, Tints::text(Tints::Tone::Warning, tone));
    m_breaker->setPalette(tone);
    m_breaker->setVisible(!text.isEmpty());
}

void ProviderForm::refreshStored(const ProviderConfig &stored, const QList<Credential> &credentials)
{
    m_loaded.enabled = stored.enabled;
    setCredentials(stored.credentialId, credentials);
    showState();
}

void ProviderForm::setCredentials(const QString &inUse, const QList<Credential> &credentials)
{
    m_loaded.credentialId = inUse;
    QStringList linked;
    for (const Credential &c : credentials) {
        if (c.isRevoked())
            continue;
        linked << tr("%1 <b>%2</b> %3 %4%5")
                      .arg(c.kind == QLatin1String("webhook-secret") ? tr("Webhook secret") : tr("API key"),
                          c.label.toHtmlEscaped(), c.environment, c.fingerprint,
                          c.id == inUse ? tr(" (in use)") : QString());
    }
    m_credentials->setText(linked.isEmpty() ? tr("None yet: add its API key and webhook secret below.")
                                            : linked.join(QStringLiteral("<br>")));
}

bool ProviderForm::hasUnsavedChanges() const
{
    const ProviderConfig now = provider();
    const ProviderConfig &was = m_loaded;
    return now.id != was.id || now.kind != was.kind || now.displayName != was.displayName || now.baseUrl != was.baseUrl
        || now.environment != was.environment || now.ratePerSecond != was.ratePerSecond || now.burst != was.burst
        || now.timeoutMs != was.timeoutMs || now.purpose != was.purpose || now.owner != was.owner
        || now.extraCaPem != was.extraCaPem;
}

ProviderConfig ProviderForm::provider() const
{
    ProviderConfig p = m_loaded;
    p.id = m_id->text().trimmed();
    p.kind = m_kind->currentData().toString();
    p.displayName = m_name->text().trimmed();
    p.baseUrl = m_baseUrl->text().trimmed();
    p.environment = m_environment->currentData().toString();
    p.ratePerSecond = m_rate->value();
    p.burst = m_burst->value();
    p.timeoutMs = m_timeout->value();
    p.purpose = m_purpose->text().trimmed();
    p.owner = m_owner->text().trimmed();
    p.extraCaPem = m_caPem;
    return p;
}

QString ProviderForm::problem() const
{
    const Status valid = ProviderRules::check(provider());
    return valid ? QString() : valid.message();
}

void ProviderForm::kindChanged()
{
    // A new provider of the other kind starts from that kind's public API and limits.
    useDefaultUrl();
    useDefaultLimits();
}

void ProviderForm::useDefaultUrl()
{
    m_baseUrl->setText(ProviderRules::defaultBaseUrl(m_kind->currentData().toString()));
    updateDerived();
}

void ProviderForm::useDefaultLimits()
{
    const QString kind = m_kind->currentData().toString();
    const QString environment = m_environment->currentData().toString();
    m_rate->setValue(ProviderRules::defaultRate(kind, environment));
    m_burst->setValue(ProviderRules::defaultBurst(kind, environment));
    updateDerived();
}

void ProviderForm::chooseCa()
{
    const QString path = caFileHook() ? caFileHook()()
                                      : QFileDialog::getOpenFileName(this, tr("CA certificate"), {},
                                          tr("PEM certificates (*.pem *.crt);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_problem->setText(tr("Extra CA: cannot read %1: %2").arg(path, file.errorString()));
        m_problem->show();
        return;
    }
    setCa(QString::fromUtf8(file.readAll()));
}

void ProviderForm::setCa(const QString &pem)
{
    m_caPem = pem;
    const QStringList certificates = ProviderService::describeCertificates(pem);
    m_ca->setText(pem.trimmed().isEmpty()
            ? tr("Verified against this machine's CA store only.")
            : tr("Verified against this machine's CA store and: %1")
                  .arg(certificates.isEmpty() ? tr("(unreadable PEM)") : certificates.join(QStringLiteral("; "))));
    m_removeCa->setEnabled(!pem.isEmpty());
    updateDerived();
}

void ProviderForm::updateDerived()
{
    const ProviderConfig p = provider();
    const QString base = m_agentUrl.isEmpty() ? tr("<agent URL>") : m_agentUrl;
    m_endpoint->setText(ProviderService::webhookEndpoint(base, p.id.isEmpty() ? tr("<id>") : p.id));
    m_endpoint->setCursorPosition(0); // the host first; the id follows
    m_endpoint->setToolTip(m_endpoint->text()); // whole, where the field is too narrow
    const QStringList types = ProviderService::eventTypes(p.kind);
    m_eventTypes->setText(types.join(QStringLiteral(", ")));
    const QString why = problem();
    const Status ca = ProviderService::checkExtraCa(m_caPem);
    m_problem->setText(!why.isEmpty() ? why : ca ? QString() : ca.message());
    m_problem->setVisible(!m_problem->text().isEmpty());
    Q_EMIT edited();
}
