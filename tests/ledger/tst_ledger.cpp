// The ledger on both backends: each entry once by our id, a changed repeat refused, append-only;
// files imported all or nothing with every problem named by file, line and column; and
// `reconsolectl ledger import` as finance would type it.
#include "CtlRunner.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "ledger/LedgerService.h"
#include "ledger/LedgerStore.h"
#include "store/Database.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {
const AccessPolicy kFinance({ Role::Finance }, QStringLiteral("fiona@example.com"));

// The columns of `reconsolectl bench reconcile --out`'s ledger.csv.
const QByteArray kBenchCsv = "id,reference,amount_minor,currency,booked_on,description\n"
                             "L-1,INV-1001,2599,EUR,2026-11-02,Order 1001\n"
                             "L-2,INV-1002,-700,eur,2026-11-03,\"Refund, partial\"\n"
                             "L-3,INV-1003,150000,JPY,2026-11-30,Tokyo\n";

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return file.fileName();
}

LedgerEntry entry(const QString &id, qint64 amount, const QString &date = QStringLiteral("2026-11-02"))
{
    LedgerEntry e;
    e.entryId = id;
    e.account = QStringLiteral("stripe-sandbox");
    e.bookedOn = QDate::fromString(date, Qt::ISODate);
    e.amountMinor = amount;
    e.currency = QStringLiteral("EUR");
    e.reference = QStringLiteral("pi_") + id;
    e.source = LedgerEntry::Source::Import;
    e.createdBy = QStringLiteral("tester");
    return e;
}

int auditCount(const Database &db)
{
    auto entries = AuditLog(db).entries();
    return entries ? int(entries->size()) : -1;
}
} // namespace

class TestLedger : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void storesEachEntryOnce_data() { ADD_BACKEND_ROWS(); }
    void storesEachEntryOnce()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        LedgerStore store(db);
        auto first = store.insert(entry(QStringLiteral("E-1"), 2599));
        QVERIFY2(first, qPrintable(first.message()));
        QCOMPARE(first.value(), LedgerStore::Stored::New);
        LedgerEntry again = entry(QStringLiteral("E-1"), 2599);
        again.source = LedgerEntry::Source::Intake; // how it came does not make it another entry
        QCOMPARE(store.insert(again).value(), LedgerStore::Stored::Repeat);
        auto changed = store.insert(entry(QStringLiteral("E-1"), 2600));
        QVERIFY(!changed);
        QCOMPARE(changed.error().errorClass, ErrorClass::Conflict);
        QVERIFY2(changed.message().contains(QLatin1String("amount_minor")), qPrintable(changed.message()));
        QCOMPARE(store.count().value(), 1);
        QCOMPARE(store.get(QStringLiteral("E-1"))->amountMinor, 2599);
        QVERIFY(!store.get(QStringLiteral("nope")));

        // The books are append-only, for the owner too.
        QSqlQuery q(db.connection());
        QVERIFY(!q.exec(QStringLiteral("UPDATE ledger_entries SET amount_minor = 1")));
        QVERIFY(!q.exec(QStringLiteral("DELETE FROM ledger_entries")));
        QCOMPARE(store.get(QStringLiteral("E-1"))->amountMinor, 2599);
    }

    void listsAnAccountByDate_data() { ADD_BACKEND_ROWS(); }
    void listsAnAccountByDate()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        LedgerStore store(*scratch.db());
        for (const auto &[id, date] :
            { std::pair { "A", "2026-11-05" }, std::pair { "B", "2026-11-01" }, std::pair { "C", "2026-12-01" } })
            QVERIFY(store.insert(entry(QLatin1String(id), 100, QLatin1String(date))));
        LedgerEntry other = entry(QStringLiteral("D"), 100);
        other.account = QStringLiteral("bank-1");
        QVERIFY(store.insert(other));
        auto november = store.list(QStringLiteral("stripe-sandbox"), QDate(2026, 11, 1), QDate(2026, 11, 30));
        QVERIFY2(november, qPrintable(november.message()));
        QStringList ids;
        for (const LedgerEntry &e : november.value())
            ids << e.entryId;
        QCOMPARE(ids, (QStringList { QStringLiteral("B"), QStringLiteral("A") }));
        QCOMPARE(store.list(QStringLiteral("stripe-sandbox"))->size(), 3);
        QCOMPARE(store.count(QStringLiteral("bank-1")).value(), 1);
        int seen = 0;
        QVERIFY(store.forEach(QStringLiteral("stripe-sandbox"), {}, {}, [&](const LedgerEntry &) {
            return ++seen < 2; // stops when asked
        }));
        QCOMPARE(seen, 2);
    }

    void importsCsvOnceAndAudits_data() { ADD_BACKEND_ROWS(); }
    void importsCsvOnceAndAudits()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("ledger.csv"), kBenchCsv);
        LedgerService service(db, kFinance);
        auto first = service.importFile(path, {}, QStringLiteral("bank-1"));
        QVERIFY2(first, qPrintable(first.message()));
        QCOMPARE(first->rows, 3);
        QCOMPARE(first->imported, 3);
        QCOMPARE(first->duplicates, 0);
        QCOMPARE(first->preset, QStringLiteral("ledger-default"));
        const LedgerEntry refund = LedgerStore(db).get(QStringLiteral("L-2")).value();
        QCOMPARE(refund.amountMinor, -700);
        QCOMPARE(refund.currency, QStringLiteral("EUR"));
        QCOMPARE(refund.account, QStringLiteral("bank-1"));
        QCOMPARE(refund.description, QStringLiteral("Refund, partial"));
        QCOMPARE(refund.sourceDetail, QStringLiteral("ledger.csv line 3"));
        QCOMPARE(refund.createdBy, QStringLiteral("fiona@example.com"));
        QCOMPARE(LedgerStore(db).get(QStringLiteral("L-3"))->exponent, 0);
        const int audited = auditCount(db);

        auto again = service.importFile(path, {}, QStringLiteral("bank-1"));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->imported, 0);
        QCOMPARE(again->duplicates, 3);
        QCOMPARE(LedgerStore(db).count().value(), 3);
        QCOMPARE(auditCount(db), audited + 1);
        QCOMPARE(AuditLog(db).entries()->last().action, QStringLiteral("ledger.import"));
    }

    void importsJsonLines_data() { ADD_BACKEND_ROWS(); }
    void importsJsonLines()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("books.jsonl"),
            "{\"id\": \"J-1\", \"account\": \"bank-1\", \"booked_on\": \"2026-11-02\", \"amount_minor\": 2599, "
            "\"currency\": \"EUR\", \"reference\": \"INV-1\", \"entity_type\": \"order\", \"entity_id\": \"ORD-1\"}\n"
            "\n"
            "{\"id\": \"J-2\", \"account\": \"bank-1\", \"booked_on\": \"2026-11-03\", \"amount_minor\": \"-15\", "
            "\"currency\": \"KWD\", \"counterparty\": \"Al Shaya\"}\n");
        auto imported = LedgerService(*scratch.db(), kFinance).importFile(path);
        QVERIFY2(imported, qPrintable(imported.message()));
        QCOMPARE(imported->format, QStringLiteral("jsonl"));
        QCOMPARE(imported->imported, 2);
        const LedgerEntry first = LedgerStore(*scratch.db()).get(QStringLiteral("J-1")).value();
        QCOMPARE(first.entityType, QStringLiteral("order"));
        QCOMPARE(first.entityId, QStringLiteral("ORD-1"));
        QCOMPARE(LedgerStore(*scratch.db()).get(QStringLiteral("J-2"))->exponent, 3);
    }

    void badFilesImportNothing_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("account");
        QTest::addColumn<QString>("where"); // what the message must name
        const QByteArray header = "id,reference,amount_minor,currency,booked_on,description\n";
        for (const QString &b : TestSupport::backends()) {
            auto row = [&](const char *name) {
                return &QTest::newRow(qPrintable(b + QLatin1Char(':') + QLatin1String(name)));
            };
            *row("text amount") << b << header + "X-1,R,12,EUR,2026-11-02,\nX-2,R,twelve,EUR,2026-11-02,\n"
                                << QStringLiteral("bank-1")
                                << QStringLiteral("bad.csv line 4, column amount_minor: expected an amount in minor "
                                                  "units");
            *row("amount with decimals") << b << header + "X-1,R,25.99,EUR,2026-11-02,\n"
                                         << QStringLiteral("bank-1") << QStringLiteral("line 3, column amount_minor");
            *row("missing column") << b << QByteArray("id,reference,currency,booked_on\nX-1,R,EUR,2026-11-02\n")
                                   << QStringLiteral("bank-1")
                                   << QStringLiteral("bad.csv line 1 has no column 'amount_minor'");
            *row("no account") << b << header + "X-1,R,12,EUR,2026-11-02,\n"
                               << QString()
                               << QStringLiteral("give the account these entries are booked to with --account");
            *row("bad date") << b << header + "X-1,R,12,EUR,02.11.2026,\n"
                             << QStringLiteral("bank-1")
                             << QStringLiteral("line 3, column booked_on: expected a date as yyyy-MM-dd");
            *row("binary") << b << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20) << QStringLiteral("bank-1")
                           << QStringLiteral("holds binary data");
            *row("not UTF-8") << b << header + "X-1,R,12,EUR,2026-11-02,Caf\xe9 au lait\n"
                              << QStringLiteral("bank-1") << QStringLiteral("line 3 is not UTF-8 text");
            *row("booking id") << b << header + "op:1:refund,R,12,EUR,2026-11-02,\n"
                               << QStringLiteral("bank-1")
                               << QStringLiteral("column id: expected an id not starting with 'op:'");
            *row("changed entry") << b << header + "K-1,R,999,EUR,2026-11-02,\n"
                                  << QStringLiteral("bank-1")
                                  << QStringLiteral("line 3, column id: entry K-1 is already in the ledger");
            *row("another account") << b
                                    << QByteArray(
                                           "id,account,amount_minor,currency,booked_on\nX-1,bank-2,12,EUR,2026-11-02\n")
                                    << QStringLiteral("bank-1")
                                    << QStringLiteral("column account: expected account bank-1");
        }
    }
    void badFilesImportNothing()
    {
        QFETCH(QString, backend);
        QFETCH(QByteArray, text);
        QFETCH(QString, account);
        QFETCH(QString, where);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        LedgerEntry kept = entry(QStringLiteral("K-1"), 100);
        kept.account = QStringLiteral("bank-1");
        QVERIFY(LedgerStore(db).insert(kept));
        QTemporaryDir dir;
        // A good row first: it must not stay behind when a later one fails.
        QByteArray withGood = text;
        if (text.startsWith("id,reference,amount_minor"))
            withGood.insert(text.indexOf('\n') + 1, "G-1,R,5,EUR,2026-11-01,\n");
        auto refused
            = LedgerService(db, kFinance).importFile(writeFile(dir, QStringLiteral("bad.csv"), withGood), {}, account);
        QVERIFY(!refused);
        QCOMPARE(refused.error().errorClass, ErrorClass::Input);
        QVERIFY2(refused.message().contains(where), qPrintable(refused.message()));
        QVERIFY2(refused.message().endsWith(QLatin1String("Nothing was imported.")), qPrintable(refused.message()));
        QCOMPARE(LedgerStore(db).count().value(), 1);
        QCOMPARE(LedgerStore(db).get(QStringLiteral("K-1"))->amountMinor, 100);
    }

    void needsTheFinanceRole()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QTemporaryDir dir;
        const AccessPolicy support({ Role::Support }, QStringLiteral("sam@example.com"));
        auto refused
            = LedgerService(*scratch.db(), support)
                  .importFile(writeFile(dir, QStringLiteral("ledger.csv"), kBenchCsv), {}, QStringLiteral("b"));
        QVERIFY(!refused);
        QCOMPARE(LedgerStore(*scratch.db()).count().value(), 0);
    }

    void fromTheCommandLine()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("finance.sqlite"));
        QCOMPARE(ctl({ QStringLiteral("migrate"), QStringLiteral("--database"), db }).code, 0);
        const QString path = writeFile(dir, QStringLiteral("ledger.csv"), kBenchCsv);
        const QStringList args { QStringLiteral("ledger"), QStringLiteral("import"), path, QStringLiteral("--account"),
            QStringLiteral("stripe-sandbox"), QStringLiteral("--json"), QStringLiteral("--database"), db };
        const CtlRun first = ctl(args);
        QVERIFY2(first.code == 0, qPrintable(first.err));
        QJsonObject o = QJsonDocument::fromJson(first.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("entries_imported")).toInt(), 3);
        QCOMPARE(o.value(QStringLiteral("duplicates_skipped")).toInt(), 0);
        o = QJsonDocument::fromJson(ctl(args).out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("entries_imported")).toInt(), 0);
        QCOMPARE(o.value(QStringLiteral("duplicates_skipped")).toInt(), 3);

        const QString bad = writeFile(dir, QStringLiteral("bad.csv"), "id,amount_minor\n");
        const CtlRun refused
            = ctl({ QStringLiteral("ledger"), QStringLiteral("import"), bad, QStringLiteral("--database"), db });
        QCOMPARE(refused.code, 1);
        QVERIFY2(
            refused.err.contains(QLatin1String("bad.csv line 1 has no column 'booked_on'")), qPrintable(refused.err));
        const CtlRun text = ctl({ QStringLiteral("ledger"), QStringLiteral("import"), path, QStringLiteral("--account"),
            QStringLiteral("stripe-sandbox"), QStringLiteral("--database"), db });
        QVERIFY2(text.out.contains(QLatin1String("0 imported, 3 already in the ledger")), qPrintable(text.out));
    }
};

QTEST_GUILESS_MAIN(TestLedger)
#include "tst_ledger.moc"
