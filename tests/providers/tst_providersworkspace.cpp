// The Providers workspace, offscreen, through its widgets' object names: a fresh database
// leads to the form, defaults are offered per kind, a refusal names its field before saving,
// an extra CA is picked from a PEM file, the endpoint to register is copyable, the key and the
// webhook secret go through the Credentials dialog, and disable/enable reach the list. A
// provider's retry policies are edited, added for an action and reset through their dialog
// (read-only without the admin role), and its circuit breaker is read from the agent's events.
// In the shell it is an admin's workspace and follows changes made elsewhere.
#include "ConsoleParts.h"
#include "HttpClient.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "agent/Agent.h"
#include "credentials/AddCredentialDialog.h"
#include "events/EventStore.h"
#include "operations/OperationStore.h"
#include "operations/OperationsWorkspace.h"
#include "providers/CircuitBreakerReader.h"
#include "providers/DurationField.h"
#include "providers/ProviderForm.h"
#include "providers/ProviderRules.h"
#include "providers/ProviderService.h"
#include "providers/ProviderStore.h"
#include "providers/ProvidersWorkspace.h"
#include "providers/RetryPolicyDialog.h"
#include "providers/RetryPolicyPanel.h"
#include "shell/EmptyState.h"
#include "shell/MessageBanner.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

namespace {
void choose(QComboBox *combo, const QString &data)
{
    const int index = combo->findData(data);
    combo->setCurrentIndex(index);
    Q_EMIT combo->activated(index); // as a person picking it
}

void retype(QLineEdit *field, const QString &text)
{
    field->selectAll();
    QTest::keyClick(field, Qt::Key_Backspace);
    QTest::keyClicks(field, text);
}

template <typename T> T *child(QWidget *parent, const char *name)
{
    T *found = parent->findChild<T *>(QLatin1String(name));
    if (!found)
        qWarning("no %s", name);
    return found;
}

// The services the workspace uses, on a database with no provider at all.
struct Services
{
    explicit Services(const Database &db, QSet<Role> roles = AccessPolicy::allRoles(),
        const QString &actor = QStringLiteral("admin-alice"))
        : transport(&network)
        , access(std::move(roles), actor)
        , registry(db, transport, keys)
        , credentials(db, keys, registry, access)
        , providers(db, access)
    { }
    QNetworkAccessManager network;
    HttpTransport transport;
    MemoryKeychain keys;
    AccessPolicy access;
    ProviderRegistry registry;
    CredentialService credentials;
    ProviderService providers;
};
// A payments provider as the form would save it, stored directly: these tests are about its page.
void addPayments(const Database &db, const QString &id)
{
    ProviderConfig p = ProviderRules::defaults(QStringLiteral("payments"), QStringLiteral("test"));
    p.id = id;
    QVERIFY(ProviderStore(db).upsert(p));
}

// The event the agent's OperationRunner records when a breaker changes state.
void recordBreaker(const Database &db, const QString &providerId, const QString &state, const QString &note)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Event e;
    e.source = QStringLiteral("reconsole");
    e.externalId = QStringLiteral("breaker-%1-%2-%3").arg(providerId).arg(now).arg(state);
    e.type = QStringLiteral("circuit_breaker.") + state;
    e.entityType = QStringLiteral("provider");
    e.entityId = providerId;
    e.occurredAt = now;
    e.processedAt = now;
    e.channel = QStringLiteral("internal");
    e.note = note;
    auto stored = EventStore(db).insertIfNew(e);
    QVERIFY2(stored && stored.value(), qPrintable(stored ? QStringLiteral("a duplicate") : stored.message()));
}

// What app/reconsole.cpp gives the reader: the newest breaker event, read from the store.
CircuitBreakerReader::LatestChange breakerEvents(const Database &db)
{
    return [&db](const QString &providerId) -> Result<CircuitBreakerReader::RecordedChange> {
        auto latest = EventStore(db).latest(QStringLiteral("provider"), providerId, QStringLiteral("circuit_breaker."));
        if (!latest)
            return latest.error();
        return CircuitBreakerReader::RecordedChange { latest->type, latest->occurredAt, latest->note };
    };
}

QString lastAuditAction(const Database &db, const QString &target)
{
    const QList<AuditEntry> entries = AuditLog(db).entriesFor(target).value_or({});
    return entries.isEmpty() ? QString() : entries.last().action;
}

RetryPolicyDialog *openedDialog(QWidget *workspace)
{
    return workspace->findChild<RetryPolicyDialog *>(QStringLiteral("retryPolicyDialog"));
}
} // namespace

class TestProvidersWorkspace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { MessageBanner::setSuccessTimeoutMs(60000); }

    void setUpAProviderFromAFreshDatabase()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        Services s(db);
        ProvidersWorkspace workspace(
            s.providers, s.credentials, s.registry, s.access, QStringLiteral("http://127.0.0.1:8123"));
        workspace.resize(1300, 700);
        workspace.show();
        QVERIFY(QTest::qWaitForWindowExposed(&workspace));

        auto *empty = child<QLabel>(&workspace, "providerListEmptyState");
        QVERIFY(empty && empty->isVisible());
        QVERIFY2(empty->text().contains(QLatin1String("No providers yet")), qPrintable(empty->text()));
        auto *save = child<QPushButton>(&workspace, "saveProviderButton");
        auto *baseUrl = child<QLineEdit>(&workspace, "baseUrlField");
        auto *problem = child<QLabel>(&workspace, "providerProblem");
        QCOMPARE(baseUrl->text(), QStringLiteral("https://api.stripe.com")); // the kind's public API, offered
        QVERIFY(!save->isEnabled()); // no id yet
        QVERIFY2(problem->text().startsWith(QLatin1String("Id:")), qPrintable(problem->text()));

        QTest::keyClicks(child<QLineEdit>(&workspace, "providerIdField"), QStringLiteral("stripe-live"));
        choose(child<QComboBox>(&workspace, "environmentField"), QStringLiteral("live"));
        QTest::mouseClick(child<QPushButton>(&workspace, "defaultLimitsButton"), Qt::LeftButton);
        QCOMPARE(child<QDoubleSpinBox>(&workspace, "rateField")->value(), 100.0); // Stripe's live limit
        QCOMPARE(child<QSpinBox>(&workspace, "burstField")->value(), 100);

        // Refused before it is saved, naming the field: a live provider over http://.
        retype(baseUrl, QStringLiteral("http://api.stripe.com"));
        QVERIFY2(problem->text().startsWith(QLatin1String("Base URL: a live provider")), qPrintable(problem->text()));
        QVERIFY(!save->isEnabled());
        QVERIFY(save->toolTip().startsWith(QLatin1String("Base URL:")));
        QTest::mouseClick(child<QPushButton>(&workspace, "defaultUrlButton"), Qt::LeftButton);
        QCOMPARE(baseUrl->text(), QStringLiteral("https://api.stripe.com"));
        QVERIFY(problem->text().isEmpty());
        QVERIFY(save->isEnabled());

        // The CRM kind offers HubSpot's address and limits instead.
        choose(child<QComboBox>(&workspace, "providerKindField"), QStringLiteral("crm"));
        QCOMPARE(baseUrl->text(), QStringLiteral("https://api.hubapi.com"));
        QCOMPARE(child<QDoubleSpinBox>(&workspace, "rateField")->value(), 10.0);
        QCOMPARE(child<QSpinBox>(&workspace, "burstField")->value(), 100);
        QVERIFY(child<QLabel>(&workspace, "eventTypesLabel")->text().contains(QLatin1String("contact.propertyChange")));
        choose(child<QComboBox>(&workspace, "providerKindField"), QStringLiteral("payments"));
        QCOMPARE(child<QDoubleSpinBox>(&workspace, "rateField")->value(), 100.0);

        QTest::keyClicks(child<QLineEdit>(&workspace, "purposeField"), QStringLiteral("Web shop card payments"));
        QTest::keyClicks(child<QLineEdit>(&workspace, "ownerField"), QStringLiteral("finance@example.com"));

        // An extra CA, picked as a PEM file.
        QTemporaryDir dir;
        QProcess openssl;
        openssl.setWorkingDirectory(dir.path());
        openssl.start(QStringLiteral("openssl"),
            { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
                QStringLiteral("/CN=Company proxy CA"), QStringLiteral("-keyout"), QStringLiteral("ca.key"),
                QStringLiteral("-out"), QStringLiteral("ca.pem") });
        QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);
        ProviderForm::setCaFileHook([&] { return dir.filePath(QStringLiteral("ca.pem")); });
        QTest::mouseClick(child<QPushButton>(&workspace, "chooseCaButton"), Qt::LeftButton);
        ProviderForm::setCaFileHook({});
        QVERIFY2(child<QLabel>(&workspace, "extraCaLabel")->text().contains(QLatin1String("Company proxy CA, until")),
            qPrintable(child<QLabel>(&workspace, "extraCaLabel")->text()));

        QVERIFY(!child<QPushButton>(&workspace, "addApiKeyButton")->isEnabled()); // saved first
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_VERIFY(child<QLabel>(&workspace, "providerMessage")->text().contains(QLatin1String("added")));
        const ProviderConfig stored = ProviderStore(db).get(QStringLiteral("stripe-live")).value();
        QCOMPARE(stored.environment, QStringLiteral("live"));
        QCOMPARE(stored.ratePerSecond, 100.0);
        QCOMPARE(stored.purpose, QStringLiteral("Web shop card payments"));
        QCOMPARE(stored.owner, QStringLiteral("finance@example.com"));
        QVERIFY(stored.extraCaPem.contains(QLatin1String("BEGIN CERTIFICATE")));
        auto *list = child<QListWidget>(&workspace, "providerList");
        QCOMPARE(list->count(), 1);
        QVERIFY(!empty->isVisible());
        QVERIFY(!child<QLineEdit>(&workspace, "providerIdField")->isEnabled()
            || child<QLineEdit>(&workspace, "providerIdField")->isReadOnly());

        // What to register at the provider: copyable.
        auto *endpoint = child<QLineEdit>(&workspace, "webhookEndpointField");
        QCOMPARE(endpoint->text(), QStringLiteral("http://127.0.0.1:8123/webhooks/stripe-live"));
        QTest::mouseClick(child<QPushButton>(&workspace, "copyEndpointButton"), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), endpoint->text());
        QVERIFY(
            child<QLabel>(&workspace, "eventTypesLabel")->text().contains(QLatin1String("payment_intent.succeeded")));

        // Its key and webhook secret, through the Credentials dialog; an edit not yet saved stays.
        retype(child<QLineEdit>(&workspace, "ownerField"), QStringLiteral("treasury@example.com"));
        QString kindOffered;
        AddCredentialDialog::setTestHook([&](AddCredentialDialog &dialog) {
            kindOffered = dialog.findChild<QComboBox *>(QStringLiteral("kindField"))->currentText();
            dialog.findChild<QLineEdit *>(QStringLiteral("labelField"))->setText(QStringLiteral("Shop live key"));
            dialog.findChild<QLineEdit *>(QStringLiteral("secretField"))
                ->setText(QStringLiteral("sk_live_shopKey0004242"));
            return true;
        });
        QTest::mouseClick(child<QPushButton>(&workspace, "addApiKeyButton"), Qt::LeftButton);
        QCOMPARE(kindOffered, QStringLiteral("api-key"));
        auto *linked = child<QLabel>(&workspace, "linkedCredentialsLabel");
        QTRY_VERIFY2(linked->text().contains(QLatin1String("Shop live key")), qPrintable(linked->text()));
        QVERIFY(linked->text().contains(QLatin1String("(in use)")));
        QVERIFY(!ProviderStore(db).get(QStringLiteral("stripe-live"))->credentialId.isEmpty());
        AddCredentialDialog::setTestHook([&](AddCredentialDialog &dialog) {
            kindOffered = dialog.findChild<QComboBox *>(QStringLiteral("kindField"))->currentText();
            dialog.findChild<QLineEdit *>(QStringLiteral("labelField"))->setText(QStringLiteral("Signing secret"));
            dialog.findChild<QLineEdit *>(QStringLiteral("secretField"))
                ->setText(QStringLiteral("whsec_signingSecret0004242"));
            return true;
        });
        QTest::mouseClick(child<QPushButton>(&workspace, "addWebhookSecretButton"), Qt::LeftButton);
        AddCredentialDialog::setTestHook({});
        QCOMPARE(kindOffered, QStringLiteral("webhook-secret"));
        QCOMPARE(child<QLineEdit>(&workspace, "ownerField")->text(), QStringLiteral("treasury@example.com"));
        QCOMPARE(ProviderStore(db).get(QStringLiteral("stripe-live"))->owner, QStringLiteral("finance@example.com"));
        QTRY_VERIFY2(
            linked->text().contains(QLatin1String("Webhook secret <b>Signing secret</b>")), qPrintable(linked->text()));

        // Disabled: the list and the page say so; enable is offered instead.
        QTest::mouseClick(child<QPushButton>(&workspace, "disableProviderButton"), Qt::LeftButton);
        QVERIFY(!ProviderStore(db).get(QStringLiteral("stripe-live"))->enabled);
        QVERIFY(list->item(0)->text().contains(QLatin1String("disabled")));
        QVERIFY(child<QLabel>(&workspace, "providerState")->text().contains(QLatin1String("disabled")));
        QVERIFY(!child<QPushButton>(&workspace, "disableProviderButton")->isEnabled());
        QTest::mouseClick(child<QPushButton>(&workspace, "enableProviderButton"), Qt::LeftButton);
        QVERIFY(ProviderStore(db).get(QStringLiteral("stripe-live"))->enabled);

        QStringList actions;
        for (const AuditEntry &e : AuditLog(db).entriesFor(QStringLiteral("provider:stripe-live")).value())
            actions << e.action;
        QCOMPARE(actions,
            (QStringList { QStringLiteral("provider.add"), QStringLiteral("provider.disable"),
                QStringLiteral("provider.enable") }));
    }

    // An admin edits the provider's own policy through the dialog (a refusal names its field and
    // keeps the dialog open), adds one for refunds and resets it; the breaker's trip shows.
    void retryPolicyAndCircuitBreaker_data() { ADD_BACKEND_ROWS(); }
    void retryPolicyAndCircuitBreaker()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        addPayments(db, QStringLiteral("stripe-live"));
        Services s(db);
        const CircuitBreakerReader breakers(s.providers, breakerEvents(db));
        ProvidersWorkspace workspace(s.providers, s.credentials, s.registry, s.access, {});
        workspace.setCircuitBreakers(breakers);
        workspace.resize(1300, 760);
        workspace.show();
        QVERIFY(QTest::qWaitForWindowExposed(&workspace));
        workspace.selectProvider(QStringLiteral("stripe-live"));

        auto *table = child<QTableWidget>(&workspace, "retryPolicyTable");
        auto *edit = child<QPushButton>(&workspace, "editRetryPolicyButton");
        auto *add = child<QPushButton>(&workspace, "addActionRetryPolicyButton");
        auto *reset = child<QPushButton>(&workspace, "resetRetryPolicyButton");
        QVERIFY(table && edit && add && reset && table->isVisible());
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("Every action"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("8"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("1 min … 1 h"));
        QCOMPARE(table->item(0, 5)->text(), QStringLiteral("kind's defaults"));
        QVERIFY(edit->isEnabled() && add->isEnabled());
        QVERIFY(!reset->isEnabled()); // nothing set at this level
        QVERIFY2(reset->toolTip().contains(QLatin1String("nothing to reset")), qPrintable(reset->toolTip()));

        // Edit…: the schedule as the defaults make it; a max delay under the base is refused by name.
        QTest::mouseClick(edit, Qt::LeftButton);
        RetryPolicyDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = openedDialog(&workspace)));
        auto *preview = child<QLabel>(dialog, "schedulePreview");
        QVERIFY2(preview->text().startsWith(QStringLiteral("1: ≤ 1 min · 2: ≤ 2 min · 3: ≤ 4 min")),
            qPrintable(preview->text()));
        QVERIFY2(preview->text().contains(QStringLiteral("7: ≤ 1 h · stops after 8 sends or 24 h")),
            qPrintable(preview->text()));
        QVERIFY(child<QCheckBox>(dialog, "retry_timeout")->toolTip().contains(QLatin1String("looks the operation up")));
        child<DurationField>(dialog, "maxDelayField")->setMs(30000);
        QTest::mouseClick(child<QPushButton>(dialog, "savePolicyButton"), Qt::LeftButton);
        auto *problem = child<QLabel>(dialog, "policyProblem");
        QVERIFY2(problem->isVisible() && problem->text().startsWith(QLatin1String("Max delay:")),
            qPrintable(problem->text()));
        QVERIFY(dialog->isVisible());
        QVERIFY(s.providers.retryPolicies(QStringLiteral("stripe-live"))->first().isDefault());

        child<QSpinBox>(dialog, "maxAttemptsField")->setValue(5);
        child<DurationField>(dialog, "baseDelayField")->setMs(30000);
        child<DurationField>(dialog, "maxDelayField")->setMs(600000);
        child<QDoubleSpinBox>(dialog, "deadlineField")->setValue(6);
        child<QCheckBox>(dialog, "retry_server")->setChecked(false);
        QVERIFY(!problem->isVisible());
        QCOMPARE(preview->text().section(QLatin1Char('\n'), 0, 0),
            QStringLiteral("1: ≤ 30 s · 2: ≤ 1 min · 3: ≤ 2 min · 4: ≤ 4 min · stops after 5 sends or 6 h"));
        QTest::mouseClick(child<QPushButton>(dialog, "savePolicyButton"), Qt::LeftButton);
        QTRY_VERIFY(!openedDialog(&workspace));
        RetryPolicy own = s.providers.retryPolicies(QStringLiteral("stripe-live"))->first();
        QCOMPARE(own.action, QString());
        QCOMPARE(own.maxAttempts, 5);
        QCOMPARE(own.baseDelayMs, qint64(30000));
        QCOMPARE(own.maxDelayMs, qint64(600000));
        QCOMPARE(own.deadlineMs, qint64(6 * 3600000));
        QCOMPARE(own.retriedClasses, (QList<ErrorClass> { ErrorClass::Network, ErrorClass::RateLimited }));
        QCOMPARE(own.updatedBy, QStringLiteral("admin-alice"));
        QCOMPARE(lastAuditAction(db, QStringLiteral("provider:stripe-live")), QStringLiteral("retry_policy.edit"));
        auto *banner = child<QLabel>(&workspace, "providerMessage");
        QVERIFY2(banner->isVisible() && banner->text().startsWith(QLatin1String("Retry policy of stripe-live saved")),
            qPrintable(banner->text()));
        QVERIFY(table->item(0, 5)->text().startsWith(QLatin1String("set by admin-alice at ")));
        QVERIFY(reset->isEnabled());

        // Add for an action…: the kind's actions offered; refunds get fewer tries.
        QTest::mouseClick(add, Qt::LeftButton);
        QTRY_VERIFY((dialog = openedDialog(&workspace)));
        auto *action = child<QComboBox>(dialog, "policyActionField");
        QVERIFY(action->findText(QStringLiteral("capture_payment")) >= 0
            && action->findText(QStringLiteral("refund")) >= 0);
        QCOMPARE(child<QSpinBox>(dialog, "maxAttemptsField")->value(), 5); // starts as the provider's own
        action->setCurrentText(QStringLiteral("refund"));
        child<QSpinBox>(dialog, "maxAttemptsField")->setValue(2);
        QTest::mouseClick(child<QPushButton>(dialog, "savePolicyButton"), Qt::LeftButton);
        QTRY_VERIFY(!openedDialog(&workspace));
        QList<RetryPolicy> levels = s.providers.retryPolicies(QStringLiteral("stripe-live")).value();
        QCOMPARE(levels.size(), 2);
        QCOMPARE(levels.at(1).action, QStringLiteral("refund"));
        QCOMPARE(levels.at(1).maxAttempts, 2);
        QCOMPARE(
            lastAuditAction(db, QStringLiteral("provider:stripe-live/refund")), QStringLiteral("retry_policy.edit"));
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("refund"));
        QCOMPARE(table->currentRow(), 1); // the level just added

        // Reset: refunds follow the provider's own again.
        QVERIFY(reset->isEnabled());
        QTest::mouseClick(reset, Qt::LeftButton);
        QCOMPARE(s.providers.retryPolicies(QStringLiteral("stripe-live"))->size(), 1);
        QCOMPARE(
            lastAuditAction(db, QStringLiteral("provider:stripe-live/refund")), QStringLiteral("retry_policy.reset"));
        QCOMPARE(table->rowCount(), 1);
        QVERIFY2(banner->text().contains(QLatin1String("reset")), qPrintable(banner->text()));

        // The circuit breaker, as the agent recorded it.
        auto *breaker = child<QLabel>(&workspace, "circuitBreakerLabel");
        QVERIFY(breaker->isVisible());
        QCOMPARE(breaker->text(), QStringLiteral("Circuit breaker: closed — no trips recorded"));
        recordBreaker(db, QStringLiteral("stripe-live"), QStringLiteral("open"),
            QStringLiteral("closed → open: 20 of 20 requests failed in the last 60 s"));
        workspace.refresh();
        QVERIFY2(
            breaker->text().startsWith(QLatin1String("Circuit breaker: open since ")), qPrintable(breaker->text()));
        QVERIFY(breaker->text().endsWith(QStringLiteral("— closed → open: 20 of 20 requests failed in the last 60 s")));
    }

    // Without the admin role the policies are shown and every button says why it is off.
    void retryPolicyReadOnlyForSupport()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        addPayments(db, QStringLiteral("stripe-live"));
        Services s(db, { Role::Support }, QStringLiteral("support-sam"));
        ProvidersWorkspace workspace(s.providers, s.credentials, s.registry, s.access, {});
        workspace.show();
        workspace.selectProvider(QStringLiteral("stripe-live"));
        QCOMPARE(child<QTableWidget>(&workspace, "retryPolicyTable")->rowCount(), 1);
        for (const char *name : { "editRetryPolicyButton", "addActionRetryPolicyButton", "resetRetryPolicyButton" }) {
            auto *button = child<QPushButton>(&workspace, name);
            QVERIFY2(!button->isEnabled(), name);
            QVERIFY2(button->toolTip().startsWith(QLatin1String("Only admins change retry policies")),
                qPrintable(button->toolTip()));
        }
        // No reader given: no breaker line rather than a guess.
        QVERIFY(!child<QLabel>(&workspace, "circuitBreakerLabel")->isVisible());
    }

    // The whole path in the console: an admin adds a provider and its key in the
    // Providers workspace, the business's backend submits an operation over HTTP to the agent,
    // and the operation, sent to that provider, appears in the Operations workspace.
    void providerAddedThenAnOperationSubmittedOverHttpShows()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        ConsoleParts parts(scratch.db());
        ProviderService providers(db, f.access);
        WorkbenchContext context = parts.context(f, f.sandbox.baseUrl());
        context.providerService = &providers;
        Agent agent(db, f.credentials, *f.registry, *f.service);
        Agent::Options options;
        options.port = 0;
        options.syncIntervalSeconds = 0;
        QVERIFY(agent.start(options));
        context.agentUrl = agent.webhookBaseUrl();
        MainWindow window(context);
        window.show();
        window.showWorkspace(QStringLiteral("Providers"));
        ProvidersWorkspace *workspace = window.providersWorkspace();

        QTest::mouseClick(child<QPushButton>(workspace, "newProviderButton"), Qt::LeftButton);
        QTest::keyClicks(child<QLineEdit>(workspace, "providerIdField"), QStringLiteral("shop-payments"));
        retype(child<QLineEdit>(workspace, "baseUrlField"), f.sandbox.baseUrl());
        QTest::mouseClick(child<QPushButton>(workspace, "saveProviderButton"), Qt::LeftButton);
        QVERIFY2(ProviderStore(db).get(QStringLiteral("shop-payments")),
            qPrintable(child<QLabel>(workspace, "providerMessage")->text()));
        QCOMPARE(child<QLineEdit>(workspace, "webhookEndpointField")->text(),
            agent.webhookBaseUrl() + QStringLiteral("/webhooks/shop-payments"));
        AddCredentialDialog::setTestHook([&](AddCredentialDialog &dialog) {
            dialog.findChild<QLineEdit *>(QStringLiteral("secretField"))
                ->setText(QString::fromLatin1(SandboxFixture::kKey));
            return true;
        });
        QTest::mouseClick(child<QPushButton>(workspace, "addApiKeyButton"), Qt::LeftButton);
        AddCredentialDialog::setTestHook({});
        QTRY_VERIFY(!ProviderStore(db).get(QStringLiteral("shop-payments"))->credentialId.isEmpty());

        QString token;
        f.credentialService->createIntakeToken(QStringLiteral("backend"),
            [&](Result<CredentialService::IntakeToken> made) { token = made ? made->token : QString(); });
        QTRY_VERIFY(!token.isEmpty());
        const QByteArray body
            = QJsonDocument(QJsonObject { { QStringLiteral("action"), QStringLiteral("capture_payment") },
                                { QStringLiteral("provider"), QStringLiteral("shop-payments") },
                                { QStringLiteral("entity"),
                                    QJsonObject { { QStringLiteral("type"), QStringLiteral("order") },
                                        { QStringLiteral("id"), QStringLiteral("ORD-WEB-1") } } },
                                { QStringLiteral("payload"),
                                    QJsonObject { { QStringLiteral("amount"), 4200 },
                                        { QStringLiteral("currency"), QStringLiteral("eur") },
                                        { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") } } },
                                { QStringLiteral("idempotency_key"), QStringLiteral("web-1") } })
                  .toJson(QJsonDocument::Compact);
        const TestReply posted
            = TestHttpClient(agent.baseUrl()).send("POST", QStringLiteral("/v1/operations"), body, token.toUtf8());
        QCOMPARE(posted.status, 202);
        const qint64 id = posted.json().value(QStringLiteral("id")).toInteger();

        window.showWorkspace(QStringLiteral("Operations"));
        OperationsModel *model = window.operationsWorkspace()->model();
        QTRY_VERIFY_WITH_TIMEOUT(model->isReady() && model->rowCount() == 1 && model->operationIdAt(0) == id, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(OperationStore(db).get(id)->state, OperationState::Succeeded, 5000);
        QCOMPARE(OperationStore(db).get(id)->providerId, QStringLiteral("shop-payments"));
    }

    void inTheShell()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        ConsoleParts parts(scratch.db());
        ProviderService providers(*scratch.db(), f.access);
        WorkbenchContext context = parts.context(f, f.sandbox.baseUrl());
        context.providerService = &providers;
        context.agentUrl = QStringLiteral("https://hooks.example.com");
        MainWindow window(context);
        window.show();
        // No operations yet: the empty state's link leads here.
        auto *empty = window.findChild<EmptyState *>(QStringLiteral("operationsTableEmptyState"));
        QTRY_VERIFY(empty && empty->isVisible());
        QVERIFY(empty->text().contains(QLatin1String("href=\"providers\"")));
        Q_EMIT empty->linkActivated(QStringLiteral("providers"));
        QCOMPARE(window.currentWorkspace(), window.providersWorkspace());
        auto *list = child<QListWidget>(&window, "providerList");
        QCOMPARE(list->count(), 1); // the fixture's sandbox
        QCOMPARE(child<QLineEdit>(&window, "webhookEndpointField")->text(),
            QStringLiteral("https://hooks.example.com/webhooks/stripe-sandbox"));
        // A change made elsewhere (reconsolectl, another service) shows without F5.
        QVERIFY(providers.setEnabled(QStringLiteral("stripe-sandbox"), false));
        QTRY_VERIFY(list->item(0)->text().contains(QLatin1String("disabled")));

        // Without the admin role the workspace is shown, not opened.
        SandboxFixture support(*scratch.db(), 1500, { Role::Support });
        WorkbenchContext narrow = parts.context(support, {});
        ProviderService supportProviders(*scratch.db(), support.access);
        narrow.providerService = &supportProviders;
        MainWindow limited(narrow);
        const QList<QListWidgetItem *> items
            = child<QListWidget>(&limited, "navigation")->findItems(QStringLiteral("Providers"), Qt::MatchStartsWith);
        QCOMPARE(items.size(), 1);
        QVERIFY(!(items.first()->flags() & Qt::ItemIsEnabled));
    }
};

QTEST_MAIN(TestProvidersWorkspace)
#include "tst_providersworkspace.moc"
