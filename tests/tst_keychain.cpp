// The real OS keychain: a Secret Service (gnome-keyring) that the test command starts on a
// private D-Bus session with a fresh, unlocked keyring.
#include "KeychainCredentialStore.h"

#include <QTest>

#include <optional>

namespace {
template <typename T>
T wait(std::optional<T> &slot)
{
    [&] { QTRY_VERIFY_WITH_TIMEOUT(slot.has_value(), 15000); }();
    return slot.value_or(T(failure(ErrorClass::Keychain, QStringLiteral("no answer from the keychain"))));
}
} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
            if (qEnvironmentVariable("RECONSOLE_REQUIRE_KEYCHAIN") == QLatin1String("1"))
                QFAIL("No D-Bus session: run the README's test command, which starts a Secret Service.");
            QSKIP("No D-Bus session bus; the README's test command provides one with a Secret Service.");
        }
    }

    void writeReadRemove()
    {
        KeychainCredentialStore store;
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

    void removingWhatIsNotThereIsFine()
    {
        KeychainCredentialStore store;
        std::optional<Status> removed;
        store.remove(QStringLiteral("never-stored"), [&](Status s) { removed = s; });
        QVERIFY(wait(removed));
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
