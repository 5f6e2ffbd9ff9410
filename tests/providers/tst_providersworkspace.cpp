// The Providers workspace, offscreen, through its widgets' object names: a fresh database
// leads to the form, defaults are offered per kind, a refusal names its field before saving,
// an extra CA is picked from a PEM file, the endpoint to register is copyable, the key and the
// webhook secret go through the Credentials dialog, and disable/enable reach the list. In the
// shell it is an admin's workspace and follows changes made elsewhere.
#include "ConsoleParts.h"
#include "HttpClient.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "agent/Agent.h"
#include "credentials/AddCredentialDialog.h"
#include "operations/OperationStore.h"
#include "operations/OperationsWorkspace.h"
#include "providers/ProviderForm.h"
#include "providers/ProviderService.h"
#include "providers/ProviderStore.h"
#include "providers/ProvidersWorkspace.h"
#include "shell/EmptyState.h"
#include "shell/MessageBanner.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
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
    explicit Services(const Database &db)
        : transport(&network)
        , access(AccessPolicy::allRoles(), QStringLiteral("admin-alice"))
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
        ProvidersWorkspace workspace(s.providers, s.credentials, s.access, QStringLiteral("http://127.0.0.1:8123"));
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
