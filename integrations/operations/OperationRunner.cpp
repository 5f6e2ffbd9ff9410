#include "operations/OperationRunner.h"

#include "access/AuditLog.h"
#include "store/Database.h"
#include "events/EventProcessor.h"
#include "operations/OperationStore.h"
#include "providers/ProviderAdapter.h"
#include "providers/ProviderRegistry.h"

#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcOperations, "reconsole.operations")

struct OperationRunner::Run
{
    qint64 id = 0;
    QString actor;
    Done done;
    std::shared_ptr<ProviderAdapter> adapter;
    OperationState startState = OperationState::Pending;
    int triesThisRun = 0;
};

OperationRunner::OperationRunner(const Database &db, ProviderRegistry &providers, RetryPolicy policy, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_providers(providers)
    , m_policy(policy)
{
}

void OperationRunner::run(qint64 operationId, const QString &actor, Done done)
{
    auto r = std::make_shared<Run>();
    r->id = operationId;
    r->actor = actor;
    r->done = std::move(done);

    auto op = OperationStore(m_db).get(operationId);
    if (!op) {
        r->done(op.error());
        return;
    }
    r->startState = op->state;
    if (!OperationStates::canTransition(op->state, OperationState::Sending)) {
        finish(r, failure(ErrorClass::State, op->state == OperationState::FailedPermanent && !op->lastError.isEmpty()
                                                 ? op->lastError
                                                 : OperationStates::refusal(op->state, OperationState::Sending)));
        return;
    }
    auto adapter = m_providers.adapterFor(op->providerId);
    if (!adapter) {
        finish(r, adapter.error());
        return;
    }
    r->adapter = adapter.value();
    r->adapter->prepare([this, r](Status prepared) {
        if (!prepared) {
            finish(r, prepared.error()); // nothing sent, operation untouched
            return;
        }
        if (r->startState == OperationState::UnknownOutcome)
            settleUnknown(r);
        else
            attempt(r);
    });
}

void OperationRunner::settleUnknown(std::shared_ptr<Run> r)
{
    auto op = OperationStore(m_db).get(r->id);
    if (!op) {
        finish(r, op.error());
        return;
    }
    r->adapter->findExisting(op.value(), [this, r](Result<LookupOutcome> lookup) {
        if (!lookup) {
            finish(r, lookup.error());
            return;
        }
        if (!lookup->found) {
            attempt(r); // the provider never acted: send, with the same key
            return;
        }
        if (lookup->state == OperationState::UnknownOutcome) {
            finish(r, failure(ErrorClass::Timeout, lookup->message));
            return;
        }
        OperationUpdate u;
        u.externalId = lookup->externalId;
        u.lastErrorClass = lookup->state == OperationState::Succeeded ? ErrorClass::None : ErrorClass::Client;
        u.lastError = lookup->state == OperationState::Succeeded ? QString() : lookup->message;
        Status settled = OperationStore(m_db).transition(r->id, OperationState::UnknownOutcome, lookup->state, u);
        finish(r, settled ? OperationStore(m_db).get(r->id) : Result<Operation>(settled.error()));
    });
}

void OperationRunner::attempt(std::shared_ptr<Run> r)
{
    OperationStore store(m_db);
    auto op = store.get(r->id);
    if (!op) {
        finish(r, op.error());
        return;
    }
    const Operation before = op.value();
    OperationUpdate claim;
    claim.countAttempt = true;
    claim.claimedBy = r->actor;
    // Long enough for the request and its token-bucket wait; after that, a claim still held
    // means the process died mid-request and the next start settles it as unknown_outcome.
    claim.claimedUntil = nowMs() + 2 * r->adapter->requestTimeoutMs() + 2000;
    Status claimed = store.transition(r->id, before.state, OperationState::Sending, claim);
    if (!claimed) {
        finish(r, claimed.error());
        return;
    }
    const int number = before.attempts + 1;
    auto attemptId = store.beginAttempt(r->id, number, r->adapter->describeRequest(before));
    if (!attemptId) {
        // Journal first or not at all: put the operation back as it was.
        OperationUpdate release;
        release.claimedBy = QString();
        release.lastErrorClass = ErrorClass::Storage;
        release.lastError = attemptId.message();
        store.transition(r->id, OperationState::Sending, OperationState::NeedsAttention, release);
        finish(r, attemptId.error());
        return;
    }
    ++r->triesThisRun;
    qCInfo(lcOperations).noquote() << QStringLiteral("operation %1: attempt %2 sent (key %3)")
                                          .arg(r->id)
                                          .arg(number)
                                          .arg(before.idempotencyKey);
    r->adapter->execute(before, [this, r, number, id = attemptId.value()](ProviderOutcome outcome) {
        qCInfo(lcOperations).noquote() << QStringLiteral("operation %1: attempt %2 → %3 in %4 ms: %5")
                                              .arg(r->id)
                                              .arg(number)
                                              .arg(OperationStates::name(outcome.state))
                                              .arg(outcome.latencyMs)
                                              .arg(outcome.message);
        OperationStore store(m_db);
        Attempt a;
        a.id = id;
        a.status = outcome.state == OperationState::Succeeded ? Attempt::Status::Succeeded : Attempt::Status::Failed;
        a.httpStatus = outcome.httpStatus;
        a.latencyMs = outcome.latencyMs;
        a.errorClass = outcome.errorClass;
        a.errorMessage = outcome.message;
        a.response = outcome.response;
        store.finishAttempt(a);

        OperationState next = outcome.state;
        const bool retryable = next == OperationState::RetryScheduled;
        if (retryable && number >= m_policy.automaticAttempts)
            next = OperationState::NeedsAttention;
        const qint64 delay = m_policy.delayMs(r->triesThisRun + 1, outcome.retryAfterSeconds);
        const bool tryAgainNow = next == OperationState::RetryScheduled && r->triesThisRun < m_policy.immediateAttempts
            && delay <= m_policy.maxWaitInPlaceMs;

        OperationUpdate u;
        u.claimedBy = QString();
        u.claimedUntil = 0;
        u.lastErrorClass = outcome.errorClass;
        u.lastError = next == OperationState::NeedsAttention && retryable
            ? QStringLiteral("%1 Automatic retries stopped after %2 attempts.").arg(outcome.message).arg(number)
            : (next == OperationState::Succeeded ? QString() : outcome.message);
        if (!outcome.externalId.isEmpty())
            u.externalId = outcome.externalId;
        if (next == OperationState::RetryScheduled)
            u.nextAttemptAt = tryAgainNow ? nowMs() + delay
                                          : m_policy.scheduleAt(nowMs(), number, outcome.retryAfterSeconds);
        Status moved = store.transition(r->id, OperationState::Sending, next, u);
        if (!moved) {
            finish(r, moved.error());
            return;
        }
        // The answer was lost, but the provider's webhook may already have told us (it came
        // while the request was in flight, when there was nothing to settle).
        if (next == OperationState::UnknownOutcome && EventProcessor(m_db).settleFromEarlierEvents(r->id).value_or(false))
            qCInfo(lcOperations).noquote() << QStringLiteral("operation %1: settled by a webhook that came before the answer was lost")
                                                  .arg(r->id);
        if (tryAgainNow) {
            QTimer::singleShot(delay, this, [this, r] { attempt(r); });
            return;
        }
        auto after = store.get(r->id);
        if (after && after->state != OperationState::Succeeded)
            finish(r, Result<Operation>(failure(after->lastErrorClass, after->lastError)));
        else
            finish(r, after);
    });
}

void OperationRunner::finish(std::shared_ptr<Run> r, Result<Operation> result)
{
    auto now = OperationStore(m_db).get(r->id);
    AuditEntry e;
    e.actor = r->actor;
    e.action = result || (now && now->state != r->startState) ? QStringLiteral("operation.retry")
                                                              : QStringLiteral("operation.retry.refused");
    e.target = QStringLiteral("operation:%1").arg(r->id);
    e.before = OperationStates::name(r->startState);
    e.after = now ? OperationStates::name(now->state) : QString();
    e.reason = result ? QString() : result.message();
    AuditLog(m_db).append(e);
    r->done(std::move(result));
}
