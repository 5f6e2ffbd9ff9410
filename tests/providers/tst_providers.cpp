// Providers set up by an admin: the rules each refusal names its field for, the service's
// add/edit/disable/enable audited and role-checked on SQLite and PostgreSQL, and a disabled
// provider getting no new attempts from the runner.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "access/TeamRoles.h"
#include "credentials/CredentialStore.h"
#include "events/EventSync.h"
#include "providers/ProviderRules.h"
#include "providers/ProviderService.h"
#include "providers/ProviderStore.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>

namespace {
// A structurally valid certificate (a DER SEQUENCE), enough for the rules; X.509 is the service's.
const char *kCaPem = "-----BEGIN CERTIFICATE-----\n"
                     "MIIBszCCAVmgAwIBAgIUJ1y1Vq8m3n6kZ0o5a2b3c4d5e6f7g8hwCgYIKoZIzj0EAwIw\n"
                     "-----END CERTIFICATE-----\n";

ProviderConfig live()
{
    ProviderConfig p;
    p.id = QStringLiteral("stripe-live");
    p.kind = QStringLiteral("payments");
    p.displayName = QStringLiteral("Stripe");
    p.baseUrl = QStringLiteral("https://api.stripe.com");
    p.environment = QStringLiteral("live");
    p.ratePerSecond = 100;
    p.burst = 100;
    p.purpose = QStringLiteral("Card payments for the web shop");
    p.owner = QStringLiteral("finance@example.com");
    return p;
}

} // namespace

class TestProviders : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults()
    {
        QCOMPARE(ProviderRules::defaultBaseUrl(QStringLiteral("payments")), QStringLiteral("https://api.stripe.com"));
        QCOMPARE(ProviderRules::defaultBaseUrl(QStringLiteral("crm")), QStringLiteral("https://api.hubapi.com"));
        QCOMPARE(ProviderRules::defaultRate(QStringLiteral("payments"), QStringLiteral("live")), 100.0);
        QCOMPARE(ProviderRules::defaultRate(QStringLiteral("payments"), QStringLiteral("test")), 25.0);
        QCOMPARE(ProviderRules::defaultRate(QStringLiteral("crm"), QStringLiteral("live")), 10.0);
        QCOMPARE(ProviderRules::defaultBurst(QStringLiteral("crm"), QStringLiteral("live")), 100);
        QVERIFY(ProviderRules::check(live()));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        // A live key on anything but https:// away from this machine.
        QTest::newRow("live over http") << "baseUrl"
                                        << "http://api.stripe.com"
                                        << "Base URL: a live provider";
        QTest::newRow("live on loopback https") << "baseUrl"
                                                << "https://127.0.0.1:8443"
                                                << "Base URL: a live provider";
        QTest::newRow("live on localhost") << "baseUrl"
                                           << "https://localhost"
                                           << "Base URL: a live provider";
        QTest::newRow("test over http elsewhere") << "testBaseUrl"
                                                  << "http://api.stripe.com"
                                                  << "Base URL: http:// is allowed only for a sandbox";
        QTest::newRow("not a url") << "baseUrl"
                                   << "api.stripe.com"
                                   << "Base URL: 'api.stripe.com' is not";
        QTest::newRow("ftp") << "baseUrl"
                             << "ftp://api.stripe.com"
                             << "Base URL: 'ftp://api.stripe.com' is not";
        QTest::newRow("password in url") << "baseUrl"
                                         << "https://u:p@api.stripe.com"
                                         << "Base URL: ";
        QTest::newRow("unknown kind") << "kind"
                                      << "billing"
                                      << "Kind: 'billing' is unknown";
        QTest::newRow("empty id") << "id"
                                  << ""
                                  << "Id: is empty";
        QTest::newRow("bad id") << "id"
                                << "Stripe Live/1"
                                << "Id: 'Stripe Live/1' may hold only";
        QTest::newRow("rate zero") << "rate"
                                   << "0"
                                   << "Rate limit: 0 requests per second";
        QTest::newRow("rate negative") << "rate"
                                       << "-5"
                                       << "Rate limit: -5";
        QTest::newRow("burst zero") << "burst"
                                    << "0"
                                    << "Burst: 0 would let no request";
        QTest::newRow("timeout zero") << "timeout"
                                      << "0"
                                      << "Timeout: 0 ms";
        QTest::newRow("environment") << "environment"
                                     << "staging"
                                     << "Environment: 'staging'";
        QTest::newRow("pem not a certificate") << "pem"
                                               << "hello"
                                               << "Extra CA: no \"-----BEGIN CERTIFICATE";
        QTest::newRow("pem garbled") << "pem"
                                     << "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"
                                     << "Extra CA: certificate 1";
        QTest::newRow("pem with a key") << "pem"
                                        << QString::fromLatin1(kCaPem)
                + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
                                        << "Extra CA: the file holds something besides";
    }
    void refusals()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, message);
        ProviderConfig p = live();
        if (field == QLatin1String("baseUrl"))
            p.baseUrl = value;
        else if (field == QLatin1String("testBaseUrl")) {
            p.environment = QStringLiteral("test");
            p.baseUrl = value;
        } else if (field == QLatin1String("kind"))
            p.kind = value;
        else if (field == QLatin1String("id"))
            p.id = value;
        else if (field == QLatin1String("rate"))
            p.ratePerSecond = value.toDouble();
        else if (field == QLatin1String("burst"))
            p.burst = value.toInt();
        else if (field == QLatin1String("timeout"))
            p.timeoutMs = value.toInt();
        else if (field == QLatin1String("environment"))
            p.environment = value;
        else if (field == QLatin1String("pem"))
            p.extraCaPem = value;
        const Status checked = ProviderRules::check(p);
        QVERIFY(!checked);
        QCOMPARE(checked.error().errorClass, ErrorClass::Input);
        QVERIFY2(checked.message().startsWith(message), qPrintable(checked.message()));
    }

    void accepted()
    {
        ProviderConfig sandbox = live();
        sandbox.environment = QStringLiteral("test");
        sandbox.baseUrl = QStringLiteral("http://127.0.0.1:8124");
        QVERIFY(ProviderRules::check(sandbox)); // http:// on loopback is a sandbox, fine for test keys
        sandbox.baseUrl = QStringLiteral("https://api.stripe.com");
        QVERIFY(ProviderRules::check(sandbox)); // test keys go to the real API too
        ProviderConfig withCa = live();
        withCa.extraCaPem = QString::fromLatin1(kCaPem);
        QVERIFY(ProviderRules::check(withCa));
        QVERIFY(!ProviderRules::checkNew(live(), { QStringLiteral("stripe-live") }));
        QVERIFY(ProviderRules::checkNew(live(), { QStringLiteral("crm") }));
    }

    void serviceAddsEditsDisablesAudited_data() { ADD_BACKEND_ROWS(); }
    void serviceAddsEditsDisablesAudited()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        AccessPolicy admin({ Role::Admin }, QStringLiteral("alice"));
        ProviderService service(db, admin);
        QSignalSpy changed(&service, &ProviderService::providersChanged);

        auto added = service.add(live());
        QVERIFY2(added, qPrintable(added.message()));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().toStringList(), QStringList { QStringLiteral("stripe-live") });
        const ProviderConfig stored = ProviderStore(db).get(QStringLiteral("stripe-live")).value();
        QCOMPARE(stored.environment, QStringLiteral("live"));
        QCOMPARE(stored.purpose, QStringLiteral("Card payments for the web shop"));
        QCOMPARE(stored.owner, QStringLiteral("finance@example.com"));
        QVERIFY(stored.enabled);

        const auto duplicate = service.add(live());
        QVERIFY(!duplicate);
        QVERIFY2(duplicate.message().startsWith(QLatin1String("Id: a provider 'stripe-live' already exists")),
            qPrintable(duplicate.message()));
        QCOMPARE(changed.size(), 1);

        // Edit keeps the linked credential: that is the Credentials flow's to change.
        EXPECT_OK(ProviderStore(db).upsert([&] {
            ProviderConfig p = stored;
            p.credentialId = QStringLiteral("cred-live");
            return p;
        }()));
        ProviderConfig edited = stored;
        edited.owner = QStringLiteral("payments-team@example.com");
        edited.credentialId = QStringLiteral("something-else");
        edited.ratePerSecond = 0;
        const auto badEdit = service.edit(edited);
        QVERIFY(!badEdit);
        QVERIFY(badEdit.message().startsWith(QLatin1String("Rate limit:")));
        edited.ratePerSecond = 50;
        edited.kind = QStringLiteral("crm");
        edited.baseUrl = QStringLiteral("https://api.hubapi.com");
        const auto otherKind = service.edit(edited);
        QVERIFY(!otherKind);
        QVERIFY2(otherKind.message().startsWith(QLatin1String("Kind: provider stripe-live is payments")),
            qPrintable(otherKind.message()));
        edited.kind = QStringLiteral("payments");
        edited.baseUrl = QStringLiteral("https://api.stripe.com");
        edited.enabled = false; // a stale copy: editing never disables
        QVERIFY(service.edit(edited));
        QVERIFY(ProviderStore(db).get(QStringLiteral("stripe-live"))->enabled);
        const ProviderConfig afterEdit = ProviderStore(db).get(QStringLiteral("stripe-live")).value();
        QCOMPARE(afterEdit.owner, QStringLiteral("payments-team@example.com"));
        QCOMPARE(afterEdit.ratePerSecond, 50.0);
        QCOMPARE(afterEdit.credentialId, QStringLiteral("cred-live"));
        QVERIFY(!service.edit([] {
            ProviderConfig p = live();
            p.id = QStringLiteral("nobody");
            return p;
        }()));

        QVERIFY(service.setEnabled(QStringLiteral("stripe-live"), false));
        QVERIFY(!ProviderStore(db).get(QStringLiteral("stripe-live"))->enabled);
        QVERIFY(service.setEnabled(QStringLiteral("stripe-live"), false)); // already: nothing to audit
        QVERIFY(service.setEnabled(QStringLiteral("stripe-live"), true));
        QVERIFY(ProviderStore(db).get(QStringLiteral("stripe-live"))->enabled);

        const QList<AuditEntry> audit = AuditLog(db).entriesFor(QStringLiteral("provider:stripe-live")).value();
        QStringList actions;
        for (const AuditEntry &e : audit)
            actions << e.action;
        QCOMPARE(actions,
            (QStringList { QStringLiteral("provider.add"), QStringLiteral("provider.edit"),
                QStringLiteral("provider.disable"), QStringLiteral("provider.enable") }));
        QCOMPARE(audit[0].actor, QStringLiteral("alice"));
        QVERIFY(audit[1].before.contains(QLatin1String("owner=finance@example.com")));
        QVERIFY(audit[1].after.contains(QLatin1String("owner=payments-team@example.com")));
        QVERIFY(audit[2].after.endsWith(QLatin1String("disabled")));
        QVERIFY(AuditLog(db).verify()->firstBrokenId == 0);
    }

    // Retry policies: an admin sets the provider's and an action's, each checked and audited with
    // before and after; a reset goes back a level; anyone else is refused and audited.
    void retryPoliciesAuditedAndAdminOnly_data() { ADD_BACKEND_ROWS(); }
    void retryPoliciesAuditedAndAdminOnly()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        AccessPolicy admin({ Role::Admin }, QStringLiteral("alice"));
        ProviderService service(db, admin);
        QVERIFY(service.add(live()));
        const QList<RetryPolicy> initial = service.retryPolicies(QStringLiteral("stripe-live")).value();
        QCOMPARE(initial.size(), 1);
        QVERIFY(initial.first().isDefault());

        QSignalSpy changed(&service, &ProviderService::providersChanged);
        RetryPolicy refunds = initial.first();
        refunds.action = QStringLiteral("refund");
        refunds.maxAttempts = 3;
        refunds.deadlineMs = 6 * 3600000LL;
        const auto saved = service.setRetryPolicy(refunds);
        QVERIFY2(saved, qPrintable(saved.message()));
        QCOMPARE(saved->updatedBy, QStringLiteral("alice"));
        QCOMPARE(changed.size(), 1);
        refunds.maxAttempts = 0;
        const auto refused = service.setRetryPolicy(refunds);
        QVERIFY(!refused);
        QVERIFY2(refused.message().startsWith(QLatin1String("Max attempts:")), qPrintable(refused.message()));
        refunds.providerId = QStringLiteral("nobody");
        refunds.maxAttempts = 3;
        QVERIFY(!service.setRetryPolicy(refunds));

        const QList<RetryPolicy> now = service.retryPolicies(QStringLiteral("stripe-live")).value();
        QCOMPARE(now.size(), 2);
        QVERIFY(now.first().isDefault()); // the provider's own is still the kind's defaults
        QCOMPARE(now.last().action, QStringLiteral("refund"));
        QCOMPARE(now.last().maxAttempts, 3);

        EXPECT_OK(service.resetRetryPolicy(QStringLiteral("stripe-live"), QStringLiteral("refund")));
        EXPECT_OK(service.resetRetryPolicy(QStringLiteral("stripe-live"), QStringLiteral("refund"))); // nothing left
        QCOMPARE(service.retryPolicies(QStringLiteral("stripe-live"))->size(), 1);

        const QList<AuditEntry> audit = AuditLog(db).entriesFor(QStringLiteral("provider:stripe-live/refund")).value();
        QCOMPARE(audit.size(), 2);
        QCOMPARE(audit[0].action, QStringLiteral("retry_policy.edit"));
        QVERIFY2(audit[0].before.startsWith(QLatin1String("max 8 attempts")), qPrintable(audit[0].before));
        QVERIFY2(audit[0].after.startsWith(QLatin1String("max 3 attempts")), qPrintable(audit[0].after));
        QVERIFY(audit[0].after.endsWith(QLatin1String("deadline 6 h")));
        QCOMPARE(audit[1].action, QStringLiteral("retry_policy.reset"));
        QVERIFY(audit[1].after.startsWith(QLatin1String("max 8 attempts")));

        AccessPolicy support({ Role::Support }, QStringLiteral("bob"));
        RetryPolicy mine = initial.first();
        mine.maxAttempts = 50;
        QVERIFY(!ProviderService(db, support).setRetryPolicy(mine));
        QVERIFY(service.retryPolicies(QStringLiteral("stripe-live"))->first().isDefault());
        QCOMPARE(AuditLog(db).entriesFor(QStringLiteral("provider:stripe-live"))->last().action,
            QStringLiteral("retry_policy.edit.refused"));
        QVERIFY(AuditLog(db).verify()->firstBrokenId == 0);
    }

    void serviceNeedsAdmin_data() { ADD_BACKEND_ROWS(); }
    void serviceNeedsAdmin()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        AccessPolicy support({ Role::Support, Role::Finance }, QStringLiteral("bob"));
        ProviderService service(db, support);
        QSignalSpy changed(&service, &ProviderService::providersChanged);
        QVERIFY(!service.add(live()));
        QVERIFY(!ProviderStore(db).get(QStringLiteral("stripe-live")));
        EXPECT_OK(ProviderStore(db).upsert(live()));
        QVERIFY(!service.setEnabled(QStringLiteral("stripe-live"), false));
        QVERIFY(ProviderStore(db).get(QStringLiteral("stripe-live"))->enabled);
        QCOMPARE(changed.size(), 0);
        QStringList refused;
        for (const AuditEntry &e : AuditLog(db).entriesFor(QStringLiteral("provider:stripe-live")).value())
            refused << e.action + QLatin1Char(' ') + e.actor;
        QCOMPARE(refused,
            (QStringList {
                QStringLiteral("provider.add.refused bob"), QStringLiteral("provider.disable.refused bob") }));
    }

    void extraCaMustParse()
    {
        QVERIFY(ProviderService::checkExtraCa({}));
        // Well-formed PEM around bytes that are not a certificate: the rules pass it, X.509 does not.
        const Status notX509 = ProviderService::checkExtraCa(QString::fromLatin1(kCaPem));
        QVERIFY(!notX509);
        QVERIFY2(notX509.message().startsWith(QLatin1String("Extra CA: 1 of the 1")), qPrintable(notX509.message()));
    }

    void endpointAndEventTypes()
    {
        QCOMPARE(ProviderService::webhookEndpoint(
                     QStringLiteral("https://agent.example.com/"), QStringLiteral("stripe-live")),
            QStringLiteral("https://agent.example.com/webhooks/stripe-live"));
        const QStringList payments = ProviderService::eventTypes(QStringLiteral("payments"));
        QVERIFY(payments.contains(QStringLiteral("payment_intent.succeeded")));
        QVERIFY(payments.contains(QStringLiteral("payment_intent.payment_failed")));
        QVERIFY(payments.contains(QStringLiteral("charge.refunded")));
        QCOMPARE(ProviderService::eventTypes(QStringLiteral("crm")),
            (QStringList { QStringLiteral("contact.creation"), QStringLiteral("contact.propertyChange") }));
    }

    void credentialsOfProvider_data() { ADD_BACKEND_ROWS(); }
    void credentialsOfProvider()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        AccessPolicy admin({ Role::Admin }, QStringLiteral("alice"));
        ProviderService service(db, admin);
        QVERIFY(service.add(live()));
        for (const char *kind : { "api-key", "webhook-secret" }) {
            Credential c;
            c.id = QStringLiteral("c-") + QLatin1String(kind);
            c.providerId = QStringLiteral("stripe-live");
            c.environment = QStringLiteral("live");
            c.kind = QLatin1String(kind);
            c.label = QLatin1String(kind);
            c.fingerprint = QStringLiteral("…4242");
            c.createdAt = nowMs();
            EXPECT_OK(CredentialStore(db).insert(c));
        }
        QCOMPARE(service.credentialsOf(QStringLiteral("stripe-live"))->size(), 2);
        QCOMPARE(service.credentialsOf(QStringLiteral("crm"))->size(), 0);
    }

    // Team mode: a database user holding only reconsole_admin sets providers up (the admin role
    // may insert and update providers, not delete them, so a change is never a delete and insert).
    void adminDatabaseRoleSetsProvidersUp()
    {
        if (!TestSupport::backends().contains(QStringLiteral("postgresql")))
            QSKIP("No PostgreSQL server here; the README's test command starts one.");
        SCRATCH_DATABASE(scratch, QStringLiteral("postgresql"));
        const Database &owner = *scratch.db();
        const QString ada = QStringLiteral("ada_providers_") + QString::number(QCoreApplication::applicationPid());
        const QString password = QStringLiteral("team-member-password-1");
        QSqlQuery q(owner.connection());
        QVERIFY(q.exec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(ada, password)));
        QVERIFY(TeamRoles::setUp(owner));
        QVERIFY(TeamRoles::assign(owner, ada, { Role::Admin }));
        {
            QUrl url(scratch.url());
            url.setUserName(ada);
            url.setPassword(password);
            auto db = Database::open(url.toString());
            QVERIFY2(db, qPrintable(db.message()));
            AccessPolicy admin({ Role::Admin }, ada);
            ProviderService service(*db.value(), admin);
            const auto added = service.add(live());
            QVERIFY2(added, qPrintable(added.message()));
            ProviderConfig edited = added.value();
            edited.owner = QStringLiteral("treasury@example.com");
            const auto saved = service.edit(edited);
            QVERIFY2(saved, qPrintable(saved.message()));
            QVERIFY(service.setEnabled(edited.id, false));
            const ProviderConfig stored = ProviderStore(owner).get(edited.id).value();
            QCOMPARE(stored.owner, QStringLiteral("treasury@example.com"));
            QVERIFY(!stored.enabled);
        }
        QVERIFY(q.exec(QStringLiteral("DROP OWNED BY %1; DROP ROLE %1").arg(ada)));
    }

    // Disabled: the runner sends nothing and leaves the operation as it was, readable.
    void disabledProviderGetsNoAttempts_data() { ADD_BACKEND_ROWS(); }
    void disabledProviderGetsNoAttempts()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        OperationStore store(db);
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("order-off"))).value();
        ProviderService service(db, f.access);
        QVERIFY(service.setEnabled(QStringLiteral("stripe-sandbox"), false));

        auto run = [&] {
            std::optional<Result<Operation>> result;
            f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { result = r; });
            [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000); }();
            return result.value_or(Result<Operation>(failure(ErrorClass::None, QStringLiteral("no answer"))));
        };
        const auto refused = run();
        QVERIFY(!refused);
        QVERIFY2(refused.message().startsWith(QLatin1String("Provider stripe-sandbox is disabled: nothing was sent")),
            qPrintable(refused.message()));
        QVERIFY(refused.message().contains(QLatin1String("reconsolectl providers enable stripe-sandbox")));
        QCOMPARE(f.sandbox.requestCount(), 0);
        const Operation untouched = store.get(id).value();
        QCOMPARE(untouched.state, OperationState::Pending);
        QCOMPARE(untouched.attempts, 0);
        QCOMPARE(store.attempts(id)->size(), 0);

        // Nor does the agent's event sync ask it for events.
        EventSync sync(db, *f.registry);
        std::optional<Result<int>> synced;
        sync.syncOnce(QStringLiteral("stripe-sandbox"), [&](Result<int> n) { synced = n; });
        QTRY_VERIFY(synced.has_value());
        QCOMPARE(synced->value_or(-1), 0);
        QCOMPARE(f.sandbox.requestCount(), 0);

        QVERIFY(service.setEnabled(QStringLiteral("stripe-sandbox"), true));
        const auto sent = run();
        QVERIFY2(sent, qPrintable(sent.message()));
        QCOMPARE(sent->state, OperationState::Succeeded);
        QCOMPARE(f.sandbox.totalCharges(), 1);
    }
};

QTEST_GUILESS_MAIN(TestProviders)
#include "tst_providers.moc"
