// The windowed operations model over a real store: paging, jumping, filtering and sorting
// in SQL, checked against plain SQL, under QAbstractItemModelTester.
#include "TestSupport.h"
#include "operations/OperationStore.h"
#include "operations/OperationsModel.h"
#include "sandbox/DemoData.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

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
