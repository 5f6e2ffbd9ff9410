// The Reconciliation workspace's read models over a real store, on SQLite and PostgreSQL, under
// QAbstractItemModelTester: the unmatched rows of each side paged by keyset, sorted by date and
// amount, filtered by text (% and _ literal) and amount, checked against the rows the fixture
// wrote; the matches of a period with their sides and adjustments; the exceptions queue.
#include "TestSupport.h"
#include "core/Money.h"
#include "operations/OperationsModel.h"
#include "reconciliation/ExceptionsModel.h"
#include "reconciliation/MatchesModel.h"
#include "reconciliation/ReconRowsModel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>

namespace {
const QString kAccount = QStringLiteral("DE89370400440532013000");
const QDate kFrom(2026, 10, 1);
const QDate kTo(2026, 10, 31);
constexpr int kLedgerRows = 700; // in the period: three pages and a bit
constexpr int kStatementRows = 600;

struct Row
{
    qint64 id = 0;
    QDate day;
    qint64 amount = 0;
    QString reference;
    QString counterparty;
};

struct Fixture
{
    QList<Row> ledger; // the period's rows that are unmatched (or only suggested)
    QList<Row> statement;
    qint64 suggestedLedger = 0; // in the last run's unconfirmed match
    qint64 suggestedStatement = 0;
    qint64 confirmedMatch = 0;
    qint64 suggestedMatch = 0;
    qint64 percentRow = 0; // reference "50%_OFF"
};

bool exec(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    *error = q.lastError().text() + QStringLiteral(" in ") + q.lastQuery();
    return false;
}

qint64 insertLedger(const Database &db, const QString &account, const QDate &day, qint64 amount,
    const QString &currency, const QString &reference, const QString &counterparty, QString *error)
{
    static int serial = 0;
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral(
        "INSERT INTO ledger_entries (entry_id, account, booked_on, amount_minor, currency, exponent, reference, "
        "counterparty, description, source, fingerprint, created_at, created_by) VALUES (?, ?, ?, ?, ?, 2, ?, ?, ?, "
        "'import', 'f', 0, 'test')"));
    const QString entry = QStringLiteral("E-%1").arg(++serial);
    for (const QVariant &v : QVariantList { entry, account, day.toString(Qt::ISODate), amount, currency, reference,
             sqlText(counterparty), QStringLiteral("ledger row %1").arg(reference) })
        q.addBindValue(v);
    if (!exec(q, error))
        return 0;
    QSqlQuery id(db.connection());
    id.prepare(QStringLiteral("SELECT id FROM ledger_entries WHERE entry_id = ?"));
    id.addBindValue(entry);
    return exec(id, error) && id.next() ? id.value(0).toLongLong() : 0;
}

qint64 insertLine(const Database &db, qint64 statementId, const QString &account, const QDate &day, qint64 amount,
    const QString &currency, const QString &reference, const QString &counterparty, bool split, QString *error)
{
    static int serial = 0;
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral(
        "INSERT INTO statement_lines (statement_id, account, identity, booking_date, value_date, amount_minor, "
        "currency, exponent, end_to_end_id, counterparty_name, description, is_split) VALUES (?, ?, ?, ?, ?, ?, ?, 2, "
        "?, ?, ?, ?)"));
    const QString identity = QStringLiteral("L-%1").arg(++serial);
    for (const QVariant &v :
        QVariantList { statementId, account, identity, day.toString(Qt::ISODate), day.toString(Qt::ISODate), amount,
            currency, reference, sqlText(counterparty), QStringLiteral("line %1").arg(reference), split ? 1 : 0 })
        q.addBindValue(v);
    if (!exec(q, error))
        return 0;
    QSqlQuery id(db.connection());
    id.prepare(QStringLiteral("SELECT id FROM statement_lines WHERE account = ? AND identity = ?"));
    id.addBindValue(account);
    id.addBindValue(identity);
    return exec(id, error) && id.next() ? id.value(0).toLongLong() : 0;
}

qint64 insertMatch(const Database &db, qint64 runId, const QString &rule, double score, bool confirmed,
    const QDate &cleared, const QList<qint64> &ledger, const QList<qint64> &statement, QString *error)
{
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral(
        "INSERT INTO reconciliation_matches (run_id, account, rule, score, why, currency, first_day, last_day, "
        "confirmed_by, confirmed_at, created_at, cleared_on) VALUES (?, ?, ?, ?, ?, 'EUR', ?, ?, ?, ?, 0, ?)"));
    for (const QVariant &v : QVariantList { runId, kAccount, rule, score, QStringLiteral("because %1").arg(rule),
             cleared.toString(Qt::ISODate), cleared.toString(Qt::ISODate),
             confirmed ? QVariant(QStringLiteral("anna")) : QVariant(QMetaType(QMetaType::QString)),
             confirmed ? QVariant(qint64(1'790'000'000'000)) : QVariant(QMetaType(QMetaType::LongLong)),
             cleared.toString(Qt::ISODate) })
        q.addBindValue(v);
    if (!exec(q, error))
        return 0;
    QSqlQuery id(db.connection());
    if (!id.exec(QStringLiteral("SELECT MAX(id) FROM reconciliation_matches")) || !id.next())
        return 0;
    const qint64 matchId = id.value(0).toLongLong();
    for (int side = 0; side < 2; ++side) {
        for (qint64 row : side == 0 ? ledger : statement) {
            QSqlQuery r(db.connection());
            r.prepare(QStringLiteral(
                "INSERT INTO reconciliation_match_rows (match_id, account, side, row_id) VALUES (?, ?, ?, ?)"));
            for (const QVariant &v : QVariantList {
                     matchId, kAccount, side == 0 ? QStringLiteral("ledger") : QStringLiteral("statement"), row })
                r.addBindValue(v);
            if (!exec(r, error))
                return 0;
        }
    }
    return matchId;
}

// Amounts all different in absolute value, half of them negative, in no order of date or id.
qint64 amountOf(int i)
{
    const qint64 magnitude = 1000 + (i * 7919) % 100000 * 10 + i % 10;
    return i % 2 ? -magnitude : magnitude;
}

bool fill(const Database &db, Fixture &f, QString *error)
{
    Transaction tx(db.connection());
    QSqlQuery s(db.connection());
    s.prepare(QStringLiteral("INSERT INTO statements (account, reference, format, file_name, currency, imported_at, "
                             "imported_by) VALUES (?, 'STMT-1', 'camt053', 'stmt.xml', 'EUR', 0, 'test')"));
    s.addBindValue(kAccount);
    if (!exec(s, error) || !s.exec(QStringLiteral("SELECT MAX(id) FROM statements")) || !s.next())
        return false;
    const qint64 statementId = s.value(0).toLongLong();
    for (int i = 0; i < kLedgerRows; ++i) {
        Row r { 0, kFrom.addDays((i * 13) % 31), amountOf(i), QStringLiteral("INV-%1").arg(i, 4, 10, QLatin1Char('0')),
            QStringLiteral("Customer %1").arg(i % 50) };
        if (i == 77)
            r.reference = QStringLiteral("50%_OFF");
        r.id = insertLedger(db, kAccount, r.day, r.amount, QStringLiteral("EUR"), r.reference, r.counterparty, error);
        if (!r.id)
            return false;
        if (i == 77)
            f.percentRow = r.id;
        f.ledger << r;
    }
    for (int i = 0; i < kStatementRows; ++i) {
        Row r { 0, kFrom.addDays((i * 17) % 31), amountOf(i + 5000), QStringLiteral("E2E-%1").arg(i),
            QStringLiteral("Payer %1").arg(i % 40) };
        r.id = insertLine(db, statementId, kAccount, r.day, r.amount, QStringLiteral("EUR"), r.reference,
            r.counterparty, false, error);
        if (!r.id)
            return false;
        f.statement << r;
    }
    // Around the period: outside its dates, another currency, another account, a split original.
    const QString eur = QStringLiteral("EUR");
    if (!insertLedger(db, kAccount, kFrom.addDays(-1), 100, eur, QStringLiteral("INV-BEFORE"), {}, error)
        || !insertLedger(db, kAccount, kTo.addDays(1), 100, eur, QStringLiteral("INV-AFTER"), {}, error)
        || !insertLedger(db, kAccount, kFrom, 100, QStringLiteral("USD"), QStringLiteral("INV-USD"), {}, error)
        || !insertLedger(db, QStringLiteral("OTHER"), kFrom, 100, eur, QStringLiteral("INV-OTHER"), {}, error)
        || !insertLine(db, statementId, kAccount, kFrom, 100, eur, QStringLiteral("E2E-SPLIT"), {}, true, error))
        return false;

    QSqlQuery run(db.connection());
    run.prepare(QStringLiteral("INSERT INTO reconciliation_runs (account, from_date, to_date, rules, matches, "
                               "confirmed_kept, unmatched_ledger, unmatched_statement, difference, ran_at, ran_by) "
                               "VALUES (?, '2026-10-01', '2026-10-31', '{}', 2, 0, 0, 0, '{}', 0, 'test')"));
    run.addBindValue(kAccount);
    if (!exec(run, error) || !run.exec(QStringLiteral("SELECT MAX(id) FROM reconciliation_runs")) || !run.next())
        return false;
    const qint64 runId = run.value(0).toLongLong();
    // A confirmed one-to-many match takes three rows out of the tables; a suggestion leaves its two in.
    const Row l0 = f.ledger.takeAt(0);
    const Row s0 = f.statement.takeAt(0);
    const Row s1 = f.statement.takeAt(0);
    f.confirmedMatch = insertMatch(
        db, runId, QStringLiteral("grouped"), 1.0, true, kFrom.addDays(3), { l0.id }, { s0.id, s1.id }, error);
    f.suggestedLedger = f.ledger.at(5).id;
    f.suggestedStatement = f.statement.at(5).id;
    f.suggestedMatch = insertMatch(db, runId, QStringLiteral("tolerance"), 0.85, false, kFrom.addDays(9),
        { f.suggestedLedger }, { f.suggestedStatement }, error);
    if (!f.confirmedMatch || !f.suggestedMatch)
        return false;
    QSqlQuery a(db.connection());
    a.prepare(QStringLiteral(
        "INSERT INTO reconciliation_adjustments (account, currency, kind, amount_minor, match_id, day, reason, state, "
        "proposed_by, proposed_at) VALUES (?, 'EUR', 'fee', 250, ?, '2026-10-04', 'bank fee', 'pending', 'anna', 0)"));
    a.addBindValue(kAccount);
    a.addBindValue(f.confirmedMatch);
    if (!exec(a, error))
        return false;
    return tx.commit();
}

ReconciliationPeriod period()
{
    ReconciliationPeriod p;
    p.id = 1;
    p.account = kAccount;
    p.currency = QStringLiteral("EUR");
    p.from = kFrom;
    p.to = kTo;
    return p;
}

template <typename Model> void fetchAll(Model &model)
{
    while (model.canFetchMore({}))
        model.fetchMore({});
}

QList<qint64> idsOf(const ReconRowsModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.data(model.index(row, 0), ReconRowsModel::RowIdRole).toLongLong();
    return ids;
}

QList<qint64> expected(QList<Row> rows, bool byAmount, bool descending, const std::function<bool(const Row &)> &keep)
{
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const Row &r) { return !keep(r); }), rows.end());
    std::sort(rows.begin(), rows.end(), [&](const Row &a, const Row &b) {
        const auto ka = byAmount ? std::pair<qint64, qint64>(a.amount, a.id)
                                 : std::pair<qint64, qint64>(a.day.toJulianDay(), a.id);
        const auto kb = byAmount ? std::pair<qint64, qint64>(b.amount, b.id)
                                 : std::pair<qint64, qint64>(b.day.toJulianDay(), b.id);
        return descending ? kb < ka : ka < kb;
    });
    QList<qint64> ids;
    for (const Row &r : rows)
        ids << r.id;
    return ids;
}

bool any(const Row &)
{
    return true;
}
} // namespace

class TestReconciliationModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unmatchedRows_data() { ADD_BACKEND_ROWS(); }
    void unmatchedRows()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        Fixture f;
        QString error;
        QVERIFY2(fill(*scratch.db(), f, &error), qPrintable(error));

        for (RowSide side : { RowSide::Ledger, RowSide::Statement }) {
            const QList<Row> &rows = side == RowSide::Ledger ? f.ledger : f.statement;
            ReconRowsModel model(scratch.db(), side);
            QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
            QCOMPARE(model.rowCount(), 0); // no period: nothing
            QVERIFY(!model.canFetchMore({}));
            model.setPeriod(period());
            QVERIFY2(model.lastError().isEmpty(), qPrintable(model.lastError()));
            // The first page, then page by page to the end, in date order.
            QCOMPARE(model.rowCount(), ReconRowsModel::kPageSize);
            QVERIFY(model.canFetchMore({}));
            fetchAll(model);
            QCOMPARE(idsOf(model), expected(rows, false, false, any));
            QCOMPARE(model.countUpTo(100000).value_or(-1), qint64(rows.size()));
            QCOMPARE(model.countUpTo(10).value_or(-1), qint64(10));

            // The suggested row is listed, with its rule and score; the confirmed match's rows are not.
            const qint64 suggested = side == RowSide::Ledger ? f.suggestedLedger : f.suggestedStatement;
            const int at = model.rowOf(suggested);
            QVERIFY(at >= 0);
            QVERIFY(model.data(model.index(at, 0), ReconRowsModel::SuggestedRole).toBool());
            QCOMPARE(
                model.index(at, int(ReconColumn::Suggestion)).data().toString(), QStringLiteral("tolerance · 0.85"));
            QVERIFY(!model.data(model.index(at == 0 ? 1 : 0, 0), ReconRowsModel::SuggestedRole).toBool());
            const ReconRow *first = model.rowAt(0);
            QVERIFY(first);
            QCOMPARE(model.index(0, int(ReconColumn::Amount)).data().toString(),
                OperationsModel::formatAmount(first->amountMinor, QStringLiteral("EUR"), QLocale()));

            // Sorted by amount, both ways, and by date descending: every page follows on.
            for (auto [column, order] : { std::pair { ReconColumn::Amount, Qt::AscendingOrder },
                     std::pair { ReconColumn::Amount, Qt::DescendingOrder },
                     std::pair { ReconColumn::Date, Qt::DescendingOrder } }) {
                model.sort(int(column), order);
                fetchAll(model);
                QCOMPARE(
                    idsOf(model), expected(rows, column == ReconColumn::Amount, order == Qt::DescendingOrder, any));
            }
            model.sort(int(ReconColumn::Reference), Qt::AscendingOrder); // no index: the order stays
            QCOMPARE(model.sortOrder().column, ReconColumn::Date);

            // Text: in reference, counterparty or description, case-insensitive.
            const QString who = side == RowSide::Ledger ? QStringLiteral("customer 7") : QStringLiteral("payer 7");
            model.setFilter({ who, {} });
            fetchAll(model);
            QCOMPARE(idsOf(model), expected(rows, false, true, [&](const Row &r) {
                return r.counterparty.contains(who, Qt::CaseInsensitive);
            }));
            QVERIFY(model.rowCount() > 0);
            // Text most rows hold: pages along the date index, then (the span read) by the filter.
            const QString most = side == RowSide::Ledger ? QStringLiteral("inv-0") : QStringLiteral("e2e-");
            model.setFilter({ most, {} });
            QCOMPARE(model.rowCount(), ReconRowsModel::kPageSize);
            fetchAll(model);
            QCOMPARE(idsOf(model), expected(rows, false, true, [&](const Row &r) {
                return r.reference.startsWith(most, Qt::CaseInsensitive);
            }));
            // Amount: either sign, a range.
            const Row probe = rows.at(42);
            model.setFilter({ {}, *AmountFilter::parse(Money::formatMajor(qAbs(probe.amount), 2), 2) });
            QCOMPARE(idsOf(model),
                expected(rows, false, true, [&](const Row &r) { return qAbs(r.amount) == qAbs(probe.amount); }));
            QCOMPARE(model.rowCount(), 1);
            model.setFilter({ {}, *AmountFilter::parse(QStringLiteral("-500..500.00"), 2) });
            fetchAll(model);
            QCOMPARE(idsOf(model),
                expected(rows, false, true, [](const Row &r) { return r.amount >= -50000 && r.amount <= 50000; }));
            model.setFilter({ QStringLiteral("zzz-nothing"), {} });
            QCOMPARE(model.rowCount(), 0);
            QVERIFY(!model.canFetchMore({}));
        }
    }

    void likeIsLiteral_data() { ADD_BACKEND_ROWS(); }
    void likeIsLiteral()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        Fixture f;
        QString error;
        QVERIFY2(fill(*scratch.db(), f, &error), qPrintable(error));
        ReconRowsModel model(scratch.db(), RowSide::Ledger);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPeriod(period());
        model.setFilter({ QStringLiteral("%_"), {} }); // as wildcards these would match every row
        QCOMPARE(idsOf(model), QList<qint64> { f.percentRow });
        model.setFilter({ QStringLiteral("inv-00_1"), {} });
        QCOMPARE(model.rowCount(), 0);
    }

    // RECONSOLE_RECON_BENCH_ROWS=1000000: the tables at scale, each step timed against the
    // issue's targets (first page 100 ms, filter and sort 150 ms). Skipped otherwise: filling
    // takes a minute.
    void speedAtScale_data() { ADD_BACKEND_ROWS(); }
    void speedAtScale()
    {
        const int n = qEnvironmentVariableIntValue("RECONSOLE_RECON_BENCH_ROWS");
        if (n <= 0)
            QSKIP("Set RECONSOLE_RECON_BENCH_ROWS to time the models at scale.");
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        const bool pg = backend == QLatin1String("postgresql");
        const QString series
            = pg ? QStringLiteral("generate_series(1::bigint, %1) AS n(i)").arg(n) : QStringLiteral("n");
        const QString with = pg ? QString()
                                : QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                                                 "i < %1) ")
                                      .arg(n);
        const QString day = pg ? QStringLiteral("to_char(DATE '2026-10-01' + (i %% 31)::int, 'YYYY-MM-DD')")
                               : QStringLiteral("date('2026-10-01', '+' || (i %% 31) || ' days')");
        const QString dayExpr = QString(day).replace(QStringLiteral("%%"), QStringLiteral("%"));
        const QString pad = pg ? QStringLiteral("lpad(i::text, 7, '0')") : QStringLiteral("printf('%07d', i)");
        QSqlQuery q(db.connection());
        QElapsedTimer fill;
        fill.start();
        QVERIFY2(q.exec(QStringLiteral("INSERT INTO statements (account, reference, format, file_name, currency, "
                                       "imported_at, imported_by) VALUES ('%1', 'S', 'camt053', 'f', 'EUR', 0, 't')")
                            .arg(kAccount)),
            qPrintable(q.lastError().text()));
        QVERIFY2(q.exec(with
                     + QStringLiteral(
                         "INSERT INTO ledger_entries (entry_id, account, booked_on, amount_minor, currency, "
                         "exponent, reference, counterparty, description, source, fingerprint, created_at, "
                         "created_by) SELECT 'E' || i, '%1', %2, (i * 7919) %% 2000000 - 1000000, 'EUR', 2, "
                         "'INV-' || %3, 'Customer ' || (i %% 997), 'Invoice ' || i, 'import', 'f', 0, 't' FROM %4")
                           .arg(kAccount, dayExpr, pad, series)
                           .replace(QStringLiteral("%%"), QStringLiteral("%"))),
            qPrintable(q.lastError().text()));
        QVERIFY2(q.exec(with
                     + QStringLiteral("INSERT INTO statement_lines (statement_id, account, identity, booking_date, "
                                      "value_date, amount_minor, currency, exponent, end_to_end_id, counterparty_name, "
                                      "description) SELECT 1, '%1', 'I' || i, %2, %2, (i * 7919) %% 2000000 - 1000000, "
                                      "'EUR', 2, 'INV-' || %3, 'Payer ' || (i %% 991), 'Payment ' || i FROM %4")
                           .arg(kAccount, dayExpr, pad, series)
                           .replace(QStringLiteral("%%"), QStringLiteral("%"))),
            qPrintable(q.lastError().text()));
        if (pg)
            QVERIFY(q.exec(QStringLiteral("ANALYZE")));
        qInfo("filled %d rows per side in %lld ms", n, fill.elapsed());

        ReconRowsModel model(scratch.db(), RowSide::Statement);
        QElapsedTimer t;
        auto step = [&](const char *what, qint64 targetMs, const std::function<void()> &run) {
            t.start();
            run();
            const qint64 ms = t.elapsed();
            qInfo("%s: %lld ms (%d rows; target %lld ms)", what, ms, model.rowCount(), targetMs);
            return ms;
        };
        QList<std::pair<const char *, qint64>> slow;
        auto check = [&](const char *what, qint64 targetMs, const std::function<void()> &run) {
            if (step(what, targetMs, run) > targetMs)
                slow << std::pair { what, targetMs };
        };
        check("first page", 100, [&] { model.setPeriod(period()); });
        check("next page", 100, [&] { model.fetchMore({}); });
        check("sort by amount", 150, [&] { model.sort(int(ReconColumn::Amount), Qt::AscendingOrder); });
        check("sort by amount, descending", 150, [&] { model.sort(int(ReconColumn::Amount), Qt::DescendingOrder); });
        check("sort by date, descending", 150, [&] { model.sort(int(ReconColumn::Date), Qt::DescendingOrder); });
        check("filter by amount", 150, [&] {
            model.setFilter({ {}, *AmountFilter::parse(QStringLiteral("123.45"), 2) });
        });
        check("filter by common text", 150, [&] { model.setFilter({ QStringLiteral("payer 7"), {} }); });
        check("filter by rare text", 150, [&] { model.setFilter({ QStringLiteral("INV-0424242"), {} }); });
        check("filter by absent text", 150, [&] { model.setFilter({ QStringLiteral("no such text"), {} }); });
        for (const auto &[what, target] : slow)
            qWarning("slower than %lld ms: %s", target, what);
    }

    void amountFilterParses()
    {
        QCOMPARE(AmountFilter::parse(QString(), 2)->isEmpty(), true);
        const auto exact = AmountFilter::parse(QStringLiteral("1,200.50"), 2);
        QVERIFY(exact && exact->eitherSign && exact->minMinor == 120050 && exact->maxMinor == 120050);
        const auto negative = AmountFilter::parse(QStringLiteral("-12.5"), 2);
        QVERIFY(negative && !negative->eitherSign && negative->minMinor == -1250);
        const auto comma = AmountFilter::parse(QStringLiteral("12,50"), 2);
        QVERIFY(comma && comma->minMinor == 1250);
        const auto range = AmountFilter::parse(QStringLiteral("100..200"), 2);
        QVERIFY(range && range->minMinor == 10000 && range->maxMinor == 20000 && !range->eitherSign);
        const auto above = AmountFilter::parse(QStringLiteral(">1000"), 0);
        QVERIFY(above && above->minMinor == 1001 && !above->maxMinor);
        const auto atMost = AmountFilter::parse(QStringLiteral("<=5"), 2);
        QVERIFY(atMost && atMost->maxMinor == 500 && !atMost->minMinor);
        QVERIFY(!AmountFilter::parse(QStringLiteral("abc"), 2));
        QVERIFY(!AmountFilter::parse(QStringLiteral("200..100"), 2));
        QVERIFY(!AmountFilter::parse(QStringLiteral("1.234"), 2)); // more decimals than EUR has
    }

    void matches_data() { ADD_BACKEND_ROWS(); }
    void matches()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        Fixture f;
        QString error;
        QVERIFY2(fill(*scratch.db(), f, &error), qPrintable(error));
        MatchesModel model(scratch.db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPeriod(period());
        QCOMPARE(model.rowCount(), 1); // confirmed only
        const MatchListRow *m = model.rowAt(0);
        QVERIFY(m);
        QCOMPARE(m->id, f.confirmedMatch);
        QCOMPARE(m->ledger.size(), 1);
        QCOMPARE(m->statement.size(), 2);
        QCOMPARE(m->statementMinor(), amountOf(5000) + amountOf(5001));
        QCOMPARE(model.index(0, int(MatchColumn::State)).data().toString(), QStringLiteral("Confirmed"));
        QCOMPARE(model.index(0, int(MatchColumn::ConfirmedBy)).data().toString(), QStringLiteral("anna"));
        QVERIFY(model.index(0, int(MatchColumn::Adjustment))
                    .data()
                    .toString()
                    .contains(QStringLiteral("awaiting approval")));
        QCOMPARE(
            model.data(model.index(0, 0), MatchesModel::AdjustmentStateRole).toInt(), int(Adjustment::State::Pending));
        model.setShowSuggestions(true);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowAt(1)->id, f.suggestedMatch); // cleared later
        QCOMPARE(model.index(1, int(MatchColumn::State)).data().toString(), QStringLiteral("Suggested"));
        model.sort(int(MatchColumn::ClearedOn), Qt::DescendingOrder);
        QCOMPARE(model.rowAt(0)->id, f.suggestedMatch);
        ReconciliationPeriod november = period();
        november.from = kTo.addDays(1);
        november.to = kTo.addDays(30);
        model.setPeriod(november);
        QCOMPARE(model.rowCount(), 0);
    }

    void manyMatchesPage_data() { ADD_BACKEND_ROWS(); }
    void manyMatchesPage()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        Fixture f;
        QString error;
        QVERIFY2(fill(*scratch.db(), f, &error), qPrintable(error));
        // 300 more confirmed one-to-one matches: two pages, each match with its own rows.
        {
            Transaction tx(scratch.db()->connection());
            for (int i = 10; i < 310; ++i)
                QVERIFY2(insertMatch(*scratch.db(), 1, QStringLiteral("exact"), 1.0, true, f.ledger.at(i).day,
                             { f.ledger.at(i).id }, { f.statement.at(i).id }, &error),
                    qPrintable(error));
            QVERIFY(tx.commit());
        }
        MatchesModel model(scratch.db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPeriod(period());
        QCOMPARE(model.rowCount(), MatchesModel::kPageSize);
        fetchAll(model);
        QCOMPARE(model.rowCount(), 301);
        QSet<qint64> seen;
        for (int row = 0; row < model.rowCount(); ++row) {
            const MatchListRow *m = model.rowAt(row);
            QVERIFY(!seen.contains(m->id));
            seen.insert(m->id);
            if (row > 0)
                QVERIFY(model.rowAt(row - 1)->clearedOn <= m->clearedOn);
            QVERIFY(!m->ledger.isEmpty() && !m->statement.isEmpty());
        }
    }

    void exceptions_data() { ADD_BACKEND_ROWS(); }
    void exceptions()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        Fixture f;
        QString error;
        QVERIFY2(fill(*scratch.db(), f, &error), qPrintable(error));
        ExceptionsModel model(scratch.db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // As of 2026-10-20 with an age of 7 days: rows booked before the 13th.
        model.setAge(7, QDate(2026, 10, 20));
        model.setPeriod(period());
        fetchAll(model);
        QList<std::pair<QDate, qint64>> want;
        for (int side = 0; side < 2; ++side)
            for (const Row &r : side == 0 ? f.ledger : f.statement)
                if (r.day < QDate(2026, 10, 13))
                    want << std::pair { r.day, side * 1'000'000'000LL + r.id };
        std::sort(want.begin(), want.end());
        QCOMPARE(model.rowCount(), want.size());
        for (int row = 0; row < model.rowCount(); ++row) {
            const ReconRow *r = model.rowAt(row);
            QCOMPARE(std::pair(r->day, (r->side == RowSide::Statement ? 1'000'000'000LL : 0) + r->id), want.at(row));
            QCOMPARE(r->exceptionState, RowException::State::Open);
        }
        // One is being investigated, another resolved: the states filter them.
        const ReconRow investigated = *model.rowAt(3);
        const ReconRow resolved = *model.rowAt(4);
        for (const auto &[row, state] : { std::pair { investigated, QStringLiteral("investigating") },
                 std::pair { resolved, QStringLiteral("resolved") } }) {
            QSqlQuery q(scratch.db()->connection());
            q.prepare(QStringLiteral("INSERT INTO reconciliation_exceptions (account, side, row_id, state, note, "
                                     "assignee, updated_by, updated_at) VALUES (?, ?, ?, ?, 'asked the bank', 'ben', "
                                     "'anna', 0)"));
            for (const QVariant &v : QVariantList { kAccount, rowSideName(row.side), row.id, state })
                q.addBindValue(v);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        model.setStates({ RowException::State::Open, RowException::State::Investigating });
        fetchAll(model);
        QCOMPARE(model.rowCount(), want.size() - 1);
        const int at = model.rowOf(investigated.ref());
        QVERIFY(at >= 0);
        QCOMPARE(model.index(at, int(ExceptionColumn::State)).data().toString(), QStringLiteral("Investigating"));
        QCOMPARE(model.index(at, int(ExceptionColumn::Assignee)).data().toString(), QStringLiteral("ben"));
        QCOMPARE(model.index(at, int(ExceptionColumn::Note)).data().toString(), QStringLiteral("asked the bank"));
        QCOMPARE(model.rowOf(resolved.ref()), -1);
        model.setStates({ RowException::State::Resolved });
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowAt(0)->id, resolved.id);
        // Younger than the age: no exception at all.
        model.setStates({});
        model.setAge(7, QDate(2026, 10, 5));
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestReconciliationModels)
#include "tst_reconciliationmodels.moc"
