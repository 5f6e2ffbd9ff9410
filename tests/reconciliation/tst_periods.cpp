// Reconciliation periods and the desk's rules on both backends: adjacent periods (no gap, no
// overlap, opening at the previous closing), the difference in several currencies, matches by
// hand with their adjustments, write-offs and the four-eyes rule (in the engine, and on
// PostgreSQL in the database against its own users), sign-off only at zero, and the lock.
#include "CtlRunner.h"
#include "ReconciliationFixtures.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "access/TeamRoles.h"
#include "core/Money.h"
#include "ledger/LedgerStore.h"
#include "reconciliation/ReconciliationDesk.h"
#include "reconciliation/ReconciliationService.h"
#include "reconciliation/ReconciliationStore.h"
#include "statements/StatementService.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

namespace {
using ReconciliationFixtures::writeFile;

const AccessPolicy kFiona({ Role::Finance }, QStringLiteral("fiona"));
const AccessPolicy kFrank({ Role::Finance }, QStringLiteral("frank"));
const AccessPolicy kAdmin({ Role::Admin }, QStringLiteral("ada"));
const QString kAccount = QStringLiteral("NL02ABNA0123456789");

// January: INV-1 as booked; a bank charge nobody booked; one credit paying INV-2 and INV-4; INV-3
// ten cents short of what we booked. February: INV-7. Balances 100.00 → 187.50 → 194.50.
const QByteArray kJanuary = ":20:JAN\n:25:NL02ABNA0123456789\n:28C:1\n:60F:C250101EUR100,00\n"
                            ":61:250102C10,00NTRFINV-1\n:86:ORDER 1\n"
                            ":61:250103D2,50NCHGNONREF\n:86:ACCOUNT FEE\n"
                            ":61:250105C60,00NTRFINV-2-4\n:86:ORDERS 2 AND 4\n"
                            ":61:250110C20,00NTRFINV-3\n:86:ORDER 3\n"
                            ":62F:C250131EUR187,50\n";
const QByteArray kFebruary = ":20:FEB\n:25:NL02ABNA0123456789\n:28C:2\n:60F:C250201EUR187,50\n"
                             ":61:250203C7,00NTRFINV-7\n:86:ORDER 7\n"
                             ":62F:C250228EUR194,50\n";
// The January statement sent again with one line more: the period is signed off by then.
const QByteArray kJanuaryAgain = ":20:JAN2\n:25:NL02ABNA0123456789\n:28C:1\n:60F:C250101EUR100,00\n"
                                 ":61:250102C10,00NTRFINV-1\n:86:ORDER 1\n"
                                 ":61:250120C5,00NTRFINV-8\n:86:ORDER 8\n"
                                 ":62F:C250131EUR192,50\n";

LedgerEntry entry(const QString &id, const QString &reference, qint64 amount, const QDate &day)
{
    return ReconciliationFixtures::ledgerEntry(kAccount, id, reference, amount, day);
}

qint64 idOf(const Database &db, const QString &sql, const QString &value)
{
    QSqlQuery q(db.connection());
    q.prepare(sql);
    q.addBindValue(value);
    return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
}

qint64 ledgerId(const Database &db, const QString &entryId)
{
    return idOf(db, QStringLiteral("SELECT id FROM ledger_entries WHERE entry_id = ?"), entryId);
}

qint64 lineId(const Database &db, const QString &description)
{
    return idOf(
        db, QStringLiteral("SELECT id FROM statement_lines WHERE description = ? AND is_split = 0"), description);
}

QString load(const Database &db, const QTemporaryDir &dir)
{
    for (const auto &[name, text] :
        { std::pair { QStringLiteral("jan.sta"), kJanuary }, std::pair { QStringLiteral("feb.sta"), kFebruary } })
        if (auto imported = StatementService(db, kFiona).importFile(writeFile(dir, name, text)); !imported)
            return imported.message();
    LedgerStore ledger(db);
    for (const LedgerEntry &e : { entry(QStringLiteral("L-1"), QStringLiteral("INV-1"), 1000, QDate(2025, 1, 2)),
             entry(QStringLiteral("L-2"), QStringLiteral("INV-2"), 4000, QDate(2025, 1, 4)),
             entry(QStringLiteral("L-3"), QStringLiteral("INV-3"), 2010, QDate(2025, 1, 9)),
             entry(QStringLiteral("L-4"), QStringLiteral("INV-4"), 2000, QDate(2025, 1, 4)),
             entry(QStringLiteral("L-5"), QStringLiteral("INV-1 (again)"), 1000, QDate(2025, 1, 2)),
             entry(QStringLiteral("L-7"), QStringLiteral("INV-7"), 700, QDate(2025, 2, 3)) })
        if (auto stored = ledger.insert(e); !stored)
            return stored.message();
    return {};
}

ReconciliationPeriod period(qint64 id, const QDate &from, const QDate &to)
{
    ReconciliationPeriod p;
    p.id = id;
    p.account = kAccount;
    p.currency = QStringLiteral("EUR");
    p.from = from;
    p.to = to;
    return p;
}

qint64 difference(const ReconciliationDesk &desk, qint64 periodId)
{
    auto s = desk.summary(periodId);
    return s ? s->differenceMinor : LLONG_MIN;
}

const QString kPassword = QStringLiteral("four-eyes-password-1");

// On PostgreSQL a second person is a second database user: a login role with finance, and a
// database opened as it. On SQLite (one user) the same database.
struct Colleague
{
    QString user;
    std::shared_ptr<Database> db;
};
Result<Colleague> colleague(const TestSupport::ScratchDatabase &scratch, const QString &name)
{
    const Database &owner = *scratch.db();
    if (owner.location().dialect != QLatin1String("postgresql"))
        return Colleague { name, scratch.db() };
    const QString user = name + QLatin1Char('_') + QString::number(QCoreApplication::applicationPid());
    QSqlQuery q(owner.connection());
    if (!q.exec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(user, kPassword)))
        return failure(ErrorClass::Storage, q.lastError().text());
    if (Status set = TeamRoles::setUp(owner); !set)
        return set.error();
    if (Status assigned = TeamRoles::assign(owner, user, { Role::Finance }); !assigned)
        return assigned.error();
    QUrl url(scratch.url());
    url.setUserName(user);
    url.setPassword(kPassword);
    auto db = Database::open(url.toString());
    if (!db)
        return db.error();
    return Colleague { user, db.value() };
}

void dropColleague(const TestSupport::ScratchDatabase &scratch, Colleague &c)
{
    const Database &owner = *scratch.db();
    if (owner.location().dialect != QLatin1String("postgresql"))
        return;
    c.db.reset();
    QSqlQuery q(owner.connection());
    if (!q.exec(QStringLiteral("DROP OWNED BY %1").arg(c.user)) || !q.exec(QStringLiteral("DROP ROLE %1").arg(c.user)))
        qWarning("Cannot drop %s: %s", qPrintable(c.user), qPrintable(q.lastError().text()));
}

QString lastAction(const Database &db)
{
    auto entries = AuditLog(db).entries();
    return entries && !entries->isEmpty() ? entries->last().action : QString();
}
} // namespace

class TestPeriods : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void adjacentPeriodsOnly()
    {
        const QList<ReconciliationPeriod> existing { period(1, QDate(2025, 1, 1), QDate(2025, 1, 31)),
            period(2, QDate(2025, 2, 1), QDate(2025, 2, 28)) };
        QVERIFY(PeriodRules::fits(existing, QDate(2025, 3, 1), QDate(2025, 3, 31)));
        QVERIFY(PeriodRules::fits(existing, QDate(2024, 12, 1), QDate(2024, 12, 31))); // just before the first
        QVERIFY(PeriodRules::fits({}, QDate(2025, 3, 5), QDate(2025, 3, 5))); // a first period may start anywhere
        auto overlap = PeriodRules::fits(existing, QDate(2025, 2, 15), QDate(2025, 3, 15));
        QVERIFY(!overlap);
        QVERIFY2(overlap.message().contains(QLatin1String("overlaps period 2")), qPrintable(overlap.message()));
        QVERIFY2(overlap.message().contains(QLatin1String("2025-03-01")), qPrintable(overlap.message()));
        auto gap = PeriodRules::fits(existing, QDate(2025, 3, 2), QDate(2025, 3, 31));
        QVERIFY(!gap);
        QVERIFY2(gap.message().contains(QLatin1String("gap after period 2")), qPrintable(gap.message()));
        auto gapBefore = PeriodRules::fits(existing, QDate(2024, 12, 1), QDate(2024, 12, 30));
        QVERIFY2(gapBefore.message().contains(QLatin1String("gap before period 1")), qPrintable(gapBefore.message()));
        QVERIFY(!PeriodRules::fits(existing, QDate(2025, 4, 2), QDate(2025, 4, 1))); // backwards
        QCOMPARE(PeriodRules::previous(existing, QDate(2025, 3, 1))->id, 2);
        QVERIFY(!PeriodRules::previous(existing, QDate(2025, 1, 1)));
    }

    void differenceArithmetic_data()
    {
        QTest::addColumn<QString>("currency");
        QTest::addColumn<QString>("opening");
        QTest::addColumn<QString>("closing");
        QTest::addColumn<QString>("cleared");
        QTest::addColumn<QString>("expected");
        QTest::newRow("EUR") << "EUR"
                             << "100.00"
                             << "187.50"
                             << "87.60"
                             << "-0.10";
        QTest::newRow("EUR negative balances") << "EUR"
                                               << "-50.25"
                                               << "-10.00"
                                               << "40.25"
                                               << "0.00";
        QTest::newRow("JPY, no decimals") << "JPY"
                                          << "1000"
                                          << "25000"
                                          << "23999"
                                          << "1";
        QTest::newRow("KWD, three decimals") << "KWD"
                                             << "1.000"
                                             << "2.500"
                                             << "1.499"
                                             << "0.001";
        QTest::newRow("large") << "USD"
                               << "0.00"
                               << "90000000000000.00"
                               << "89999999999999.99"
                               << "0.01";
    }
    void differenceArithmetic()
    {
        QFETCH(QString, currency);
        QFETCH(QString, opening);
        QFETCH(QString, closing);
        QFETCH(QString, cleared);
        QFETCH(QString, expected);
        const int e = Money::exponent(currency);
        auto d = PeriodRules::difference(
            *Money::parseMajor(opening, e), *Money::parseMajor(closing, e), *Money::parseMajor(cleared, e));
        QVERIFY(d);
        QCOMPARE(Money::formatIn(d.value(), currency), expected);
        QVERIFY(!PeriodRules::difference(LLONG_MIN + 5, LLONG_MAX - 5, 0)); // refused, not wrapped
    }

    void workAPeriodToSignOff_data() { ADD_BACKEND_ROWS(); }
    void workAPeriodToSignOff()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QTemporaryDir dir;
        const QString loaded = load(db, dir);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));
        QVERIFY(ReconciliationService(db, kFiona)
                    .reconcile(kAccount, QDate(2025, 1, 1), QDate(2025, 1, 31), MatchRules::defaults(), false));
        auto frank = colleague(scratch, QStringLiteral("frank"));
        QVERIFY2(frank, qPrintable(frank.message()));
        const AccessPolicy frankPolicy({ Role::Finance }, frank->user);
        ReconciliationDesk desk(db, kFiona), second(*frank->db, frankPolicy);
        QVERIFY(!desk.setApprovalThreshold(kAccount, QStringLiteral("EUR"), 500)); // an admin's
        QVERIFY(ReconciliationDesk(db, kAdmin).setApprovalThreshold(kAccount, QStringLiteral("EUR"), 500));

        // Balances from the statement; nothing cleared yet.
        auto jan = desk.openPeriod(kAccount, QStringLiteral("eur"), QDate(2025, 1, 1), QDate(2025, 1, 31));
        QVERIFY2(jan, qPrintable(jan.message()));
        auto p = desk.period(jan.value());
        QCOMPARE(p->openingMinor, 10000);
        QCOMPARE(p->closingMinor, 18750);
        QCOMPARE(p->balancesFrom, QStringLiteral("statement"));
        QCOMPARE(difference(desk, jan.value()), 8750);

        // The run's suggestion for L-1, confirmed with its rule.
        const qint64 l1 = ledgerId(db, QStringLiteral("L-1"));
        auto suggestions = desk.suggestions(kAccount, { RowSide::Ledger, l1 });
        QVERIFY2(suggestions && !suggestions->isEmpty(), qPrintable(suggestions.message()));
        QVERIFY(suggestions->first().storedMatchId > 0);
        QCOMPARE(suggestions->first().match.rule, QStringLiteral("exact"));
        QVERIFY(desk.confirm(suggestions->first()));
        QCOMPARE(difference(desk, jan.value()), 7750);

        // One credit for two invoices, by hand; sums agree.
        const qint64 both = lineId(db, QStringLiteral("ORDERS 2 AND 4"));
        auto oneToMany = desk.matchByHand(
            kAccount, { ledgerId(db, QStringLiteral("L-2")), ledgerId(db, QStringLiteral("L-4")) }, { both });
        QVERIFY2(oneToMany, qPrintable(oneToMany.message()));
        QCOMPARE(difference(desk, jan.value()), 1750);
        // Ten cents short: refused without saying how to book it, then booked as rounding.
        const qint64 l3 = ledgerId(db, QStringLiteral("L-3")), three = lineId(db, QStringLiteral("ORDER 3"));
        auto unexplained = desk.matchByHand(kAccount, { l3 }, { three });
        QVERIFY(!unexplained);
        QVERIFY2(
            unexplained.message().contains(QLatin1String("differ by -0.10 EUR")), qPrintable(unexplained.message()));
        QVERIFY(!desk.matchByHand(kAccount, { l3 }, { three }, Adjustment::Kind::Rounding)); // no reason
        QVERIFY(
            desk.matchByHand(kAccount, { l3 }, { three }, Adjustment::Kind::Rounding, QStringLiteral("bank rounding")));
        QCOMPARE(difference(desk, jan.value()), -250); // within the threshold: approved at once
        QVERIFY(!desk.matchByHand(kAccount, { l3 }, { both })); // L-3 is matched already
        // The bank charge, written off within the threshold; the duplicate above it waits.
        QVERIFY(desk.writeOff(kAccount, { RowSide::Statement, lineId(db, QStringLiteral("ACCOUNT FEE")) },
            QStringLiteral("bank's account fee")));
        QCOMPARE(difference(desk, jan.value()), 0);
        auto duplicate = desk.writeOff(
            kAccount, { RowSide::Ledger, ledgerId(db, QStringLiteral("L-5")) }, QStringLiteral("booked twice"));
        QVERIFY2(duplicate, qPrintable(duplicate.message()));
        auto summary = desk.summary(jan.value());
        QCOMPARE(summary->pendingApprovals, 1);
        QCOMPARE(summary->differenceMinor, -1000); // its row is matched, its write-off not approved
        auto early = desk.signOff(jan.value());
        QVERIFY(!early);
        QVERIFY2(early.message().contains(QLatin1String("-10.00 EUR")), qPrintable(early.message()));
        QVERIFY2(early.message().contains(QLatin1String("approval")), qPrintable(early.message()));

        // Four eyes: fiona proposed it, so fiona cannot approve it; frank can.
        auto own = desk.approve(duplicate.value());
        QVERIFY(!own);
        QVERIFY2(own.message().contains(QLatin1String("four eyes")), qPrintable(own.message()));
        QCOMPARE(lastAction(db), QStringLiteral("reconcile.approve.refused"));
        QVERIFY(second.approve(duplicate.value(), QStringLiteral("checked the duplicate")));
        QVERIFY(!second.approve(duplicate.value())); // decided already
        QCOMPARE(difference(desk, jan.value()), 0);
        QCOMPARE(desk.summary(jan.value())->pendingApprovals, 0);

        QVERIFY(desk.signOff(jan.value()));
        QVERIFY(desk.period(jan.value())->signedOff);
        auto audit = AuditLog(db).entriesFor(QStringLiteral("period:%1").arg(jan.value()));
        QCOMPARE(audit->last().action, QStringLiteral("period.sign_off"));
        QCOMPARE(audit->last().actor, QStringLiteral("fiona"));

        // Locked: no change to its matches, lines, balances or exceptions, by any route.
        const qint64 match = ReconciliationStore(db).matchOf(kAccount, { RowSide::Ledger, l3 }).value();
        for (const Status &refused : { desk.unmatch(match, QStringLiteral("oops")),
                 desk.setBalances(jan.value(), 10000, 18800, QStringLiteral("typo")),
                 desk.split(three, { 1000, 1000 }, QStringLiteral("two orders")).status(),
                 desk.setException(
                     kAccount, { RowSide::Ledger, l1 }, RowException::State::Resolved, QStringLiteral("fine"), {}) }) {
            QVERIFY(!refused);
            QVERIFY2(refused.message().contains(QLatin1String("signed off")), qPrintable(refused.message()));
        }
        auto rerun = ReconciliationService(db, kFiona)
                         .reconcile(kAccount, QDate(2025, 1, 15), QDate(2025, 2, 28), MatchRules::defaults(), false);
        QVERIFY(!rerun);
        QVERIFY2(rerun.message().contains(QLatin1String("Reconcile from 2025-02-01")), qPrintable(rerun.message()));
        auto again = StatementService(db, kFiona).importFile(writeFile(dir, QStringLiteral("jan2.sta"), kJanuaryAgain));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->stored.lockedSkipped, 1);
        QCOMPARE(again->stored.linesImported, 0);
        QCOMPARE(lineId(db, QStringLiteral("ORDER 8")), -1);
        QCOMPARE(difference(desk, jan.value()), 0);

        // The next period opens at January's closing; a gap, an overlap or another opening is refused.
        QVERIFY(!desk.openPeriod(kAccount, QStringLiteral("EUR"), QDate(2025, 2, 2), QDate(2025, 2, 28)));
        QVERIFY(!desk.openPeriod(kAccount, QStringLiteral("EUR"), QDate(2025, 1, 31), QDate(2025, 2, 28)));
        auto otherOpening
            = desk.openPeriod(kAccount, QStringLiteral("EUR"), QDate(2025, 2, 1), QDate(2025, 2, 28), 9999);
        QVERIFY(!otherOpening);
        QVERIFY2(otherOpening.message().contains(QLatin1String("187.50 EUR")), qPrintable(otherOpening.message()));
        auto feb = desk.openPeriod(kAccount, QStringLiteral("EUR"), QDate(2025, 2, 1), QDate(2025, 2, 28));
        QVERIFY2(feb, qPrintable(feb.message()));
        QCOMPARE(desk.period(feb.value())->openingMinor, 18750);
        QCOMPARE(desk.period(feb.value())->closingMinor, 19450);
        QCOMPARE(desk.period(feb.value())->balancesFrom, QStringLiteral("previous"));

        // Reopened with a reason, January takes changes again.
        QVERIFY(!desk.reopen(jan.value(), {}));
        QVERIFY(desk.reopen(jan.value(), QStringLiteral("the bank corrected a line")));
        QCOMPARE(AuditLog(db).entriesFor(QStringLiteral("period:%1").arg(jan.value()))->last().reason,
            QStringLiteral("the bank corrected a line"));
        QVERIFY(desk.unmatch(match, QStringLiteral("the bank corrected a line")));
        QCOMPARE(difference(desk, jan.value()), 2000); // L-3's 20.10 and its rounding no longer cleared
        QCOMPARE(AuditLog(db).verify()->firstBrokenId, 0);
        dropColleague(scratch, frank.value());
    }

    void splitAndExceptions_data() { ADD_BACKEND_ROWS(); }
    void splitAndExceptions()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QTemporaryDir dir;
        const QString loaded = load(db, dir);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));
        ReconciliationDesk desk(db, kFiona, 7);
        auto jan = desk.openPeriod(kAccount, QStringLiteral("EUR"), QDate(2025, 1, 1), QDate(2025, 1, 31));
        QVERIFY(jan);
        auto made = desk.runRules(jan.value()); // suggestions only: nothing is cleared by them
        QVERIFY2(made && made.value() > 0, qPrintable(made.message()));
        QCOMPARE(desk.summary(jan.value())->clearedMinor, 0);
        // Every row is old: all unmatched rows are open exceptions.
        QCOMPARE(desk.summary(jan.value())->openExceptions, 5 + 4);
        const qint64 both = lineId(db, QStringLiteral("ORDERS 2 AND 4"));
        QVERIFY(!desk.split(both, { 4000, 1000 }, QStringLiteral("two orders"))); // 50.00, not 60.00
        QVERIFY(!desk.split(both, { 6000 }, QStringLiteral("one part")));
        auto parts = desk.split(both, { 4000, 2000 }, QStringLiteral("two orders"));
        QVERIFY2(parts, qPrintable(parts.message()));
        QCOMPARE(parts->size(), 2);
        QVERIFY(!desk.split(both, { 3000, 3000 }, QStringLiteral("again"))); // split already
        QVERIFY(!desk.matchByHand(kAccount, { ledgerId(db, QStringLiteral("L-2")) }, { both })); // the original
        QVERIFY(desk.matchByHand(kAccount, { ledgerId(db, QStringLiteral("L-2")) }, { parts->at(0) }));
        QVERIFY(desk.matchByHand(kAccount, { ledgerId(db, QStringLiteral("L-4")) }, { parts->at(1) }));
        QCOMPARE(desk.summary(jan.value())->unmatchedStatement, 3); // INV-1, the fee, INV-3

        const RowRef fee { RowSide::Statement, lineId(db, QStringLiteral("ACCOUNT FEE")) };
        QVERIFY(!desk.setException(kAccount, fee, RowException::State::Investigating, QStringLiteral("asked"), {}));
        QVERIFY(desk.setException(kAccount, fee, RowException::State::Investigating, QStringLiteral("asked the bank"),
            QStringLiteral("frank")));
        QCOMPARE(desk.summary(jan.value())->openExceptions, 6); // investigating is still open
        QVERIFY(!desk.setException(kAccount, fee, RowException::State::Resolved, {}, {}));
        QVERIFY(desk.setException(kAccount, fee, RowException::State::Resolved,
            QStringLiteral("monthly fee, booked in "
                           "February"),
            {}));
        QCOMPARE(desk.summary(jan.value())->openExceptions, 5);
        auto audit = AuditLog(db).entriesFor(QStringLiteral("statement:%1").arg(fee.id));
        QCOMPARE(audit->last().before, QStringLiteral("investigating, assigned to frank: asked the bank"));
        QVERIFY(audit->last().after.startsWith(QLatin1String("resolved")));
        // Support only looks.
        const AccessPolicy support({ Role::Support }, QStringLiteral("sam"));
        QVERIFY(!ReconciliationDesk(db, support).writeOff(kAccount, fee, QStringLiteral("no")));
    }

    // The same rules from the command line, as a script would use them: a refusal exits 1 and
    // names the condition; the second person is another user of the machine.
    void commandLineWorksAPeriod()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("periods.sqlite"));
        const QStringList db { QStringLiteral("--database"), path };
        QCOMPARE(ctl(QStringList { QStringLiteral("migrate") } + db).code, 0);
        for (const auto &[name, text] :
            { std::pair { QStringLiteral("jan.sta"), kJanuary }, std::pair { QStringLiteral("feb.sta"), kFebruary } })
            QCOMPARE(ctl(QStringList { QStringLiteral("import"), writeFile(dir, name, text) } + db).code, 0);
        const QByteArray csv = "id,reference,amount_minor,currency,booked_on,description\n"
                               "L-1,INV-1,1000,EUR,2025-01-02,Order 1\n"
                               "L-5,INV-1 (again),1000,EUR,2025-01-02,Order 1 again\n";
        const CtlRun ledger
            = ctl(QStringList { QStringLiteral("ledger"), QStringLiteral("import"),
                      writeFile(dir, QStringLiteral("ledger.csv"), csv), QStringLiteral("--account"), kAccount }
                + db);
        QVERIFY2(ledger.code == 0, qPrintable(ledger.err));
        const QStringList jan { QStringLiteral("--account"), kAccount, QStringLiteral("--from"),
            QStringLiteral("2025-01-01"), QStringLiteral("--to"), QStringLiteral("2025-01-31") };
        QCOMPARE(ctl(QStringList { QStringLiteral("reconcile") } + jan + db).code, 0);

        const CtlRun opened = ctl(QStringList { QStringLiteral("periods"), QStringLiteral("open") } + jan + db);
        QVERIFY2(opened.code == 0, qPrintable(opened.err));
        QVERIFY2(opened.out.contains(QLatin1String("opening 100.00 EUR, closing 187.50 EUR (statement)")),
            qPrintable(opened.out));
        const CtlRun overlap
            = ctl(QStringList { QStringLiteral("periods"), QStringLiteral("open"), QStringLiteral("--account"),
                      kAccount, QStringLiteral("--from"), QStringLiteral("2025-01-15"), QStringLiteral("--to"),
                      QStringLiteral("2025-02-15") }
                + db);
        QCOMPARE(overlap.code, 1);
        QVERIFY2(overlap.err.contains(QLatin1String("overlaps period 1")), qPrintable(overlap.err));
        QCOMPARE(ctl(QStringList { QStringLiteral("periods"), QStringLiteral("threshold"), QStringLiteral("--account"),
                         kAccount, QStringLiteral("--currency"), QStringLiteral("EUR"), QStringLiteral("--amount"),
                         QStringLiteral("5.00") }
                     + db)
                     .code,
            0);
        const CtlRun confirmed = ctl(
            QStringList { QStringLiteral("match"), QStringLiteral("--above"), QStringLiteral("0.99") } + jan + db);
        QVERIFY2(confirmed.code == 0 && confirmed.out.contains(QLatin1String("Confirmed 1 ")),
            qPrintable(confirmed.out + confirmed.err));

        auto opened2 = Database::open(path);
        QVERIFY(opened2);
        const QString l5 = QString::number(ledgerId(*opened2.value(), QStringLiteral("L-5")));
        const CtlRun proposed
            = ctl(QStringList { QStringLiteral("write-off"), QStringLiteral("--account"), kAccount,
                      QStringLiteral("--ledger"), l5, QStringLiteral("--reason"), QStringLiteral("booked twice") }
                + db);
        QVERIFY2(proposed.code == 0, qPrintable(proposed.err));
        QVERIFY2(proposed.out.contains(QLatin1String("waits for a second finance user")), qPrintable(proposed.out));
        const QString adjustment = proposed.out.section(QLatin1Char(' '), 1, 1);
        const CtlRun own = ctl(QStringList { QStringLiteral("approve"), adjustment } + db);
        QCOMPARE(own.code, 1);
        QVERIFY2(own.err.contains(QLatin1String("four eyes")), qPrintable(own.err));
        const CtlRun signOff
            = ctl(QStringList { QStringLiteral("periods"), QStringLiteral("sign-off"), QStringLiteral("1") } + db);
        QCOMPARE(signOff.code, 1);
        QVERIFY2(
            signOff.err.contains(QLatin1String("The difference is")) && signOff.err.contains(QLatin1String("approval")),
            qPrintable(signOff.err));
        QProcessEnvironment colleague = QProcessEnvironment::systemEnvironment();
        colleague.insert(QStringLiteral("USER"), QStringLiteral("frank"));
        const CtlRun approved = runProgram(
            QStringLiteral(RECONSOLECTL), QStringList { QStringLiteral("approve"), adjustment } + db, colleague);
        QVERIFY2(approved.code == 0, qPrintable(approved.err));
        const CtlRun show = ctl(QStringList { QStringLiteral("periods"), QStringLiteral("show"), QStringLiteral("1"),
                                    QStringLiteral("--json") }
            + db);
        QVERIFY2(show.code == 0, qPrintable(show.err));
        const QJsonObject o = QJsonDocument::fromJson(show.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("pending_approvals")).toInt(), 0);
        QCOMPARE(o.value(QStringLiteral("opening")).toString(), QStringLiteral("100.00"));
        QVERIFY(!o.value(QStringLiteral("sign_off_blockers")).toArray().isEmpty()); // three lines still unmatched
        const CtlRun bad
            = ctl(QStringList { QStringLiteral("periods"), QStringLiteral("show"), QStringLiteral("x") } + db);
        QCOMPARE(bad.code, 2);
    }

    // On PostgreSQL the database itself refuses self-approval, whatever the client does: the
    // trigger compares the deciding session's user with the proposing one's.
    void fourEyesInTheDatabase()
    {
        if (!TestSupport::backends().contains(QStringLiteral("postgresql")))
            QSKIP("No PostgreSQL server here; the README's test command starts one.");
        SCRATCH_DATABASE(scratch, QStringLiteral("postgresql"));
        const Database &owner = *scratch.db();
        QTemporaryDir dir;
        const QString loaded = load(owner, dir);
        QVERIFY2(loaded.isEmpty(), qPrintable(loaded));
        auto fay = colleague(scratch, QStringLiteral("fay"));
        auto finn = colleague(scratch, QStringLiteral("finn"));
        QVERIFY2(fay && finn, qPrintable(fay.message() + finn.message()));
        const AccessPolicy fayPolicy({ Role::Finance }, fay->user), finnPolicy({ Role::Finance }, finn->user);
        auto proposed = ReconciliationDesk(*fay->db, fayPolicy)
                            .writeOff(kAccount, { RowSide::Ledger, ledgerId(owner, QStringLiteral("L-5")) },
                                QStringLiteral("booked twice"));
        QVERIFY2(proposed, qPrintable(proposed.message()));
        // Around the engine, straight in SQL, fay still cannot approve her own.
        QSqlQuery raw(fay->db->connection());
        QVERIFY(!raw.exec(QStringLiteral("UPDATE reconciliation_adjustments SET state = 'approved', decided_by = 'x' "
                                         "WHERE id = %1")
                              .arg(proposed.value())));
        QVERIFY2(raw.lastError().text().contains(QLatin1String("four eyes")), qPrintable(raw.lastError().text()));
        // Nor pass herself off as someone else at insert time.
        QVERIFY(raw.exec(QStringLiteral("SELECT proposed_role FROM reconciliation_adjustments WHERE id = %1")
                             .arg(proposed.value())));
        QVERIFY(raw.next());
        QCOMPARE(raw.value(0).toString(), fay->user);
        QVERIFY(ReconciliationDesk(*finn->db, finnPolicy).approve(proposed.value(), QStringLiteral("ok")));
        QSqlQuery check(owner.connection());
        QVERIFY(
            check.exec(QStringLiteral("SELECT state, decided_by, decided_role FROM reconciliation_adjustments WHERE "
                                      "id = %1")
                           .arg(proposed.value())));
        QVERIFY(check.next());
        QCOMPARE(check.value(0).toString(), QStringLiteral("approved"));
        QCOMPARE(check.value(1).toString(), finn->user);
        QCOMPARE(check.value(2).toString(), finn->user);
        dropColleague(scratch, fay.value());
        dropColleague(scratch, finn.value());
    }
};

QTEST_GUILESS_MAIN(TestPeriods)
#include "tst_periods.moc"
