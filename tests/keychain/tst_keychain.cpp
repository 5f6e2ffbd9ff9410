// The real OS keychain: a Secret Service (gnome-keyring) that the test command starts on a
// private D-Bus session with a fresh, unlocked keyring.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "credentials/CredentialStore.h"
#include "keychain/SystemKeychain.h"

#include <QTest>

#include <optional>

namespace {
template <typename T> T wait(std::optional<T> &slot)
{
    [&] { QTRY_VERIFY_WITH_TIMEOUT(slot.has_value(), 15000); }();
    return slot.value_or(T(failure(ErrorClass::Keychain, QStringLiteral("no answer from the keychain"))));
}
} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { REQUIRE_SECRET_SERVICE(); }

    void writeReadRemove()
    {
        SystemKeychain store;
        const QString id = QStringLiteral("test-%1").arg(QDateTime::currentMSecsSinceEpoch());
        const QString secret = QStringLiteral("sk_test_keychain_%1").arg(id);

        std::optional<Status> written;
        store.write(id, secret, [&](Status s) { written = s; });
        Status w = wait(written);
        QVERIFY2(w, qPrintable(w.message()));

        std::optional<Result<QString>> read;
        store.read(id, [&](Result<QString> r) { read = r; });
        Result<QString> r = wait(read);
        QVERIFY2(r, qPrintable(r.message()));
        QCOMPARE(r.value(), secret);

        // Rotation overwrites in place.
        written.reset();
        store.write(id, secret + QStringLiteral("-v2"), [&](Status s) { written = s; });
        QVERIFY(wait(written));
        read.reset();
        store.read(id, [&](Result<QString> r2) { read = r2; });
        QCOMPARE(wait(read).value(), secret + QStringLiteral("-v2"));

        std::optional<Status> removed;
        store.remove(id, [&](Status s) { removed = s; });
        QVERIFY(wait(removed));
        read.reset();
        store.read(id, [&](Result<QString> r3) { read = r3; });
        Result<QString> gone = wait(read);
        QVERIFY(!gone);
        QCOMPARE(gone.error().errorClass, ErrorClass::Keychain);
        QVERIFY2(gone.message().contains(QLatin1String("has no secret")), qPrintable(gone.message()));
    }

    // The credential life cycle on the real keychain: add, read back, rotate (rejected, then
    // accepted), revoke.
    void credentialLifeCycle()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SystemKeychain keychain;
        SandboxFixture f(db, 1500, AccessPolicy::allRoles(), &keychain);
        const QString first = QStringLiteral("sk_test_lifecycle_first_%1").arg(QDateTime::currentMSecsSinceEpoch());
        const QString second = QStringLiteral("sk_test_lifecycle_second_%1").arg(QDateTime::currentMSecsSinceEpoch());
        f.sandbox.setAcceptedKeys({ first, second });

        ProviderConfig p = ProviderStore(db).get(QStringLiteral("stripe-sandbox")).value();
        p.credentialId.clear(); // the first credential added becomes the provider's
        QVERIFY(ProviderStore(db).upsert(p));
        CredentialService::NewCredential request;
        request.providerId = p.id;
        request.label = QStringLiteral("Lifecycle");
        std::optional<Result<Credential>> added;
        f.credentialService->add(request, first, [&](Result<Credential> r) { added = r; });
        Result<Credential> a = wait(added);
        QVERIFY2(a, qPrintable(a.message()));
        QCOMPARE(ProviderStore(db).get(p.id)->credentialId, a->id);

        std::optional<Result<QString>> read;
        keychain.read(a->id, [&](Result<QString> r) { read = r; });
        QCOMPARE(wait(read).value(), first);

        std::optional<Result<Credential>> verified;
        f.credentialService->verify(a->id, [&](Result<Credential> r) { verified = r; });
        QVERIFY(wait(verified));

        std::optional<Result<Credential>> rejected;
        f.credentialService->rotate(
            a->id, QStringLiteral("sk_test_not_accepted_by_provider"), [&](Result<Credential> r) { rejected = r; });
        QVERIFY(!wait(rejected));
        QCOMPARE(ProviderStore(db).get(p.id)->credentialId, a->id);
        QCOMPARE(CredentialStore(db).all()->size(), 1);

        std::optional<Result<Credential>> rotated;
        f.credentialService->rotate(a->id, second, [&](Result<Credential> r) { rotated = r; });
        Result<Credential> b = wait(rotated);
        QVERIFY2(b, qPrintable(b.message()));
        QCOMPARE(ProviderStore(db).get(p.id)->credentialId, b->id);
        read.reset();
        keychain.read(b->id, [&](Result<QString> r) { read = r; });
        QCOMPARE(wait(read).value(), second);

        std::optional<Status> revoked;
        f.credentialService->revoke(a->id, QStringLiteral("rotated out"), [&](Status s) { revoked = s; });
        QVERIFY(wait(revoked));
        read.reset();
        keychain.read(a->id, [&](Result<QString> r) { read = r; });
        QVERIFY(!wait(read));
        QCOMPARE(AuditLog(db).verify()->firstBrokenId, 0);

        revoked.reset();
        f.credentialService->revoke(b->id, QStringLiteral("test over"), [&](Status s) { revoked = s; });
        QVERIFY(wait(revoked));
    }

    void removingWhatIsNotThereIsFine()
    {
        SystemKeychain store;
        std::optional<Status> removed;
        store.remove(QStringLiteral("never-stored"), [&](Status s) { removed = s; });
        QVERIFY(wait(removed));
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
