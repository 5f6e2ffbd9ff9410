// The credential service against the sandbox, with an in-memory secret store: the rules on
// what may be saved, verify, rotation with rollback, revocation, and roles for each action.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "credentials/CredentialStore.h"
#include "credentials/SecretRules.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QUrl>

namespace {
const QString kGood = QStringLiteral("sk_test_rotationTarget_424242");

template <typename T, typename Call> T wait(Call call)
{
    std::optional<T> result;
    call([&](T r) { result = std::move(r); });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000); }();
    return result.has_value() ? std::move(*result) : T(failure(ErrorClass::Timeout, QStringLiteral("no answer")));
}

CredentialService::NewCredential request(const QString &environment = QStringLiteral("test"))
{
    CredentialService::NewCredential r;
    r.providerId = QStringLiteral("stripe-sandbox");
    r.environment = environment;
    r.label = QStringLiteral("Shop key");
    return r;
}

// The fixture's provider uses cred-1; give it metadata like a real install would have.
void registerFixtureCredential(const Database &db)
{
    Credential c;
    c.id = QStringLiteral("cred-1");
    c.providerId = QStringLiteral("stripe-sandbox");
    c.environment = QStringLiteral("test");
    c.kind = QStringLiteral("api-key");
    c.label = QStringLiteral("Fixture key");
    c.fingerprint = QStringLiteral("…4242");
    QVERIFY(CredentialStore(db).insert(c));
}
} // namespace

class TestCredentials : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void secretRules_data()
    {
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("providerKind");
        QTest::newRow("hubspot token") << "pat-na1-11111111-2222"
                                       << "test"
                                       << "api-key" << true << "crm";
        QTest::newRow("hubspot client secret") << "8c8f1e4b-3d2a-4f1e-9b7a-0c1d2e3f4a5b"
                                               << "live"
                                               << "webhook-secret" << true << "crm";
        QTest::newRow("stripe key at a crm") << "sk_test_abcdefghijkl"
                                             << "test"
                                             << "api-key" << false << "crm";
        QTest::newRow("stripe secret as crm webhook") << "whsec_MfKQ9r8GKYqrTwjUPD8I"
                                                      << "test"
                                                      << "webhook-secret" << false << "crm";
        QTest::newRow("hubspot token at payments") << "pat-na1-11111111-2222"
                                                   << "test"
                                                   << "webhook-secret" << false << "payments";
        QTest::newRow("test key as test") << "sk_test_abcdefghijkl"
                                          << "test"
                                          << "api-key" << true << "payments";
        QTest::newRow("live key as live") << "sk_live_abcdefghijkl"
                                          << "live"
                                          << "api-key" << true << "payments";
        QTest::newRow("restricted live as live") << "rk_live_abcdefghijkl"
                                                 << "live"
                                                 << "api-key" << true << "payments";
        QTest::newRow("live key as test") << "sk_live_abcdefghijkl"
                                          << "test"
                                          << "api-key" << false << "payments";
        QTest::newRow("restricted live as test") << "rk_live_abcdefghijkl"
                                                 << "test"
                                                 << "api-key" << false << "payments";
        QTest::newRow("test key as live") << "sk_test_abcdefghijkl"
                                          << "live"
                                          << "api-key" << false << "payments";
        QTest::newRow("publishable key") << "pk_test_abcdefghijkl"
                                         << "test"
                                         << "api-key" << false << "payments";
        QTest::newRow("too short") << "sk_test_x"
                                   << "test"
                                   << "api-key" << false << "payments";
        QTest::newRow("webhook secret") << "whsec_MfKQ9r8GKYqrTwjUPD8I"
                                        << "test"
                                        << "webhook-secret" << true << "payments";
        QTest::newRow("api key as webhook secret") << "sk_test_abcdefghijkl"
                                                   << "test"
                                                   << "webhook-secret" << false << "payments";
        QTest::newRow("bad environment") << "sk_test_abcdefghijkl"
                                         << "prod"
                                         << "api-key" << false << "payments";
    }
    void secretRules()
    {
        QFETCH(QString, secret);
        QFETCH(QString, environment);
        QFETCH(QString, kind);
        QFETCH(bool, accepted);
        QFETCH(QString, providerKind);
        QCOMPARE(bool(SecretRules::check(secret, environment, kind, providerKind)), accepted);
    }

    void sandboxUrls()
    {
        QVERIFY(SecretRules::isSandboxUrl(QStringLiteral("http://127.0.0.1:12111")));
        QVERIFY(SecretRules::isSandboxUrl(QStringLiteral("http://localhost:8080")));
        QVERIFY(!SecretRules::isSandboxUrl(QStringLiteral("https://api.stripe.com")));
    }

    void addStoresMetadataOnly_data() { ADD_BACKEND_ROWS(); }
    void addStoresMetadataOnly()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        SandboxFixture f(*scratch.db());
        auto added = wait<Result<Credential>>([&](auto done) { f.credentialService->add(request(), kGood, done); });
        QVERIFY2(added, qPrintable(added.message()));
        QCOMPARE(added->fingerprint, QStringLiteral("…4242"));
        auto stored = wait<Result<QString>>([&](auto done) { f.credentials.read(added->id, done); });
        QCOMPARE(stored.value(), kGood);

        // Nothing in any table holds the secret.
        QSqlQuery q(scratch.db()->connection());
        for (const char *table : { "credentials", "providers", "audit_log" }) {
            QVERIFY(q.exec(QStringLiteral("SELECT * FROM %1").arg(QLatin1String(table))));
            while (q.next())
                for (int c = 0; c < q.record().count(); ++c)
                    QVERIFY2(!q.value(c).toString().contains(QLatin1String("rotationTarget")), table);
        }
        const auto audit = AuditLog(*scratch.db()).entriesFor(QStringLiteral("credential:") + added->id).value();
        QCOMPARE(audit.size(), 1);
        QCOMPARE(audit.first().action, QStringLiteral("credential.add"));

        auto live = wait<Result<Credential>>([&](auto done) {
            f.credentialService->add(request(QStringLiteral("live")), QStringLiteral("sk_live_abcdefghijklmnop"), done);
        });
        QVERIFY(!live);
        QVERIFY2(live.message().contains(QLatin1String("sandbox")), qPrintable(live.message()));
    }

    void verifyRecordsTheResult()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        registerFixtureCredential(*scratch.db());
        f.sandbox.setAcceptedKeys({ QString::fromLatin1(SandboxFixture::kKey) });
        auto ok
            = wait<Result<Credential>>([&](auto done) { f.credentialService->verify(QStringLiteral("cred-1"), done); });
        QVERIFY2(ok, qPrintable(ok.message()));
        QCOMPARE(ok->verifyResult, QStringLiteral("ok"));
        QVERIFY(ok->verifiedAt > 0);

        f.credentials.write(QStringLiteral("cred-1"), QStringLiteral("sk_test_notAcceptedAnyMore"), [](Status) {});
        auto bad
            = wait<Result<Credential>>([&](auto done) { f.credentialService->verify(QStringLiteral("cred-1"), done); });
        QVERIFY(!bad);
        QCOMPARE(bad.error().errorClass, ErrorClass::Auth);
        const Credential after = CredentialStore(*scratch.db()).get(QStringLiteral("cred-1")).value();
        QVERIFY(after.verifyResult.contains(QLatin1String("401")));
    }

    void rotationSwitchesEveryUserOrNothing_data() { ADD_BACKEND_ROWS(); }
    void rotationSwitchesEveryUserOrNothing()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        registerFixtureCredential(db);
        ProviderConfig second = ProviderStore(db).get(QStringLiteral("stripe-sandbox")).value();
        second.id = QStringLiteral("stripe-sandbox-eu");
        QVERIFY(ProviderStore(db).upsert(second)); // a second user of cred-1
        f.sandbox.setAcceptedKeys({ QString::fromLatin1(SandboxFixture::kKey), kGood });

        // Rejected by the provider: rolled back, nothing changed.
        auto rejected = wait<Result<Credential>>([&](auto done) {
            f.credentialService->rotate(QStringLiteral("cred-1"), QStringLiteral("sk_test_unknownToProvider"), done);
        });
        QVERIFY(!rejected);
        QVERIFY(rejected.message().contains(QLatin1String("Nothing changed")));
        QCOMPARE(CredentialStore(db).all()->size(), 1);
        QCOMPARE(CredentialStore(db).providersUsing(QStringLiteral("cred-1"))->size(), 2);

        // Accepted: both providers move at once; the old key stays until revoked.
        auto rotated = wait<Result<Credential>>(
            [&](auto done) { f.credentialService->rotate(QStringLiteral("cred-1"), kGood, done); });
        QVERIFY2(rotated, qPrintable(rotated.message()));
        QCOMPARE(CredentialStore(db).providersUsing(rotated->id)->size(), 2);
        QVERIFY(CredentialStore(db).providersUsing(QStringLiteral("cred-1"))->isEmpty());
        QCOMPARE(CredentialStore(db).get(QStringLiteral("cred-1"))->replacedBy, rotated->id);
        QCOMPARE(rotated->rotatedFrom, QStringLiteral("cred-1"));
        QVERIFY(wait<Result<QString>>([&](auto done) { f.credentials.read(QStringLiteral("cred-1"), done); }));

        // Operations now run on the new key.
        OperationStore store(db);
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("after-rotation"))).value();
        auto ran = wait<Result<Operation>>([&](auto done) { f.runner->run(id, QStringLiteral("tester"), done); });
        QVERIFY2(ran, qPrintable(ran.message()));

        const QStringList actions = [&] {
            QStringList list;
            for (const AuditEntry &e : AuditLog(db).entriesFor(QStringLiteral("credential:cred-1")).value())
                list << e.action;
            return list;
        }();
        QCOMPARE(actions,
            (QStringList { QStringLiteral("credential.rotate.start"), QStringLiteral("credential.rotate.rollback"),
                QStringLiteral("credential.rotate.start"), QStringLiteral("credential.rotate") }));
    }

    void revokedCredentialStopsOperationsCleanly()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        registerFixtureCredential(*scratch.db());
        Status revoked = wait<Status>([&](auto done) {
            f.credentialService->revoke(QStringLiteral("cred-1"), QStringLiteral("leaked in a ticket"), done);
        });
        QVERIFY2(revoked, qPrintable(revoked.message()));
        QVERIFY(!wait<Result<QString>>([&](auto done) { f.credentials.read(QStringLiteral("cred-1"), done); }));
        QVERIFY(CredentialStore(*scratch.db()).get(QStringLiteral("cred-1"))->isRevoked());

        OperationStore store(*scratch.db());
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("after-revoke"))).value();
        auto ran = wait<Result<Operation>>([&](auto done) { f.runner->run(id, QStringLiteral("tester"), done); });
        QVERIFY(!ran);
        QCOMPARE(ran.error().errorClass, ErrorClass::Revoked);
        QVERIFY(ran.message().startsWith(QLatin1String("Credential revoked")));
        QCOMPARE(store.get(id)->state, OperationState::Pending);
        QCOMPARE(f.sandbox.requestCount(), 0);
        QVERIFY(!wait<Status>(
            [&](auto done) { f.credentialService->revoke(QStringLiteral("cred-1"), QStringLiteral("again"), done); }));
    }

    // On PostgreSQL the signed-in roles are the connection's database roles.
    void rolesFromDatabaseRoles()
    {
        if (!TestSupport::backends().contains(QStringLiteral("postgresql")))
            QSKIP("No PostgreSQL server; the README's test command starts one.");
        SCRATCH_DATABASE(scratch, QStringLiteral("postgresql"));
        QCOMPARE(AccessPolicy::rolesOfConnection(*scratch.db()).value(), AccessPolicy::allRoles()); // superuser
        const QString user = QStringLiteral("clerk_%1").arg(QCoreApplication::applicationPid());
        QSqlQuery q(scratch.db()->connection());
        for (const char *role : { "reconsole_support", "reconsole_finance", "reconsole_admin" })
            q.exec(QStringLiteral("CREATE ROLE %1 NOLOGIN").arg(QLatin1String(role))); // may exist from another run
        QVERIFY(q.exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(user)));
        QVERIFY2(q.exec(QStringLiteral(
                     "CREATE ROLE %1 LOGIN PASSWORD 'clerk-pw' IN ROLE reconsole_support, reconsole_finance")
                            .arg(user)),
            qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("GRANT SELECT ON schema_version, operations TO %1").arg(user)));
        QUrl url(scratch.url());
        url.setUserName(user);
        {
            auto asClerk = Database::open(url.toString(), QStringLiteral("clerk-pw"));
            QVERIFY2(asClerk, qPrintable(asClerk.message()));
            QCOMPARE(AccessPolicy::rolesOfConnection(*asClerk.value()).value(),
                (QSet<Role> { Role::Support, Role::Finance }));
        }
        QVERIFY(q.exec(QStringLiteral("DROP OWNED BY %1").arg(user)));
        QVERIFY(q.exec(QStringLiteral("DROP ROLE %1").arg(user)));
    }

    void rolesAreEnforcedInTheEngine_data()
    {
        QTest::addColumn<QString>("roles");
        QTest::addColumn<bool>("mayHandleOperations");
        QTest::addColumn<bool>("mayManageCredentials");
        QTest::newRow("support") << "support" << true << false;
        QTest::newRow("finance") << "finance" << false << false;
        QTest::newRow("admin") << "admin" << false << true;
        QTest::newRow("support and admin") << "support,admin" << true << true;
    }
    void rolesAreEnforcedInTheEngine()
    {
        QFETCH(QString, roles);
        QFETCH(bool, mayHandleOperations);
        QFETCH(bool, mayManageCredentials);
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db, 1500, AccessPolicy::parseRoles(roles).value());
        registerFixtureCredential(db);
        OperationStore store(db);
        Operation limited = SandboxFixture::payment(QStringLiteral("role-op"));
        limited.state = OperationState::RetryScheduled;
        const qint64 id = store.insert(limited).value();

        std::optional<Result<Operation>> retried;
        f.service->retry(
            { id }, [&](qint64, const Result<Operation> &r) { retried = r; }, [] {});
        QTRY_VERIFY_WITH_TIMEOUT(retried.has_value(), 10000);
        QCOMPARE(bool(*retried), mayHandleOperations);
        QVERIFY(
            !f.service->cancel(id, QStringLiteral("no longer wanted"))); // succeeded by now, or refused for the role
        auto added = wait<Result<Credential>>([&](auto done) { f.credentialService->add(request(), kGood, done); });
        QCOMPARE(bool(added), mayManageCredentials);
        auto revealed
            = wait<Result<QString>>([&](auto done) { f.credentialService->reveal(QStringLiteral("cred-1"), done); });
        QCOMPARE(bool(revealed), mayManageCredentials);
        if (revealed)
            QCOMPARE(revealed.value(), QString::fromLatin1(SandboxFixture::kKey));

        int refusals = 0;
        for (const AuditEntry &e : AuditLog(db).entries().value()) {
            if (e.action.endsWith(QLatin1String(".refused")) && e.reason.contains(QLatin1String("needs the")))
                ++refusals;
        }
        const int expected = (mayHandleOperations ? 0 : 2) + (mayManageCredentials ? 0 : 2);
        QCOMPARE(refusals, expected);
        if (!mayHandleOperations)
            QCOMPARE(store.get(id)->state, OperationState::RetryScheduled);
    }
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
