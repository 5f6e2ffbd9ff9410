// The windowed operations model over a real store: paging, jumping, filtering and sorting
// in SQL, checked against plain SQL, under QAbstractItemModelTester.
#include "TestSupport.h"
#include "operations/OperationStore.h"
#include "operations/OperationsModel.h"
#include "operations/OperationsPageLoader.h"
#include "sandbox/DemoData.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <atomic>

namespace {
constexpr int kRows = 3000;

qint64 sqlScalar(const Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

bool waitReady(OperationsModel &model)
{
    QSignalSpy ready(&model, &OperationsModel::ready);
    return ready.wait(20000);
}
} // namespace

class TestOperationsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pagesFiltersAndSorts_data() { ADD_BACKEND_ROWS(); }
    void pagesFiltersAndSorts()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QVERIFY(OperationStore(db).insertMany(DemoData().operations(kRows)));

        OperationsModel model(scratch.db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(waitReady(model));
        QCOMPARE(model.rowCount(), kRows);
        QCOMPARE(model.columnCount(), static_cast<int>(OperationsColumn::Count));

        // Newest first: the first row is the highest created_at.
        const qint64 newest
            = sqlScalar(db, QStringLiteral("SELECT id FROM operations ORDER BY created_at DESC, id DESC LIMIT 1"));
        QCOMPARE(model.data(model.index(0, 0), OperationsModel::OperationIdRole).toLongLong(), newest);

        // Jump far down: the row shows "…" until its page arrives, then the right operation.
        const int far = 2500;
        if (!model.isRowLoaded(far)) {
            QCOMPARE(model.data(model.index(far, 0)).toString(), QStringLiteral("…"));
            QTRY_VERIFY_WITH_TIMEOUT(model.isRowLoaded(far), 20000);
        }
        const qint64 expected = sqlScalar(db,
            QStringLiteral("SELECT id FROM operations ORDER BY created_at DESC, id DESC "
                           "LIMIT 1 OFFSET %1")
                .arg(far));
        QCOMPARE(model.operationIdAt(far), expected);
        // The page just before it, loaded afterwards, joins up exactly.
        model.data(model.index(far - OperationsModel::kPageSize(), 0));
        QTRY_VERIFY_WITH_TIMEOUT(model.isRowLoaded(far - OperationsModel::kPageSize()), 20000);
        QCOMPARE(model.operationIdAt(far - OperationsModel::kPageSize()),
            sqlScalar(db,
                QStringLiteral("SELECT id FROM operations ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET %1")
                    .arg(far - OperationsModel::kPageSize())));

        // Filter: everything needing action.
        OperationsFilter failed;
        failed.states = OperationStates::needingAction();
        model.setFilter(failed);
        QVERIFY(waitReady(model));
        const qint64 failing = sqlScalar(db,
            QStringLiteral("SELECT COUNT(*) FROM operations WHERE state IN "
                           "('retry_scheduled','failed_permanent','unknown_outcome',"
                           "'needs_attention')"));
        QVERIFY(failing > 50);
        QCOMPARE(model.rowCount(), static_cast<int>(failing));
        for (int row = 0; row < qMin(model.rowCount(), OperationsModel::kPageSize()); ++row) {
            const auto state
                = static_cast<OperationState>(model.data(model.index(row, 0), OperationsModel::StateRole).toInt());
            QVERIFY(OperationStates::needingAction().contains(state));
        }

        // Sort the filtered rows by attempts, most first.
        model.sort(static_cast<int>(OperationsColumn::Attempts), Qt::DescendingOrder);
        QVERIFY(waitReady(model));
        QCOMPARE(model.rowCount(), static_cast<int>(failing));
        int previous = std::numeric_limits<int>::max();
        for (int row = 0; row < qMin(model.rowCount(), OperationsModel::kPageSize()); ++row) {
            const int attempts = model.data(model.index(row, static_cast<int>(OperationsColumn::Attempts))).toInt();
            QVERIFY(attempts <= previous);
            previous = attempts;
        }

        // Free text, case-insensitive on both databases.
        OperationsFilter text;
        text.text = QStringLiteral("ord-10001");
        model.setFilter(text);
        QVERIFY(waitReady(model));
        QCOMPARE(model.rowCount(),
            static_cast<int>(sqlScalar(db,
                QStringLiteral("SELECT COUNT(*) FROM operations WHERE "
                               "entity_id LIKE 'ORD-10001%'"))));
        QVERIFY(model.rowCount() > 0);
    }

    // Over more rows than a first page may walk: a dense filter walks the sort index, a sparse
    // one sorts its matches, as does one with many matches all far down the order; a search
    // goes through the search index; every page is the one plain SQL gives, and the count
    // arrives after the first page, growing the table.
    void plansGiveThePagesSqlGives_data() { ADD_BACKEND_ROWS(); }
    void plansGiveThePagesSqlGives()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        constexpr int kMany = 36000; // the newest kHeadSpan rows are none of the 10,000 ORD-10…
        QVERIFY(kMany > 10000 + OperationsPageLoader::kHeadSpan);
        QVERIFY(OperationStore(db).insertMany(DemoData().operations(kMany)));
        OperationsModel model(scratch.db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy firstPages(&model, &OperationsModel::firstPageReady);
        QVERIFY(waitReady(model));
        QCOMPARE(firstPages.count(), 1);
        QCOMPARE(model.rowCount(), kMany);

        auto idsAt = [&](int from, int count) {
            QList<qint64> ids;
            for (int row = from; row < from + count && row < model.rowCount(); ++row) {
                model.data(model.index(row, 0));
                if (!QTest::qWaitFor([&] { return model.isRowLoaded(row); }, 20000))
                    return QList<qint64> { -1 };
                ids << model.operationIdAt(row);
            }
            return ids;
        };
        auto sqlIds = [&](const QString &where, int offset, int count) {
            QList<qint64> ids;
            QSqlQuery q(db.connection());
            q.exec(QStringLiteral("SELECT id FROM operations %1 ORDER BY created_at DESC, id DESC LIMIT %2 OFFSET %3")
                       .arg(where)
                       .arg(count)
                       .arg(offset));
            while (q.next())
                ids << q.value(0).toLongLong();
            return ids;
        };
        const struct
        {
            OperationsFilter filter;
            QString where;
        } cases[] = {
            { OperationsFilter { { OperationState::Succeeded }, {}, {}, {} },
                QStringLiteral("WHERE state = 'succeeded'") },
            { OperationsFilter { OperationStates::needingAction(), {}, {}, {} },
                QStringLiteral(
                    "WHERE state IN ('retry_scheduled','failed_permanent','unknown_outcome','needs_attention')") },
            { OperationsFilter { {}, {}, {}, QStringLiteral("ord-1") },
                QStringLiteral("WHERE entity_id LIKE 'ORD-1%'") },
            { OperationsFilter { {}, {}, {}, QStringLiteral("ORD-10") },
                QStringLiteral("WHERE entity_id LIKE 'ORD-10%'") },
            { OperationsFilter { {}, {}, {}, QStringLiteral("RD-1005") },
                QStringLiteral("WHERE entity_id LIKE 'ORD-1005%'") },
            { OperationsFilter { {}, {}, {}, QStringLiteral("chloe@") },
                QStringLiteral("WHERE payload LIKE '%chloe@example.com%'") },
        };
        for (const auto &c : cases) {
            firstPages.clear();
            model.setFilter(c.filter);
            QVERIFY(firstPages.wait(20000));
            // The first page is shown before (or with) the count.
            QVERIFY(model.rowCount() <= qMax<qint64>(OperationsModel::kPageSize(),
                        sqlScalar(db, QStringLiteral("SELECT COUNT(*) FROM operations %1").arg(c.where))));
            if (!model.isReady())
                QVERIFY(waitReady(model));
            const qint64 expected = sqlScalar(db, QStringLiteral("SELECT COUNT(*) FROM operations %1").arg(c.where));
            QVERIFY2(expected > 0, qPrintable(c.where));
            QCOMPARE(model.rowCount(), static_cast<int>(expected));
            QCOMPARE(idsAt(0, 300), sqlIds(c.where, 0, 300));
            const int deep = qMax(0, model.rowCount() - 300);
            QCOMPARE(idsAt(deep, 300), sqlIds(c.where, deep, 300));
        }
    }

    // Amount from the payload, in the currency's own decimals, right-aligned; the state's
    // tooltip is its machine name.
    void amountAndStateName()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        const QLocale previous;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        auto op = [](const QString &key, const QJsonObject &payload, OperationState state) {
            Operation o;
            o.action = QStringLiteral("capture_payment");
            o.entityType = QStringLiteral("order");
            o.entityId = key;
            o.providerId = QStringLiteral("stripe");
            o.idempotencyKey = key;
            o.payload = payload;
            o.state = state;
            return o;
        };
        QVERIFY(OperationStore(db).insertMany({
            op(QStringLiteral("eur"), { { "amount", 123456 }, { "currency", "eur" } }, OperationState::FailedPermanent),
            op(QStringLiteral("jpy"), { { "amount", 1200 }, { "currency", "jpy" } }, OperationState::Succeeded),
            op(QStringLiteral("kwd"), { { "amount", 1500 }, { "currency", "KWD" } }, OperationState::Succeeded),
            op(QStringLiteral("refund"), { { "amount", 700 } }, OperationState::Succeeded),
            op(QStringLiteral("crm"), { { "email", "a@example.com" } }, OperationState::Succeeded),
        }));
        OperationsModel model(scratch.db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(waitReady(model));
        QCOMPARE(model.rowCount(), 5);
        const int amount = static_cast<int>(OperationsColumn::Amount);
        const int state = static_cast<int>(OperationsColumn::State);
        QCOMPARE(model.headerData(amount, Qt::Horizontal).toString(), QStringLiteral("Amount"));
        QHash<QString, int> rowOf;
        for (int row = 0; row < model.rowCount(); ++row)
            rowOf.insert(model.data(model.index(row, static_cast<int>(OperationsColumn::Entity))).toString(), row);
        auto cell = [&](const QString &entity, int column, int role = Qt::DisplayRole) {
            return model.data(model.index(rowOf.value(QStringLiteral("order ") + entity), column), role);
        };
        QCOMPARE(cell(QStringLiteral("eur"), amount).toString(), QStringLiteral("1.234,56\u00a0€"));
        QCOMPARE(cell(QStringLiteral("jpy"), amount).toString(), QStringLiteral("1.200 JPY"));
        QCOMPARE(cell(QStringLiteral("kwd"), amount).toString(), QStringLiteral("1,500 KWD"));
        QCOMPARE(cell(QStringLiteral("refund"), amount).toString(), QString());
        QVERIFY(cell(QStringLiteral("refund"), amount, Qt::ToolTipRole).toString().contains(QLatin1String("700")));
        QCOMPARE(cell(QStringLiteral("crm"), amount).toString(), QString());
        QCOMPARE(cell(QStringLiteral("eur"), amount, Qt::TextAlignmentRole).value<Qt::Alignment>(),
            Qt::AlignRight | Qt::AlignVCenter);
        QCOMPARE(cell(QStringLiteral("eur"), state, Qt::ToolTipRole).toString(), QStringLiteral("failed_permanent"));
        QCOMPARE(cell(QStringLiteral("jpy"), state, Qt::ToolTipRole).toString(), QStringLiteral("succeeded"));
        QCOMPARE(OperationsModel::formatAmount(
                     123456, QStringLiteral("usd"), QLocale(QLocale::English, QLocale::UnitedStates)),
            QStringLiteral("$1,234.56"));
        QCOMPARE(OperationsModel::formatAmount(
                     123456, QStringLiteral("eur"), QLocale(QLocale::English, QLocale::UnitedStates)),
            QStringLiteral("1,234.56 EUR"));
        QCOMPARE(OperationsModel::formatAmount(-50, QStringLiteral("jpy"), QLocale(QLocale::Japanese, QLocale::Japan)),
            QLocale(QLocale::Japanese, QLocale::Japan)
                .toCurrencyString(-50.0, QLocale(QLocale::Japanese, QLocale::Japan).currencySymbol(), 0));
        // Amount has no index to sort by: asking leaves the order as it was.
        model.sort(amount, Qt::DescendingOrder);
        QCOMPARE(model.sortOrder().column, OperationsColumn::Age);
        QLocale::setDefault(previous);
    }

    // The loader stops a scan nobody waits for any more through the dialect's interrupter,
    // called from another thread while the statement runs (on PostgreSQL it was a no-op: the
    // driver's handle is named pg_conn*, not PGconn*).
    void statementsCanBeInterrupted_data() { ADD_BACKEND_ROWS(); }
    void statementsCanBeInterrupted()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        const std::function<void()> interrupt = db.dialect().interrupter(db.connection());
        const QString slow = backend == QLatin1String("sqlite")
            ? QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                             "SELECT COUNT(*) FROM (SELECT x FROM c LIMIT 400000000)")
            : QStringLiteral("SELECT pg_sleep(20)");
        std::unique_ptr<QThread> interrupter(QThread::create([&] {
            QThread::msleep(300);
            interrupt();
        }));
        interrupter->start();
        QSqlQuery q(db.connection());
        const bool finished = q.exec(slow);
        interrupter->wait();
        QVERIFY2(!finished, "the statement ran to its end");
    }

    // An interrupt that lands while the next statement is being prepared was forgotten by SQLite
    // at that statement's first step (a clear filter then waited 1.1 s for a page index of the
    // filter before). The stale test stops it however late it starts, and only when stale.
    void staleStatementsStopEvenWhenStartedLate()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        std::atomic<bool> stale { false };
        const std::function<void()> interrupt = db.dialect().interrupter(db.connection(), [&] { return stale.load(); });
        const QString slow = QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                            "SELECT COUNT(*) FROM (SELECT x FROM c LIMIT %1)");
        QSqlQuery fresh(db.connection());
        QVERIFY2(fresh.exec(slow.arg(100000)) && fresh.next(), "a statement nobody replaced runs to its end");
        QCOMPARE(fresh.value(0).toInt(), 100000);
        fresh.finish();
        interrupt(); // lands before the statement exists
        stale = true;
        QElapsedTimer clock;
        clock.start();
        QSqlQuery late(db.connection());
        QVERIFY2(!late.exec(slow.arg(400000000)), "the statement ran to its end");
        QVERIFY2(clock.elapsed() < 5000, "stopped late");
    }

    void staleAnswersAreDropped()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(kRows)));
        OperationsModel model(scratch.db());
        QVERIFY(waitReady(model));
        OperationsFilter declined;
        declined.states = { OperationState::FailedPermanent };
        OperationsFilter succeeded;
        succeeded.states = { OperationState::Succeeded };
        // Three filters in a row: only the last one's answer may show.
        model.setFilter(declined);
        model.setFilter({});
        model.setFilter(succeeded);
        QTRY_VERIFY_WITH_TIMEOUT(model.isReady(), 20000);
        QCOMPARE(model.rowCount(),
            static_cast<int>(sqlScalar(*scratch.db(),
                QStringLiteral("SELECT COUNT(*) FROM operations "
                               "WHERE state = 'succeeded'"))));
        QTest::qWait(200); // any late answer to an older filter would land now
        QCOMPARE(model.filter(), succeeded);
        for (int row = 0; row < qMin(model.rowCount(), 50); ++row)
            QCOMPARE(model.data(model.index(row, 0), OperationsModel::StateRole).toInt(),
                static_cast<int>(OperationState::Succeeded));
    }

    void emptyDatabaseShowsNoRows()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        OperationsModel model(scratch.db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(waitReady(model));
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestOperationsModel)
#include "tst_operationsmodel.moc"
