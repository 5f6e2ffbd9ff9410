// Failure groups as the store keeps them while failures are written, and the bulk retry plan
// and runs over them, on SQLite and on a real PostgreSQL server: one group per fingerprint,
// the group states and a regression, every skip reason of the plan, the idempotency-window
// rule, the approval threshold, and items claimed apart and counted once.
#include "TestSupport.h"
#include "operations/FailureGroupStore.h"
#include "operations/OperationStore.h"
#include "operations/RetryPlanner.h"
#include "operations/RetryRunStore.h"
#include "providers/ProviderStore.h"

#include <QSqlQuery>
#include <QTest>

namespace {
Operation operation(const QString &key, const QString &provider = QStringLiteral("stripe-live"))
{
    Operation op;
    op.action = QStringLiteral("capture_payment");
    op.entityType = QStringLiteral("order");
    op.entityId = key;
    op.providerId = provider;
    op.payload = { { QStringLiteral("amount"), 1200 }, { QStringLiteral("currency"), QStringLiteral("eur") } };
    op.idempotencyKey = key;
    return op;
}

// Sends `id` and has it fail with `errorClass` and `message`, as the runner would.
Result<Operation> fail(OperationStore &store, qint64 id, ErrorClass errorClass, const QString &message,
    OperationState to = OperationState::RetryScheduled)
{
    auto op = store.get(id);
    if (!op) {
        qWarning().noquote() << op.message();
        return op.error();
    }
    if (auto sending = store.transition(id, op->state, OperationState::Sending); !sending) {
        qWarning().noquote() << sending.message();
        return sending.error();
    }
    OperationUpdate u;
    u.lastErrorClass = errorClass;
    u.lastError = message;
    auto failed = store.transition(id, OperationState::Sending, to, u);
    if (!failed)
        qWarning().noquote() << failed.message();
    return failed;
}

void addProvider(const Database &db, const QString &id, int approvalAbove = 1000, int windowHours = 24)
{
    ProviderConfig p;
    p.id = id;
    p.kind = QStringLiteral("payments");
    p.displayName = id;
    p.baseUrl = QStringLiteral("http://127.0.0.1:1");
    p.ratePerSecond = 100;
    p.burst = 100;
    p.retryHeadroomPercent = 20;
    p.bulkApprovalAbove = approvalAbove;
    p.idempotencyWindowHours = windowHours;
    QVERIFY(ProviderStore(db).upsert(p));
}
} // namespace

class TestFailureGroups : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameFailureOtherIdsGroupsOnce_data() { ADD_BACKEND_ROWS(); }
    void sameFailureOtherIdsGroupsOnce()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        OperationStore store(*scratch.db());
        QList<qint64> ids;
        for (int i = 0; i < 4; ++i)
            ids << store.insert(operation(QStringLiteral("k-%1").arg(i))).value();
        QVERIFY(fail(store, ids[0], ErrorClass::RateLimited,
            QStringLiteral("Too many requests for pi_3MtwBwLkdIwHu7ix28a3tqPa, retry in 2 s")));
        QVERIFY(fail(store, ids[1], ErrorClass::RateLimited,
            QStringLiteral("Too many requests for pi_9ZZZqwLkdIwHu7ix28a3aaBb, retry in 7 s")));
        QVERIFY(fail(store, ids[2], ErrorClass::Client, QStringLiteral("Your card was declined: card_declined"),
            OperationState::FailedPermanent));
        QVERIFY(fail(store, ids[3], ErrorClass::Client,
            QStringLiteral("Your card has insufficient funds: insufficient_funds"), OperationState::FailedPermanent));

        auto groups = FailureGroupStore(*scratch.db()).list({}, 0, 10);
        QVERIFY2(groups, qPrintable(groups.message()));
        QCOMPARE(groups->size(), 3);
        const qint64 limited = store.get(ids[0])->failureGroupId;
        QVERIFY(limited != 0);
        QCOMPARE(store.get(ids[1])->failureGroupId, limited);
        QVERIFY(store.get(ids[2])->failureGroupId != store.get(ids[3])->failureGroupId);
        auto group = FailureGroupStore(*scratch.db()).get(limited);
        QCOMPARE(group->failures, 2);
        QCOMPARE(group->affected, 2);
        QCOMPARE(group->failing, 2);
        QCOMPARE(group->errorClass, ErrorClass::RateLimited);

        // The same operation failing again the same way is one more failure, not one more operation.
        QVERIFY(fail(store, ids[0], ErrorClass::RateLimited,
            QStringLiteral("Too many requests for pi_3MtwBwLkdIwHu7ix28a3tqPa, retry in 4 s")));
        group = FailureGroupStore(*scratch.db()).get(limited);
        QCOMPARE(group->failures, 3);
        QCOMPARE(group->affected, 2);
        // One succeeds: it no longer fails, and the group still opens onto it.
        QVERIFY(store.transition(ids[0], OperationState::RetryScheduled, OperationState::Sending));
        QVERIFY(store.transition(ids[0], OperationState::Sending, OperationState::Succeeded));
        group = FailureGroupStore(*scratch.db()).get(limited);
        QCOMPARE(group->failing, 1);
        QCOMPARE(store.get(ids[0])->failureGroupId, limited);
        auto spark = FailureGroupStore(*scratch.db()).sparklines({ limited }, nowMs() + 60000, 60000, 5);
        qint64 total = 0;
        for (qint64 n : spark->value(limited))
            total += n;
        QCOMPARE(total, 3);
    }

    void statesAndRegression_data() { ADD_BACKEND_ROWS(); }
    void statesAndRegression()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        OperationStore store(*scratch.db());
        FailureGroupStore groups(*scratch.db());
        const qint64 a = store.insert(operation(QStringLiteral("a"))).value();
        const qint64 b = store.insert(operation(QStringLiteral("b"))).value();
        QVERIFY(
            fail(store, a, ErrorClass::Server, QStringLiteral("api_error: An unknown error occurred (req_81Hd92kQ)")));
        const qint64 id = store.get(a)->failureGroupId;
        AuditEntry e;
        e.actor = QStringLiteral("alice");
        e.action = QStringLiteral("failure_group.resolved");
        e.target = QStringLiteral("failure_group:%1").arg(id);
        QVERIFY(groups.setState(
            id, FailureGroup::State::Resolved, QStringLiteral("alice"), QStringLiteral("fixed"), 0, 0, e));
        QCOMPARE(groups.get(id)->state, FailureGroup::State::Resolved);

        // Back: reopened as a regression.
        QVERIFY(
            fail(store, b, ErrorClass::Server, QStringLiteral("api_error: An unknown error occurred (req_Zp01aaQQ)")));
        QCOMPARE(store.get(b)->failureGroupId, id);
        QCOMPARE(groups.get(id)->state, FailureGroup::State::Open);
        QVERIFY(groups.get(id)->regressed);
        QSqlQuery event(scratch.db()->connection());
        QVERIFY(event.exec(QStringLiteral("SELECT COUNT(*) FROM events WHERE type = 'failure_group.regressed'"))
            && event.next());
        QCOMPARE(event.value(0).toInt(), 1);

        // Ignored for two more failures: the second reopens it, not as a regression.
        QVERIFY(groups.setState(id, FailureGroup::State::Ignored, QStringLiteral("alice"), {}, 0, 2, e));
        QVERIFY(
            fail(store, b, ErrorClass::Server, QStringLiteral("api_error: An unknown error occurred (req_3Yh2kQ00)")));
        QCOMPARE(groups.get(id)->state, FailureGroup::State::Ignored);
        QVERIFY(
            fail(store, b, ErrorClass::Server, QStringLiteral("api_error: An unknown error occurred (req_4Yh2kQ01)")));
        QCOMPARE(groups.get(id)->state, FailureGroup::State::Open);
        // Ignored until a time that has passed: the next failure opens it.
        QVERIFY(groups.setState(id, FailureGroup::State::Ignored, QStringLiteral("alice"), {}, nowMs() - 1, 0, e));
        QVERIFY(
            fail(store, b, ErrorClass::Server, QStringLiteral("api_error: An unknown error occurred (req_5Yh2kQ02)")));
        QCOMPARE(groups.get(id)->state, FailureGroup::State::Open);
        // Ignored for ever stays ignored.
        QVERIFY(groups.setState(id, FailureGroup::State::Ignored, QStringLiteral("alice"), {}, 0, 0, e));
        QVERIFY(
            fail(store, b, ErrorClass::Server, QStringLiteral("api_error: An unknown error occurred (req_6Yh2kQ03)")));
        QCOMPARE(groups.get(id)->state, FailureGroup::State::Ignored);
    }

    // Each skip reason, the lookup first for an unknown outcome, and the idempotency window.
    void planSaysWhatItSkipsAndWhy_data() { ADD_BACKEND_ROWS(); }
    void planSaysWhatItSkipsAndWhy()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        addProvider(db, QStringLiteral("stripe-live"), 2);
        addProvider(db, QStringLiteral("stripe-off"));
        ProviderConfig off = ProviderStore(db).get(QStringLiteral("stripe-off")).value();
        off.enabled = false;
        QVERIFY(ProviderStore(db).upsert(off));
        OperationStore store(db);
        auto add = [&](const QString &key, OperationState state, ErrorClass errorClass, qint64 ageHours = 0,
                       const QString &provider = QStringLiteral("stripe-live")) {
            Operation op = operation(key, provider);
            op.state = state;
            op.lastErrorClass = errorClass;
            op.lastError = QStringLiteral("failed");
            op.createdAt = nowMs() - ageHours * 3600 * 1000;
            return store.insert(op).value();
        };
        const qint64 limited = add(QStringLiteral("limited"), OperationState::RetryScheduled, ErrorClass::RateLimited);
        const qint64 unknown = add(QStringLiteral("unknown"), OperationState::UnknownOutcome, ErrorClass::Timeout);
        const qint64 old = add(QStringLiteral("old"), OperationState::NeedsAttention, ErrorClass::Server, 30);
        add(QStringLiteral("declined"), OperationState::NeedsAttention, ErrorClass::Client);
        add(QStringLiteral("refused"), OperationState::FailedPermanent, ErrorClass::Client);
        add(QStringLiteral("done"), OperationState::Succeeded, ErrorClass::None);
        add(QStringLiteral("resolved"), OperationState::Resolved, ErrorClass::Server);
        add(QStringLiteral("cancelled"), OperationState::Cancelled, ErrorClass::Server);
        add(QStringLiteral("pending"), OperationState::Pending, ErrorClass::None);
        add(QStringLiteral("off"), OperationState::RetryScheduled, ErrorClass::Server, 0, QStringLiteral("stripe-off"));

        OperationsFilter everything;
        everything.action = QStringLiteral("capture_payment");
        auto plan = RetryPlanner(db).plan(everything, nowMs());
        QVERIFY2(plan, qPrintable(plan.message()));
        QCOMPARE(plan->matched, 10);
        QCOMPARE(plan->toSend, 3);
        QCOMPARE(plan->skipped.value(RetryPlan::Skip::NotRetryable), 2);
        QCOMPARE(plan->skipped.value(RetryPlan::Skip::Succeeded), 1);
        QCOMPARE(plan->skipped.value(RetryPlan::Skip::SettledByPerson), 2);
        QCOMPARE(plan->skipped.value(RetryPlan::Skip::InFlight), 1);
        QCOMPARE(plan->skipped.value(RetryPlan::Skip::ProviderDisabled), 1);
        QCOMPARE(plan->lookupsFirst, 1);
        QCOMPARE(plan->freshKeys, 1); // 30 hours old, past Stripe's 24
        // Oldest first, each with what it needs.
        QCOMPARE(plan->items.size(), 3);
        QCOMPARE(plan->items[0].operationId, old);
        QVERIFY(plan->items[0].freshKey);
        QVERIFY(!plan->items[0].lookupFirst);
        QList<qint64> rest { plan->items[1].operationId, plan->items[2].operationId };
        QVERIFY(rest.contains(limited) && rest.contains(unknown));
        for (const RetryPlan::Item &item : plan->items)
            QCOMPARE(item.lookupFirst, item.operationId == unknown);
        // 3 sends and 2 lookups at 100/s less 20 %: 5 / 80 s. Above 2 sends: a second person.
        QCOMPARE(plan->shares.size(), 1);
        QCOMPARE(plan->shares[0].lookups, 2);
        QVERIFY(qAbs(plan->etaSeconds - 5 / 80.0) < 1e-9);
        QVERIFY(plan->needsApproval);
        QVERIFY(plan->explain().join(u'\n').contains(QLatin1String("fresh key")));

        // A provider with a window of 0 keeps no keys: no fresh key, the same operation just goes.
        ProviderConfig live = ProviderStore(db).get(QStringLiteral("stripe-live")).value();
        live.idempotencyWindowHours = 0;
        QVERIFY(ProviderStore(db).upsert(live));
        QCOMPARE(RetryPlanner(db).plan(everything, nowMs())->freshKeys, 0);
        // The plan survives the store as it was.
        const RetryPlan again = RetryPlan::fromJson(plan->toJson());
        QCOMPARE(again.toSend, plan->toSend);
        QCOMPARE(again.skipped, plan->skipped);
        QCOMPARE(again.scope, plan->scope);
    }

    // Stored, claimed by two agents apart, counted once each, finished with its summary.
    void runItemsAreClaimedApartAndCountedOnce_data() { ADD_BACKEND_ROWS(); }
    void runItemsAreClaimedApartAndCountedOnce()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        addProvider(db, QStringLiteral("stripe-live"));
        OperationStore store(db);
        for (int i = 0; i < 6; ++i) {
            Operation op = operation(QStringLiteral("r-%1").arg(i));
            op.state = OperationState::RetryScheduled;
            op.lastErrorClass = ErrorClass::Server;
            op.lastError = QStringLiteral("api_error");
            QVERIFY(store.insert(op));
        }
        OperationsFilter scope;
        scope.providerId = QStringLiteral("stripe-live");
        auto plan = RetryPlanner(db).plan(scope, nowMs());
        QCOMPARE(plan->toSend, 6);
        RetryRunStore runs(db);
        const qint64 id = runs.create(plan.value(), QStringLiteral("alice")).value();
        QVERIFY(runs.claim(QStringLiteral("a"), nowMs(), nowMs() + 10000, 10)->isEmpty()); // not confirmed yet
        AuditEntry e;
        e.actor = QStringLiteral("alice");
        e.action = QStringLiteral("retry_run.confirm");
        e.target = QStringLiteral("retry_run:%1").arg(id);
        QVERIFY(runs.move(id, { RetryRun::State::Planned }, RetryRun::State::Running, {}, e));

        const auto first = runs.claim(QStringLiteral("a"), nowMs(), nowMs() + 60000, 4).value();
        const auto second = runs.claim(QStringLiteral("b"), nowMs(), nowMs() + 10000, 4).value();
        QCOMPARE(first.size(), 4);
        QCOMPARE(second.size(), 2);
        QCOMPARE(first[0].position, 0);
        QCOMPARE(second[0].position, 4);
        // b dies holding its two; after its lease a takes them over, and b's late word is not counted.
        const auto lapsed = runs.claim(QStringLiteral("a"), nowMs() + 20000, nowMs() + 30000, 4).value();
        QCOMPARE(lapsed.size(), 2);
        QVERIFY(
            !runs.finish(second[0], QStringLiteral("b"), RetryRunStore::Outcome::Succeeded, {}, QStringLiteral("agent"))
                 ->has_value());
        std::optional<RetryRun> finished;
        for (const RetryRunItem &item : first + lapsed) {
            auto ended = runs.finish(item, QStringLiteral("a"),
                item.position == 5 ? RetryRunStore::Outcome::Failed : RetryRunStore::Outcome::Succeeded, {},
                QStringLiteral("agent"));
            QVERIFY2(ended, qPrintable(ended.message()));
            if (ended->has_value())
                finished = *ended;
        }
        QVERIFY(finished);
        QCOMPARE(finished->state, RetryRun::State::Finished);
        const RetryRun run = runs.get(id).value();
        QCOMPARE(run.succeeded, 5);
        QCOMPARE(run.failed, 1);
        QCOMPARE(run.state, RetryRun::State::Finished);
        QVERIFY(run.summary.contains(QLatin1String("5 succeeded")));
    }
};

QTEST_GUILESS_MAIN(TestFailureGroups)
#include "tst_failuregroups.moc"
