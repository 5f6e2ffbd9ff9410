// Search read off its index in id order (schema 23): the flag that says ids follow creation is
// kept by every write, and a search then pages exactly as sorting by created_at would.
#include "TestSupport.h"
#include "operations/OperationStore.h"
#include "operations/OperationsModel.h"
#include "operations/OperationsQuery.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

namespace {
constexpr qint64 kStart = 1700000000000;

Operation numbered(int n, qint64 createdAt)
{
    Operation op;
    op.action = QStringLiteral("capture_payment");
    op.entityType = QStringLiteral("order");
    op.entityId = QStringLiteral("ORD-%1").arg(n);
    op.providerId = QStringLiteral("stripe-sandbox");
    op.payload = { { QStringLiteral("amount"), 100 + n },
        { QStringLiteral("customer_email"), QStringLiteral("Buyer.%1@example.com").arg(n % 40) } };
    op.idempotencyKey = QStringLiteral("order-key-%1").arg(n);
    op.state = n % 3 == 0 ? OperationState::FailedPermanent : OperationState::Succeeded;
    op.createdAt = op.updatedAt = createdAt;
    return op;
}

// `count` operations, each created no earlier than the one before (some in the same ms).
QList<Operation> inCreationOrder(int from, int count)
{
    QList<Operation> ops;
    for (int n = from; n < from + count; ++n)
        ops << numbered(n, kStart + n / 3 * 1000);
    return ops;
}

bool follows(const Database &db)
{
    return OperationsQuery::idsFollowCreation(db.connection());
}

QList<qint64> idsBySql(const Database &db, const QString &where, const QString &order)
{
    QSqlQuery q(db.connection());
    QList<qint64> ids;
    if (!q.exec(QStringLiteral("SELECT id FROM operations WHERE %1 ORDER BY %2").arg(where, order)))
        return { -1 };
    while (q.next())
        ids << q.value(0).toLongLong();
    return ids;
}

// Every row of the model, page by page as a view scrolling through would load them.
QList<qint64> idsOfModel(OperationsModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row) {
        model.data(model.index(row, 0));
        if (!QTest::qWaitFor([&] { return model.isRowLoaded(row); }, 20000))
            return { -1 };
        ids << model.operationIdAt(row);
    }
    return ids;
}
} // namespace

class TestSearchOrder : public QObject
{
    Q_OBJECT
private Q_SLOTS:

    void theFlagFollowsEveryWrite_data() { ADD_BACKEND_ROWS(); }
    void theFlagFollowsEveryWrite()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        OperationStore store(db);
        QVERIFY(follows(db)); // an empty table
        QVERIFY(store.insertMany(inCreationOrder(0, 30)));
        QVERIFY(store.insert(numbered(30, kStart + 10 * 1000))); // the same ms as the one before
        QVERIFY2(follows(db), "ties and later times keep it");
        QVERIFY(store.insert(numbered(31, kStart - 1))); // created before an earlier id
        QVERIFY2(!follows(db), "an insert out of order clears it");
        QVERIFY(store.insert(numbered(32, kStart + 999999)));
        QVERIFY2(!follows(db), "it stays cleared");
    }

    void aChangedCreationTimeClearsIt_data() { ADD_BACKEND_ROWS(); }
    void aChangedCreationTimeClearsIt()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QVERIFY(OperationStore(db).insertMany(inCreationOrder(0, 10)));
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(QStringLiteral("UPDATE operations SET state = 'needs_attention' WHERE id = 3")));
        QVERIFY2(follows(db), "other changes keep it");
        QVERIFY(q.exec(QStringLiteral("UPDATE operations SET created_at = created_at + 1 WHERE id = 3")));
        QVERIFY(!follows(db));
    }

    // The same rows, in the same order, page after page, as sorting every match by created_at.
    void aSearchPagesInCreationOrder_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("newestFirst");
        QTest::addColumn<bool>("failedOnly");
        // ORD-1000 … ORD-1999: 1,000 of 1,400, more than a chunk of the page index; a word cut
        // on the left, in lower case; an e-mail's part; a number across the end of a word.
        const QStringList texts { QStringLiteral("ORD-1"), QStringLiteral("rd-12"), QStringLiteral("buyer.3"),
            QStringLiteral("3@EXAMPLE.c") };
        for (const QString &backend : TestSupport::backends())
            for (const QString &text : texts)
                for (bool newestFirst : { true, false })
                    for (bool failedOnly : { false, true })
                        QTest::addRow("%s %s %s%s", qPrintable(backend), qPrintable(text),
                            newestFirst ? "newest first" : "oldest first", failedOnly ? ", failed only" : "")
                            << backend << text << newestFirst << failedOnly;
    }
    void aSearchPagesInCreationOrder()
    {
        QFETCH(QString, backend);
        QFETCH(QString, text);
        QFETCH(bool, newestFirst);
        QFETCH(bool, failedOnly);
        SCRATCH_DATABASE(scratch, backend);
        const QList<Operation> ops = inCreationOrder(1000, 1400);
        QVERIFY(OperationStore(*scratch.db()).insertMany(ops));
        const Database &db = *scratch.db();
        QVERIFY(follows(db));

        OperationsFilter filter;
        filter.text = text;
        if (failedOnly)
            filter.states = { OperationState::FailedPermanent };
        const OperationsSort sort { OperationsColumn::Age, newestFirst ? Qt::AscendingOrder : Qt::DescendingOrder };
        QCOMPARE(OperationsQuery(filter, sort, db.dialect(), true).readsSearchInOrder(),
            db.dialect().idOrderedSearch(text).has_value());
        QVERIFY2(!OperationsQuery(filter, sort, db.dialect(), false).readsSearchInOrder(),
            "never unless ids follow creation");

        // A fresh table numbers its rows from 1 in the order given; created_at never decreases.
        QList<qint64> expected;
        for (qsizetype i = 0; i < ops.size(); ++i) {
            const Operation &op = ops.at(i);
            const bool found = op.entityId.contains(text, Qt::CaseInsensitive)
                || op.payload.value(QStringLiteral("customer_email")).toString().contains(text, Qt::CaseInsensitive);
            if (found && (!failedOnly || op.state == OperationState::FailedPermanent))
                expected << i + 1;
        }
        if (newestFirst)
            std::reverse(expected.begin(), expected.end());
        QCOMPARE(idsBySql(db, QStringLiteral("id = 1"), QStringLiteral("id")), QList<qint64> { 1 });
        QVERIFY(expected.size() > 10);

        OperationsModel model(scratch.db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy ready(&model, &OperationsModel::ready);
        model.sort(static_cast<int>(OperationsColumn::Age), sort.order);
        model.setFilter(filter);
        QTRY_VERIFY_WITH_TIMEOUT(model.isReady(), 20000);
        QCOMPARE(model.rowCount(), static_cast<int>(expected.size()));
        QCOMPARE(idsOfModel(model), expected);

        // Keyset pages read outside a model (reconsolectl ops list) join up the same way.
        const OperationsQuery query(filter, sort, db.dialect(), true);
        QList<qint64> paged;
        std::optional<RowKey> after;
        for (;;) {
            auto page = query.page(db, after, 97);
            QVERIFY2(page, qPrintable(page.message()));
            for (const OperationRow &r : page.value())
                paged << r.id;
            if (page->size() < 97)
                break;
            after = page->last().key;
        }
        QCOMPARE(paged, expected);
    }
};

QTEST_MAIN(TestSearchOrder)
#include "tst_searchorder.moc"
