// Retrying for real: the runner and service against the sandbox over loopback, on SQLite and
// PostgreSQL. The unknown-outcome path must never charge twice.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "events/ActivityMonitor.h"
#include "events/EventStore.h"
#include "providers/RetryPolicyStore.h"
#include "timeline/Timeline.h"

#include <QElapsedTimer>
#include <QFile>
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

class TestOperationRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unknownOutcomeChargesExactlyOnce_data() { ADD_BACKEND_ROWS(); }
    void unknownOutcomeChargesExactlyOnce()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db, 700);
        OperationStore store(db);
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("order-77"))).value();

        // The charge is made, the answer is lost.
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("timeout_after_charge")).value());
        auto first = runOnce(f, id);
        QVERIFY(!first);
        QCOMPARE(store.get(id)->state, OperationState::UnknownOutcome);
        QCOMPARE(f.sandbox.chargesForKey(QStringLiteral("order-77")), 1);

        // Retry: asks the provider first, finds the charge, sends nothing.
        const int requestsBefore = f.sandbox.requestCount();
        auto second = runOnce(f, id);
        QVERIFY2(second, qPrintable(second.message()));
        QCOMPARE(second->state, OperationState::Succeeded);
        QVERIFY(second->externalId.startsWith(QLatin1String("pi_")));
        QCOMPARE(f.sandbox.requestCount(), requestsBefore + 1); // the lookup only
        QCOMPARE(f.sandbox.chargesForKey(QStringLiteral("order-77")), 1);
        QCOMPARE(f.sandbox.totalCharges(), 1);
        // The lookup is journaled after the lost send, with what was asked and what was heard.
        const QList<Attempt> journal = store.attempts(id).value();
        QCOMPARE(journal.size(), 2);
        QCOMPARE(journal[0].kind, Attempt::Kind::Send);
        QCOMPARE(journal[1].kind, Attempt::Kind::Lookup);
        QCOMPARE(journal[1].number, 2);
        QCOMPARE(journal[1].status, Attempt::Status::Succeeded);
        QCOMPARE(journal[1].httpStatus, 200);
        QVERIFY2(journal[1].request.startsWith(
                     QLatin1String("GET /v1/payment_intents/search?query=metadata['reconsole_key']:'order-77'")),
            qPrintable(journal[1].request));
        QVERIFY(journal[1].response.contains(second->externalId));
        QVERIFY2(journal[1].errorMessage.contains(QLatin1String("already made this charge")),
            qPrintable(journal[1].errorMessage));
        QCOMPARE(store.get(id)->attempts, 1); // a lookup is not a send: the retry budget is untouched

        // The key went over the wire twice; it must not be anywhere in the database files.
        if (backend == QLatin1String("sqlite")) {
            for (const QString &suffix : { QString(), QStringLiteral("-wal") }) {
                QFile file(db.location().path + suffix);
                QVERIFY(file.open(QIODevice::ReadOnly));
                QVERIFY(!file.readAll().contains(SandboxFixture::kKey));
            }
        }

        auto audit = AuditLog(db).entriesFor(QStringLiteral("operation:%1").arg(id));
        QCOMPARE(audit->size(), 2);
        QCOMPARE(audit->last().before, QStringLiteral("unknown_outcome"));
        QCOMPARE(audit->last().after, QStringLiteral("succeeded"));
    }

    void resetBeforeProcessingIsResentWithTheSameKey()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("order-78"))).value();
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("reset")).value());
        QVERIFY(!runOnce(f, id));
        QCOMPARE(store.get(id)->state, OperationState::UnknownOutcome);
        QCOMPARE(f.sandbox.totalCharges(), 0);

        auto retried = runOnce(f, id); // not found at the provider: sent again
        QVERIFY2(retried, qPrintable(retried.message()));
        QCOMPARE(retried->state, OperationState::Succeeded);
        QCOMPARE(f.sandbox.chargesForKey(QStringLiteral("order-78")), 1);
        // Send, lookup (nothing found), send again with the same key.
        const auto attempts = store.attempts(id).value();
        QCOMPARE(attempts.size(), 3);
        QCOMPARE(attempts[1].kind, Attempt::Kind::Lookup);
        QVERIFY2(attempts[1].errorMessage.contains(QLatin1String("no record")), qPrintable(attempts[1].errorMessage));
        for (int i : { 0, 2 }) {
            QCOMPARE(attempts[i].kind, Attempt::Kind::Send);
            QVERIFY(attempts[i].request.contains(QLatin1String("Idempotency-Key: order-78")));
        }
        QCOMPARE(attempts[2].number, 3);
    }

    // A lookup the provider could not answer is journaled as failed, and nothing is resent.
    void unansweredLookupIsJournaledAndSendsNothing()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("order-80"))).value();
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("reset,server_error")).value());
        QVERIFY(!runOnce(f, id));
        auto retried = runOnce(f, id);
        QVERIFY(!retried);
        QVERIFY2(retried.message().contains(QLatin1String("Nothing was resent")), qPrintable(retried.message()));
        QCOMPARE(store.get(id)->state, OperationState::UnknownOutcome);
        QCOMPARE(f.sandbox.totalCharges(), 0);
        const auto attempts = store.attempts(id).value();
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[1].kind, Attempt::Kind::Lookup);
        QCOMPARE(attempts[1].status, Attempt::Status::Failed);
        QCOMPARE(attempts[1].httpStatus, 500);
        QVERIFY(!attempts[1].response.isEmpty());

        // The timeline shows the lookup as what it was.
        auto timeline = Timeline::forEntity(*scratch.db(), QStringLiteral("order-80"));
        QVERIFY2(timeline, qPrintable(timeline.message()));
        QStringList types;
        for (const TimelineEntry &t : timeline.value())
            types << t.type;
        QVERIFY2(types.contains(QStringLiteral("lookup.failed")), qPrintable(types.join(u',')));
    }

    void transientErrorsAreRetriedWithBackoff()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("order-79"))).value();
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("rate_limit=1,server_error")).value());
        QElapsedTimer clock;
        clock.start();
        auto result = runOnce(f, id);
        QVERIFY2(result, qPrintable(result.message()));
        QVERIFY2(clock.elapsed() >= 1000, "Retry-After: 1 was not honoured");
        QCOMPARE(result->state, OperationState::Succeeded);
        QCOMPARE(result->attempts, 3);
        const auto attempts = store.attempts(id).value();
        QCOMPARE(attempts.at(0).errorClass, ErrorClass::RateLimited);
        QCOMPARE(attempts.at(0).httpStatus, 429);
        QCOMPARE(attempts.at(1).errorClass, ErrorClass::Server);
        QCOMPARE(attempts.at(2).status, Attempt::Status::Succeeded);
        QCOMPARE(f.sandbox.totalCharges(), 1);
    }

    void persistentErrorsAreScheduled()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("order-80"))).value();
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("unavailable*3")).value());
        auto result = runOnce(f, id);
        QVERIFY(!result);
        const Operation op = store.get(id).value();
        QCOMPARE(op.state, OperationState::RetryScheduled);
        QCOMPARE(op.attempts, 3);
        QVERIFY(op.nextAttemptAt > nowMs());
        QCOMPARE(store.dueForRetry(op.nextAttemptAt, 10)->size(), 1);
    }

    // The provider's policy, not a constant, decides: two sends in all, then a person, with an alert.
    void thePolicyStopsRetriesWithAnAlert_data() { ADD_BACKEND_ROWS(); }
    void thePolicyStopsRetriesWithAnAlert()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        OperationStore store(db);
        RetryPolicy twice = RetryPolicy::defaultsFor(QStringLiteral("payments"));
        twice.providerId = QStringLiteral("stripe-sandbox");
        twice.maxAttempts = 2;
        twice.updatedBy = QStringLiteral("alice");
        EXPECT_OK(RetryPolicyStore(db).upsert(twice));
        QVERIFY(ActivityMonitor(db).check(nowMs(), 30)->isEmpty());

        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("policy-1"))).value();
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("unavailable*2")).value());
        QVERIFY(!runOnce(f, id));
        const Operation op = store.get(id).value();
        QCOMPARE(op.attempts, 2); // the runner's in-place tries stop at the policy's maximum too
        QCOMPARE(op.state, OperationState::NeedsAttention);
        QCOMPARE(op.nextAttemptAt, qint64(0));
        QVERIFY2(op.lastError.endsWith(QLatin1String("Automatic retries stopped after 2 attempts (the policy's "
                                                     "maximum).")),
            qPrintable(op.lastError));
        const auto alerts = ActivityMonitor(db).check(nowMs(), 30);
        QVERIFY(alerts);
        QCOMPARE(alerts->size(), 1);
        QCOMPARE(alerts->first().kind, ActivityAlert::Kind::RetriesExhausted);
        QCOMPARE(alerts->first().providerId, QStringLiteral("stripe-sandbox"));
        QCOMPARE(alerts->first().count, qint64(1));
        QVERIFY2(alerts->first().message.startsWith(QLatin1String("1 operation(s) to stripe-sandbox stopped retrying")),
            qPrintable(alerts->first().message));

        // An action's own policy: refunds retry server errors only, so a 429 goes to a person at once.
        RetryPolicy refunds = twice;
        refunds.action = QStringLiteral("refund");
        refunds.maxAttempts = 5;
        refunds.retriedClasses = { ErrorClass::Server };
        EXPECT_OK(RetryPolicyStore(db).upsert(refunds));
        Operation refund = SandboxFixture::payment(QStringLiteral("policy-2"));
        refund.action = QStringLiteral("refund");
        refund.payload
            = { { QStringLiteral("payment_intent"), QStringLiteral("pi_missing") }, { QStringLiteral("amount"), 100 } };
        const qint64 refundId = store.insert(refund).value();
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("rate_limit=1")).value());
        QVERIFY(!runOnce(f, refundId));
        const Operation limited = store.get(refundId).value();
        QCOMPARE(limited.attempts, 1);
        QCOMPARE(limited.state, OperationState::NeedsAttention);
        QVERIFY2(limited.lastError.contains(QLatin1String("does not retry rate_limited failures")),
            qPrintable(limited.lastError));

        // Past the deadline: the first failure hands the operation to a person.
        twice.maxAttempts = 8;
        twice.deadlineMs = 60000;
        EXPECT_OK(RetryPolicyStore(db).upsert(twice));
        Operation old = SandboxFixture::payment(QStringLiteral("policy-3"));
        old.createdAt = nowMs() - 120000;
        const qint64 oldId = store.insert(old).value();
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("unavailable")).value());
        QVERIFY(!runOnce(f, oldId));
        const Operation late = store.get(oldId).value();
        QCOMPARE(late.attempts, 1);
        QCOMPARE(late.state, OperationState::NeedsAttention);
        QVERIFY2(late.lastError.contains(QLatin1String("deadline of 1 min")), qPrintable(late.lastError));
        QCOMPARE(ActivityMonitor(db).check(nowMs(), 30)->first().count, qint64(3));
    }

    // An outage trips the provider's breaker: nothing more is sent, the operations wait as they
    // are with no attempt spent, and the change is an event of the provider's timeline.
    void anOutageOpensTheBreaker()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("unavailable*40")).value());
        QList<qint64> ids;
        for (int i = 0; i < 10; ++i)
            ids << store.insert(SandboxFixture::payment(QStringLiteral("outage-%1").arg(i))).value();
        for (qint64 id : ids)
            QVERIFY(!runOnce(f, id)); // 3 tries each until the breaker opens
        QVERIFY(f.runner->circuitOpen(QStringLiteral("stripe-sandbox")));
        const int requests = f.sandbox.requestCount();
        QVERIFY2(
            requests < 30, qPrintable(QStringLiteral("%1 requests reached a provider that is down").arg(requests)));
        const Operation waiting = store.get(ids.last()).value();
        auto refused = runOnce(f, ids.last());
        QVERIFY(!refused);
        QVERIFY2(refused.message().contains(QLatin1String("circuit breaker is open")), qPrintable(refused.message()));
        QCOMPARE(f.sandbox.requestCount(), requests);
        QCOMPARE(store.get(ids.last())->attempts, waiting.attempts);
        QCOMPARE(store.get(ids.last())->state, waiting.state);
        const auto events
            = EventStore(*scratch.db()).list(QStringLiteral("reconsole"), QStringLiteral("stripe-sandbox"), 10);
        QVERIFY(events);
        QVERIFY(!events->isEmpty());
        QCOMPARE(events->first().type, QStringLiteral("circuit_breaker.open"));

        // A process started after it begins closed, and says so: the console shows no old trip.
        OperationRunner restarted(*scratch.db(), *f.registry);
        QCOMPARE(restarted.circuitState(QStringLiteral("stripe-sandbox")), CircuitBreaker::State::Closed);
        const Event now = EventStore(*scratch.db())
                              .latest(QStringLiteral("provider"), QStringLiteral("stripe-sandbox"),
                                  QStringLiteral("circuit_breaker."))
                              .value();
        QCOMPARE(now.type, QStringLiteral("circuit_breaker.closed"));
        QVERIFY2(now.note.startsWith(QStringLiteral("open → closed: runner@")), qPrintable(now.note));
    }

    void declinesAreFinalAndExplained()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        const qint64 id = store
                              .insert(SandboxFixture::payment(QStringLiteral("order-81"),
                                  QStringLiteral("pm_card_chargeDeclinedInsufficientFunds")))
                              .value();
        auto result = runOnce(f, id);
        QVERIFY(!result);
        QCOMPARE(result.message(),
            QStringLiteral("Card declined (insufficient funds): retrying will not help; contact the customer."));
        QCOMPARE(store.get(id)->state, OperationState::FailedPermanent);
        const int requests = f.sandbox.requestCount();
        auto again = runOnce(f, id); // refused without a request
        QVERIFY(!again);
        QCOMPARE(again.error().errorClass, ErrorClass::State);
        QCOMPARE(f.sandbox.requestCount(), requests);
        QVERIFY(AuditLog(*scratch.db())
                    .entriesFor(QStringLiteral("operation:%1").arg(id))
                    ->last()
                    .action.endsWith(QLatin1String("refused")));
    }

    void missingCredentialTouchesNothing()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        f.credentials.remove(QStringLiteral("cred-1"), [](Status) {});
        OperationStore store(*scratch.db());
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("order-82"))).value();
        auto result = runOnce(f, id);
        QVERIFY(!result);
        QCOMPARE(result.error().errorClass, ErrorClass::Keychain);
        QCOMPARE(store.get(id)->state, OperationState::Pending);
        QCOMPARE(store.attempts(id)->size(), 0);
        QCOMPARE(f.sandbox.requestCount(), 0);
    }

    void resolveAndCancelAreAudited_data() { ADD_BACKEND_ROWS(); }
    void resolveAndCancelAreAudited()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        const qint64 a = store.insert(SandboxFixture::payment(QStringLiteral("order-83"))).value();
        const qint64 b = store.insert(SandboxFixture::payment(QStringLiteral("order-84"))).value();

        QVERIFY(!f.service->resolve(a, QStringLiteral("   ")));
        Status pendingResolve = f.service->resolve(a, QStringLiteral("paid by transfer"));
        QVERIFY(!pendingResolve); // a pending operation has not failed: cancel it instead
        QVERIFY(f.service->cancel(a, QStringLiteral("customer withdrew the order")));
        QCOMPARE(store.get(a)->state, OperationState::Cancelled);
        QCOMPARE(store.get(a)->resolution, QStringLiteral("customer withdrew the order"));

        QVERIFY(store.transition(b, OperationState::Pending, OperationState::Sending));
        QVERIFY(store.transition(b, OperationState::Sending, OperationState::UnknownOutcome));
        QVERIFY(!f.service->cancel(b, QStringLiteral("give up")));
        QVERIFY(f.service->resolve(b, QStringLiteral("confirmed in the provider dashboard")));
        QCOMPARE(store.get(b)->state, OperationState::Resolved);

        const auto entries = AuditLog(*scratch.db()).entriesFor(QStringLiteral("operation:%1").arg(b)).value();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries[0].action, QStringLiteral("operation.cancel.refused"));
        QCOMPARE(entries[1].action, QStringLiteral("operation.resolve"));
        QCOMPARE(entries[1].actor, QStringLiteral("tester"));
        QCOMPARE(entries[1].before, QStringLiteral("unknown_outcome"));
        QCOMPARE(entries[1].after, QStringLiteral("resolved"));
        QCOMPARE(entries[1].reason, QStringLiteral("confirmed in the provider dashboard"));
        QCOMPARE(AuditLog(*scratch.db()).verify()->firstBrokenId, 0);
    }
};

QTEST_GUILESS_MAIN(TestOperationRunner)
#include "tst_operationrunner.moc"
