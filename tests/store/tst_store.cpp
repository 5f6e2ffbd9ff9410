// The store on SQLite and on a real PostgreSQL server: migrations, a newer schema refused
// untouched, WAL, connection URLs, and a table round trip (providers).
#include "TestSupport.h"
#include "providers/ProviderStore.h"
#include "store/Migrator.h"

#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void migrations_data() { ADD_BACKEND_ROWS(); }
    void migrations()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        QCOMPARE(scratch.db()->schemaVersion(), Migrator::latestVersion());
        QSqlQuery q(scratch.db()->connection());
        for (const char *table : { "providers", "credentials", "operations", "attempts", "events", "audit_log" })
            QVERIFY2(q.exec(QStringLiteral("SELECT COUNT(*) FROM %1").arg(QLatin1String(table))), table);
        // Opening again applies nothing twice.
        auto again = Database::open(scratch.url());
        QVERIFY2(again, qPrintable(again.message()));
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM schema_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), Migrator::latestVersion());
    }

    void newerSchemaIsRefusedUntouched_data() { ADD_BACKEND_ROWS(); }
    void newerSchemaIsRefusedUntouched()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        QSqlQuery q(scratch.db()->connection());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)")));
        auto refused = Database::open(scratch.url());
        QVERIFY(!refused);
        QVERIFY2(refused.message().contains(QLatin1String("newer Reconsole")), qPrintable(refused.message()));
        QVERIFY(q.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), 999);
    }

    void sqliteUsesWal()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QSqlQuery q(scratch.db()->connection());
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
    }

    // Refuse opens what is there and makes nothing: no file, no folder; Create makes both.
    void missingSqliteIsRefusedUnlessCreated()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tpyo/reconsole.sqlite"));
        auto refused = Database::open(path, {}, Database::IfMissing::Refuse);
        QVERIFY(!refused);
        QCOMPARE(refused.message(), QStringLiteral("No database at %1.").arg(path));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("tpyo"))));
        {
            auto created = Database::open(path, {}, Database::IfMissing::Create);
            QVERIFY2(created, qPrintable(created.message()));
        }
        QVERIFY(QFileInfo::exists(path));
        auto existing = Database::open(path, {}, Database::IfMissing::Refuse);
        QVERIFY2(existing, qPrintable(existing.message()));
        QVERIFY(existing.value()->schemaVersion() > 0);
        QVERIFY(!Database::open(dir.path(), {}, Database::IfMissing::Create)); // a folder is no database
    }

    void unreadableUrlIsExplained()
    {
        auto bad = Database::open(QStringLiteral("postgresql://"));
        QVERIFY(!bad);
        QVERIFY(bad.message().contains(QLatin1String("postgresql://user@host")));
    }

    void providersRoundTrip_data() { ADD_BACKEND_ROWS(); }
    void providersRoundTrip()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        ProviderStore providers(*scratch.db());
        ProviderConfig p { QStringLiteral("stripe"), QStringLiteral("payments"), QStringLiteral("Stripe"),
            QStringLiteral("http://127.0.0.1:1"), QStringLiteral("cred"), 5.5, 7, 1234 };
        QVERIFY(providers.upsert(p));
        p.baseUrl = QStringLiteral("http://127.0.0.1:2");
        QVERIFY(providers.upsert(p));
        auto back = providers.get(QStringLiteral("stripe"));
        QVERIFY(back);
        QCOMPARE(back->baseUrl, p.baseUrl);
        QCOMPARE(back->ratePerSecond, 5.5);
        QCOMPARE(back->timeoutMs, 1234);
        QCOMPARE(providers.all()->size(), 1);
        QVERIFY(providers.get(QStringLiteral("nope")).message().contains(QLatin1String("No provider")));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
