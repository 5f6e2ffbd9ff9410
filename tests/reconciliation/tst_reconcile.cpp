// Reconciliation stored on both backends: an account's ledger against its statement lines, the
// matches per rule, a dry run storing nothing, a rerun keeping what a person confirmed and
// replacing the rest, finance only; and `reconsolectl reconcile` as finance would type it.
#include "CtlRunner.h"
#include "ReconciliationFixtures.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "ledger/LedgerStore.h"
#include "reconciliation/ReconciliationDesk.h"
#include "reconciliation/ReconciliationService.h"
#include "reconciliation/ReconciliationStore.h"
#include "statements/StatementService.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {
using ReconciliationFixtures::writeFile;

const AccessPolicy kFinance({ Role::Finance }, QStringLiteral("fiona@example.com"));
const QString kAccount = QStringLiteral("NL02ABNA0123456789");
const QDate kFrom(2025, 1, 1);
const QDate kTo(2025, 1, 31);

// The bank's side: INV-1 and INV-3 exactly as booked, a coffee 10 cents off what we booked (the
// tolerance rule), 99.00 we never booked; and one line in February, outside the range.
const QByteArray kStatement = ":20:JAN\n:25:NL02ABNA0123456789\n:28C:1\n:60F:C250101EUR100,00\n"
                              ":61:250101C10,00NTRFINV-1\n:86:ORDER 1\n"
                              ":61:250102D2,50NMSCNONREF\n:86:COFFEE\n"
                              ":61:250103C20,00NTRFINV-3\n:86:ORDER 3\n"
                              ":61:250105C99,00NMSCNONREF\n:86:UNKNOWN\n"
                              ":61:250203C7,00NTRFINV-7\n:86:ORDER 7\n"
                              ":62F:C250203EUR233,50\n";

// Our side, the same as ledger.csv (`ledger import --account`) gives it.
const QByteArray kLedgerCsv = "id,reference,amount_minor,currency,booked_on,description\n"
                              "L-1,INV-1,1000,EUR,2025-01-01,Order 1\n"
                              "L-2,COFFEE-1,-240,EUR,2025-01-03,Coffee\n"
                              "L-3,INV-3,2000,EUR,2025-01-03,Order 3\n"
                              "L-4,INV-9,5000,EUR,2025-01-04,Order 9\n"
                              "L-7,INV-7,700,EUR,2025-02-03,Order 7\n";

LedgerEntry entry(const QString &id, const QString &reference, qint64 amount, const QDate &day)
{
    return ReconciliationFixtures::ledgerEntry(kAccount, id, reference, amount, day);
}

// Both sides into `db`; an empty string when all went in.
QString loadBothSides(const Database &db, const QTemporaryDir &dir)
{
    auto imported = StatementService(db, kFinance).importFile(writeFile(dir, QStringLiteral("jan.sta"), kStatement));
    if (!imported)
        return imported.message();
    LedgerStore ledger(db);
    for (const LedgerEntry &e : { entry(QStringLiteral("L-1"), QStringLiteral("INV-1"), 1000, QDate(2025, 1, 1)),
             entry(QStringLiteral("L-2"), QStringLiteral("COFFEE-1"), -240, QDate(2025, 1, 3)),
             entry(QStringLiteral("L-3"), QStringLiteral("INV-3"), 2000, QDate(2025, 1, 3)),
             entry(QStringLiteral("L-4"), QStringLiteral("INV-9"), 5000, QDate(2025, 1, 4)),
             entry(QStringLiteral("L-7"), QStringLiteral("INV-7"), 700, QDate(2025, 2, 3)) })
        if (auto stored = ledger.insert(e); !stored)
            return stored.message();
    return {};
}

int auditCount(const Database &db)
{
    auto entries = AuditLog(db).entries();
    return entries ? int(entries->size()) : -1;
}

qint64 ledgerId(const Database &db, const QString &entryId)
{
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral("SELECT id FROM ledger_entries WHERE entry_id = ?"));
    q.addBindValue(entryId);
    return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
}
} // namespace

class TestReconcile : public QObject
{
    Q_OBJECT
private slots:
    void countsPerRuleAndStores_data() { ADD_BACKEND_ROWS(); }
    void countsPerRuleAndStores()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QTemporaryDir dir;
        const QString loaded = loadBothSides(db, dir);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));

        auto done = ReconciliationService(db, kFinance).reconcile(kAccount, kFrom, kTo, MatchRules::defaults(), false);
        QVERIFY2(done, qPrintable(done.message()));
        QCOMPARE(done->ledgerRows, 4); // February's row is outside the range
        QCOMPARE(done->statementRows, 4);
        QCOMPARE(done->result.matchedBy(QStringLiteral("exact")), 2);
        QCOMPARE(done->result.matchedBy(QStringLiteral("tolerance")), 1);
        QCOMPARE(done->result.unmatchedLeft().size(), 1);
        QCOMPARE(done->result.unmatchedRight().size(), 1);
        QCOMPARE(done->unmatchedLedgerTotal.value(QStringLiteral("EUR")), 5000);
        QCOMPARE(done->unmatchedStatementTotal.value(QStringLiteral("EUR")), 9900);
        QVERIFY(done->runId > 0);

        ReconciliationStore store(db);
        QCOMPARE(store.matchCount(kAccount).value(), 3);
        QCOMPARE(store.runCount(kAccount).value(), 1);
        QCOMPARE(
            store.unmatchedLedger(kAccount, kFrom, kTo).value(), QList<qint64> { ledgerId(db, QStringLiteral("L-4")) });
        QCOMPARE(store.unmatchedLedger(kAccount, kFrom, QDate(2025, 2, 28)).value().size(), 2); // and L-7
        QCOMPARE(store.unmatchedStatement(kAccount, kFrom, kTo).value().size(), 1);
        auto log = AuditLog(db).entriesFor(QStringLiteral("account:") + kAccount);
        QVERIFY(log);
        QCOMPARE(log->size(), 1);
        QCOMPARE(log->at(0).action, QStringLiteral("reconcile.run"));
        QCOMPARE(log->at(0).actor, QStringLiteral("fiona@example.com"));
    }

    void dryRunStoresNothing_data() { ADD_BACKEND_ROWS(); }
    void dryRunStoresNothing()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QTemporaryDir dir;
        const QString loaded = loadBothSides(db, dir);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));
        const int audits = auditCount(db);
        auto dry = ReconciliationService(db, kFinance).reconcile(kAccount, kFrom, kTo, MatchRules::defaults(), true);
        QVERIFY2(dry, qPrintable(dry.message()));
        QCOMPARE(dry->result.matchCount(), 3);
        QCOMPARE(dry->runId, 0);
        ReconciliationStore store(db);
        QCOMPARE(store.matchCount(kAccount).value(), 0);
        QCOMPARE(store.runCount(kAccount).value(), 0);
        QCOMPARE(store.unmatchedLedger(kAccount, kFrom, kTo).value().size(), 4);
        QCOMPARE(auditCount(db), audits);
    }

    void rerunKeepsConfirmedAndReplacesTheRest_data() { ADD_BACKEND_ROWS(); }
    void rerunKeepsConfirmedAndReplacesTheRest()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QTemporaryDir dir;
        const QString loaded = loadBothSides(db, dir);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));
        ReconciliationService service(db, kFinance);
        auto first = service.reconcile(kAccount, kFrom, kTo, MatchRules::defaults(), false);
        QVERIFY2(first, qPrintable(first.message()));
        ReconciliationStore store(db);
        auto matches = store.overlapping(kAccount, kFrom, kTo, false);
        QVERIFY(matches);
        QCOMPARE(matches->size(), 3);
        qint64 coffee = 0;
        for (const StoredMatch &m : matches.value())
            if (m.match.rule == QLatin1String("tolerance"))
                coffee = m.id;
        QVERIFY(coffee > 0);
        ReconciliationDesk desk(db, kFinance);
        QVERIFY(desk.confirmMatch(coffee));
        auto twice = desk.confirmMatch(coffee);
        QVERIFY(!twice);
        QVERIFY2(twice.message().contains(QLatin1String("fiona@example.com")), qPrintable(twice.message()));
        QCOMPARE(AuditLog(db).entriesFor(QStringLiteral("match:%1").arg(coffee)).value().size(), 1);

        auto second = service.reconcile(kAccount, kFrom, kTo, MatchRules::defaults(), false);
        QVERIFY2(second, qPrintable(second.message()));
        QCOMPARE(second->result.confirmedKept(), 1);
        QCOMPARE(second->result.matchedBy(QStringLiteral("exact")), 2);
        QCOMPARE(second->result.matchedBy(QStringLiteral("tolerance")), 0); // its rows were taken
        auto after = store.overlapping(kAccount, kFrom, kTo, false);
        QVERIFY(after);
        QCOMPARE(after->size(), 3);
        for (const StoredMatch &m : after.value()) {
            if (m.id == coffee) {
                QCOMPARE(m.confirmedBy, QStringLiteral("fiona@example.com"));
                QCOMPARE(m.runId, first->runId);
            } else {
                QCOMPARE(m.runId, second->runId); // replaced by the new run
                QVERIFY(m.confirmedBy.isEmpty());
            }
        }
        QCOMPARE(store.runCount(kAccount).value(), 2);
    }

    void financeOnly()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        QTemporaryDir dir;
        const QString loaded = loadBothSides(db, dir);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));
        QVERIFY(ReconciliationService(db, kFinance).reconcile(kAccount, kFrom, kTo, MatchRules::defaults(), false));
        const qint64 match = ReconciliationStore(db).overlapping(kAccount, kFrom, kTo, false).value().first().id;
        const AccessPolicy support({ Role::Support }, QStringLiteral("sam@example.com"));
        ReconciliationService asSupport(db, support);
        QVERIFY(!asSupport.reconcile(kAccount, kFrom, kTo, MatchRules::defaults(), true));
        QVERIFY(!ReconciliationDesk(db, support).confirmMatch(match));
        QVERIFY(ReconciliationStore(db).get(match).value().confirmedBy.isEmpty());
        QCOMPARE(ReconciliationStore(db).runCount(kAccount).value(), 1);
    }

    void fromTheCommandLine()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("finance.sqlite"));
        QCOMPARE(ctl({ QStringLiteral("migrate"), QStringLiteral("--database"), db }).code, 0);
        const CtlRun statement = ctl({ QStringLiteral("import"), writeFile(dir, QStringLiteral("jan.sta"), kStatement),
            QStringLiteral("--database"), db });
        QVERIFY2(statement.code == 0, qPrintable(statement.err));
        const CtlRun ledger = ctl({ QStringLiteral("ledger"), QStringLiteral("import"),
            writeFile(dir, QStringLiteral("ledger.csv"), kLedgerCsv), QStringLiteral("--account"), kAccount,
            QStringLiteral("--database"), db });
        QVERIFY2(ledger.code == 0, qPrintable(ledger.err));
        const QStringList range { QStringLiteral("--account"), kAccount, QStringLiteral("--from"),
            QStringLiteral("2025-01-01"), QStringLiteral("--to"), QStringLiteral("2025-01-31"),
            QStringLiteral("--database"), db };

        const CtlRun json = ctl(QStringList { QStringLiteral("reconcile"), QStringLiteral("--json") } + range);
        QVERIFY2(json.code == 0, qPrintable(json.err));
        const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("ledger_rows")).toInt(), 4);
        const QJsonObject exact = o.value(QStringLiteral("matched")).toArray().at(0).toObject();
        QCOMPARE(exact.value(QStringLiteral("rule")).toString(), QStringLiteral("exact"));
        QCOMPARE(exact.value(QStringLiteral("matches")).toInt(), 2);
        QCOMPARE(exact.value(QStringLiteral("ledger_rows")).toInt(), 2);
        const QJsonObject unmatched = o.value(QStringLiteral("unmatched")).toObject();
        QCOMPARE(unmatched.value(QStringLiteral("ledger")).toObject().value(QStringLiteral("count")).toInt(), 1);
        QCOMPARE(unmatched.value(QStringLiteral("other"))
                     .toObject()
                     .value(QStringLiteral("total"))
                     .toObject()
                     .value(QStringLiteral("EUR"))
                     .toString(),
            QStringLiteral("99.00"));
        QVERIFY(!o.value(QStringLiteral("dry_run")).toBool());

        const CtlRun text = ctl(QStringList { QStringLiteral("reconcile"), QStringLiteral("--dry-run") } + range);
        QVERIFY2(text.code == 0, qPrintable(text.err));
        QVERIFY2(text.out.contains(QLatin1String("unmatched ledger: 1 (50.00 EUR)")), qPrintable(text.out));
        QVERIFY2(text.out.contains(QLatin1String("dry run")), qPrintable(text.out));

        const QString badRules = writeFile(dir, QStringLiteral("rules.json"), "{\"rules\": [{\"rule\": \"fuzzy\"}]}");
        const CtlRun bad
            = ctl(QStringList { QStringLiteral("reconcile"), QStringLiteral("--rules"), badRules } + range);
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains(QLatin1String("--rules")) && bad.err.contains(QLatin1String("rules.json")),
            qPrintable(bad.err));

        const CtlRun backwards = ctl({ QStringLiteral("reconcile"), QStringLiteral("--account"), kAccount,
            QStringLiteral("--from"), QStringLiteral("2025-02-01"), QStringLiteral("--to"),
            QStringLiteral("2025-01-01"), QStringLiteral("--database"), db });
        QCOMPARE(backwards.code, 2);
        QVERIFY2(backwards.err.contains(QLatin1String("--from 2025-02-01 is after --to")), qPrintable(backwards.err));

        const CtlRun unknown = ctl({ QStringLiteral("reconcile"), QStringLiteral("--account"),
            QStringLiteral("DE00NOSUCH"), QStringLiteral("--from"), QStringLiteral("2025-01-01"),
            QStringLiteral("--to"), QStringLiteral("2025-01-31"), QStringLiteral("--database"), db });
        QCOMPARE(unknown.code, 1);
        QVERIFY2(
            unknown.err.contains(QLatin1String("--account DE00NOSUCH has no ledger entries")), qPrintable(unknown.err));
    }
};

QTEST_GUILESS_MAIN(TestReconcile)
#include "tst_reconcile.moc"
