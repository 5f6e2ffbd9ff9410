// Our own operations book their ledger entries: a capture that succeeds books +amount to the
// provider's clearing account, a refund −amount, in the transaction of the change to succeeded,
// once, however the success is recorded (a retry after an unknown outcome, a repeat).
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "ledger/LedgerBooking.h"
#include "ledger/LedgerStore.h"

#include <QTest>

namespace {
Result<Operation> runOnce(SandboxFixture &f, qint64 id)
{
    std::optional<Result<Operation>> result;
    f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { result = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000); }();
    return result.value_or(Result<Operation>(failure(ErrorClass::Timeout, QStringLiteral("no answer"))));
}
} // namespace

class TestLedgerBooking : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aCaptureThatSucceedsBooksOnce_data() { ADD_BACKEND_ROWS(); }
    void aCaptureThatSucceedsBooksOnce()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        OperationStore store(db);
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("book-1"))).value();
        QCOMPARE(LedgerStore(db).count().value(), 0); // nothing before it succeeds

        auto done = runOnce(f, id);
        QVERIFY2(done, qPrintable(done.message()));
        QCOMPARE(done->state, OperationState::Succeeded);
        QCOMPARE(LedgerStore(db).count().value(), 1);
        const LedgerEntry e
            = LedgerStore(db).get(LedgerBooking::entryId(id, QStringLiteral("capture_payment"))).value();
        QCOMPARE(e.account, QStringLiteral("stripe-sandbox"));
        QCOMPARE(e.amountMinor, 2599);
        QCOMPARE(e.currency, QStringLiteral("EUR"));
        QCOMPARE(e.reference, done->externalId);
        QVERIFY(e.reference.startsWith(QLatin1String("pi_")));
        QCOMPARE(e.operationId, id);
        QCOMPARE(e.source, LedgerEntry::Source::Operation);
        QCOMPARE(e.entityType, QStringLiteral("order"));
        QCOMPARE(e.entityId, QStringLiteral("ORD-book-1"));
        QCOMPARE(e.bookedOn, QDateTime::fromMSecsSinceEpoch(done->updatedAt, Qt::UTC).date());

        // Booking again (a success recorded twice) changes nothing.
        QVERIFY(LedgerBooking::book(db, done.value()));
        Operation later = done.value();
        later.updatedAt += 3 * 86400000LL; // even on another day
        QVERIFY(LedgerBooking::book(db, later));
        QCOMPARE(LedgerStore(db).count().value(), 1);

        // A declined capture books nothing.
        const qint64 declined = store
                                    .insert(SandboxFixture::payment(QStringLiteral("book-2"),
                                        QStringLiteral("pm_card_chargeDeclinedInsufficientFunds")))
                                    .value();
        QVERIFY(!runOnce(f, declined));
        QCOMPARE(LedgerStore(db).count().value(), 1);
    }

    void aRetryAfterAnUnknownOutcomeBooksOnce_data() { ADD_BACKEND_ROWS(); }
    void aRetryAfterAnUnknownOutcomeBooksOnce()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db, 700);
        OperationStore store(db);
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("book-3"))).value();
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("timeout_after_charge")).value());
        QVERIFY(!runOnce(f, id));
        QCOMPARE(store.get(id)->state, OperationState::UnknownOutcome);
        QCOMPARE(LedgerStore(db).count().value(), 0); // charged, but we do not know it yet

        auto settled = runOnce(f, id);
        QVERIFY2(settled, qPrintable(settled.message()));
        QCOMPARE(settled->state, OperationState::Succeeded);
        QCOMPARE(f.sandbox.chargesForKey(QStringLiteral("book-3")), 1);
        QCOMPARE(LedgerStore(db).count().value(), 1);
        // Run again: refused (succeeded is final), nothing booked twice.
        QVERIFY(!runOnce(f, id));
        QCOMPARE(LedgerStore(db).count().value(), 1);
    }

    void aRefundBooksMoneyOut_data() { ADD_BACKEND_ROWS(); }
    void aRefundBooksMoneyOut()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        OperationStore store(db);
        const qint64 capture = store.insert(SandboxFixture::payment(QStringLiteral("book-4"))).value();
        auto captured = runOnce(f, capture);
        QVERIFY2(captured, qPrintable(captured.message()));

        Operation full;
        full.action = QStringLiteral("refund");
        full.entityType = QStringLiteral("order");
        full.entityId = QStringLiteral("ORD-book-4");
        full.providerId = QStringLiteral("stripe-sandbox");
        full.payload
            = { { QStringLiteral("payment_intent"), captured->externalId }, { QStringLiteral("amount"), 500 } };
        full.idempotencyKey = QStringLiteral("book-4-refund");
        const qint64 refund = store.insert(full).value();
        auto refunded = runOnce(f, refund);
        QVERIFY2(refunded, qPrintable(refunded.message()));
        const LedgerEntry e = LedgerStore(db).get(LedgerBooking::entryId(refund, QStringLiteral("refund"))).value();
        QCOMPARE(e.amountMinor, -500);
        QCOMPARE(e.currency, QStringLiteral("EUR")); // the capture's: a refund names none
        QVERIFY(e.reference.startsWith(QLatin1String("re_")));
        QCOMPARE(LedgerStore(db).count(QStringLiteral("stripe-sandbox")).value(), 2);
    }
};

QTEST_GUILESS_MAIN(TestLedgerBooking)
#include "tst_ledgerbooking.moc"
