#include "operations/OperationRunner.h"

#include "access/AuditLog.h"
#include "events/EventProcessor.h"
#include "events/EventStore.h"
#include "operations/Claimant.h"
#include "providers/ProviderAdapter.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "providers/RetryPolicyStore.h"
#include "store/Database.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTimer>

#include <optional>

Q_LOGGING_CATEGORY(lcOperations, "reconsole.operations")

// One run: the operation is read once at the start; every transition hands back the row as
// it now is, so the run never reads it again to learn what it just wrote.
struct OperationRunner::Run
{
    QString actor;
    Done done;
    std::shared_ptr<ProviderAdapter> adapter;
    Operation op;
    OperationState startState = OperationState::Pending;
    int triesThisRun = 0;
    bool askedProvider = false; // a lookup was made
    RunOptions options;
    RetryPolicy policy; // the provider's, for the operation's action
};

OperationRunner::OperationRunner(
    const Database &db, ProviderRegistry &providers, InPlaceRetries inPlace, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_operations(db)
    , m_providers(providers)
    , m_inPlace(inPlace)
{
    m_heartbeat.setInterval(kHeartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &OperationRunner::renewClaims);
}

void OperationRunner::run(qint64 operationId, const QString &actor, Done done, RunOptions options)
{
    auto op = m_operations.get(operationId);
    if (!op) {
        done(op.error());
        return;
    }
    auto r = std::make_shared<Run>();
    r->actor = actor;
    r->done = std::move(done);
    r->op = op.value();
    r->startState = op->state;
    r->options = options;
    if (!OperationStates::canTransition(op->state, OperationState::Sending)) {
        finish(r,
            failure(ErrorClass::State,
                op->state == OperationState::FailedPermanent && !op->lastError.isEmpty()
                    ? op->lastError
                    : OperationStates::refusal(op->state, OperationState::Sending)));
        return;
    }
    // A disabled provider gets no new attempts, nor lookups: the operation stays as it is.
    auto provider = ProviderStore(m_db).get(op->providerId);
    if (provider && !provider->enabled) {
        finish(r,
            failure(ErrorClass::State,
                QStringLiteral("Provider %1 is disabled: nothing was sent, and operation %2 stays %3. An admin "
                               "enables it in the Providers workspace or with `reconsolectl providers enable %1`.")
                    .arg(op->providerId)
                    .arg(op->id)
                    .arg(OperationStates::label(op->state).toLower())));
        return;
    }
    auto policy = RetryPolicyStore(m_db).effective(op->providerId, provider ? provider->kind : QString(), op->action);
    if (!policy) {
        finish(r, policy.error());
        return;
    }
    r->policy = policy.value();
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
        if (r->startState == OperationState::UnknownOutcome || r->options.freshKeyAfterLookup)
            settleUnknown(r);
        else
            attempt(r);
    });
}

void OperationRunner::settleUnknown(std::shared_ptr<Run> r)
{
    // The lookup is journaled like a send, before it leaves: what we asked and what we heard
    // is how a person later trusts (or doubts) the decision not to charge again.
    const QString request = r->adapter->describeLookup(r->op);
    std::optional<Attempt> journal;
    if (!request.isEmpty()) {
        auto begun = m_operations.beginAttempt(r->op.id, Attempt::Kind::Lookup, request);
        if (!begun) {
            finish(r, begun.error()); // nothing asked, nothing sent, the operation untouched
            return;
        }
        journal = begun.value();
        r->askedProvider = true;
    }
    r->adapter->findExisting(r->op, [this, r, journal](const LookupOutcome &lookup) mutable {
        qCInfo(lcOperations).noquote() << QStringLiteral("operation %1: lookup → %2")
                                              .arg(r->op.id)
                                              .arg(lookup.errorClass != ErrorClass::None
                                                      ? QStringLiteral("not answered")
                                                      : lookup.found ? lookup.externalId
                                                                     : QStringLiteral("not found"));
        if (journal) {
            journal->status
                = lookup.errorClass == ErrorClass::None ? Attempt::Status::Succeeded : Attempt::Status::Failed;
            journal->httpStatus = lookup.httpStatus;
            journal->latencyMs = lookup.latencyMs;
            journal->errorClass = lookup.errorClass;
            journal->errorMessage = lookup.message;
            journal->response = lookup.response;
            if (Status journaled = m_operations.finishAttempt(*journal); !journaled)
                qCWarning(lcOperations).noquote()
                    << QStringLiteral("operation %1: lookup not journaled: %2").arg(r->op.id).arg(journaled.message());
        }
        if (lookup.errorClass != ErrorClass::None) {
            finish(r, failure(lookup.errorClass, lookup.message));
            return;
        }
        if (!lookup.found) {
            if (r->options.freshKeyAfterLookup) {
                // None went through, and the provider no longer knows the old key: a new one.
                auto renewed = m_operations.renewKey(
                    r->op.id, r->op.state, QStringLiteral("%1.r%2").arg(r->op.idempotencyKey).arg(r->op.attempts + 1));
                if (!renewed) {
                    finish(r, renewed.error());
                    return;
                }
                r->op = renewed.value();
            }
            attempt(r); // the provider never acted: send
            return;
        }
        if (r->startState != OperationState::UnknownOutcome && lookup.state != OperationState::Succeeded) {
            // An earlier attempt reached the provider and did not succeed: a person decides.
            finish(r,
                failure(ErrorClass::Client,
                    QStringLiteral("The provider has an earlier attempt of operation %1 (%2): %3 Nothing was sent; "
                                   "resolve it by hand.")
                        .arg(r->op.id)
                        .arg(lookup.externalId, lookup.message)));
            return;
        }
        if (lookup.state == OperationState::UnknownOutcome) {
            finish(r, failure(ErrorClass::Timeout, lookup.message));
            return;
        }
        OperationUpdate u;
        u.externalId = lookup.externalId;
        u.lastErrorClass = lookup.state == OperationState::Succeeded ? ErrorClass::None : ErrorClass::Client;
        u.lastError = lookup.state == OperationState::Succeeded ? QString() : lookup.message;
        finish(r, moveTo(r, lookup.state, u));
    });
}

void OperationRunner::attempt(std::shared_ptr<Run> r)
{
    // An open breaker sends nothing: the operation waits as it is, no attempt spent on an outage.
    if (!breakerFor(r->op.providerId).allowRequest()) {
        finish(r,
            failure(ErrorClass::State,
                QStringLiteral("%1's circuit breaker is open after repeated failures: nothing was sent, and "
                               "operation %2 waits until a probe finds the provider back.")
                    .arg(r->op.providerId)
                    .arg(r->op.id)));
        return;
    }
    // Claimed as the request leaves, not while it waits behind the provider's rate limit: a
    // claim then only ever covers a request that is out, and the heartbeat keeps it while it is.
    r->adapter->awaitTurn([this, r] { dispatch(r); });
}

void OperationRunner::dispatch(std::shared_ptr<Run> r)
{
    const Operation before = r->op;
    OperationUpdate claim;
    claim.countAttempt = true;
    claim.claimedBy = Claimant::of(r->actor);
    claim.claimedUntil = nowMs() + kLeaseMs;
    if (auto claimed = moveTo(r, OperationState::Sending, claim); !claimed) {
        finish(r, claimed.error());
        return;
    }
    auto journal = m_operations.beginAttempt(before.id, Attempt::Kind::Send, r->adapter->describeRequest(before));
    if (!journal) {
        // Journal first or not at all: nothing was sent, and the operation waits for a person.
        OperationUpdate release;
        release.claimedBy = QString();
        release.lastErrorClass = ErrorClass::Storage;
        release.lastError = journal.message();
        const auto released = moveTo(r, OperationState::NeedsAttention, release);
        finish(r, released ? Result<Operation>(journal.error()) : released);
        return;
    }
    m_inFlight.insert(before.id, *claim.claimedBy);
    if (!m_heartbeat.isActive())
        m_heartbeat.start();
    ++r->triesThisRun;
    qCInfo(lcOperations).noquote() << QStringLiteral("operation %1: attempt %2 sent (key %3)")
                                          .arg(before.id)
                                          .arg(journal->number)
                                          .arg(before.idempotencyKey);
    // The retry policy counts sends (the operation's attempts), not journal lines.
    r->adapter->execute(before, [this, r, sends = before.attempts + 1, a = journal.value()](ProviderOutcome outcome) {
        answered(r, sends, a, outcome);
    });
}

void OperationRunner::answered(std::shared_ptr<Run> r, int sends, Attempt a, const ProviderOutcome &outcome)
{
    m_inFlight.remove(r->op.id);
    breakerFor(r->op.providerId).record(CircuitBreaker::countsAsFailure(outcome.errorClass));
    qCInfo(lcOperations).noquote() << QStringLiteral("operation %1: attempt %2 → %3 in %4 ms: %5")
                                          .arg(r->op.id)
                                          .arg(a.number)
                                          .arg(OperationStates::name(outcome.state))
                                          .arg(outcome.latencyMs)
                                          .arg(outcome.message);
    a.status = outcome.state == OperationState::Succeeded ? Attempt::Status::Succeeded : Attempt::Status::Failed;
    a.httpStatus = outcome.httpStatus;
    a.latencyMs = outcome.latencyMs;
    a.errorClass = outcome.errorClass;
    a.errorMessage = outcome.message;
    a.response = outcome.response;
    // The answer decides the state even when its journal line cannot be completed; the attempt
    // then stays in flight in the journal, which is what a reader should suspect.
    if (Status journaled = m_operations.finishAttempt(a); !journaled)
        qCWarning(lcOperations).noquote() << QStringLiteral("operation %1: attempt %2 not journaled: %3")
                                                 .arg(r->op.id)
                                                 .arg(a.number)
                                                 .arg(journaled.message());

    // The adapter says whether the failure is transient; the provider's policy says whether,
    // and when, it is tried again, and when a person takes over instead.
    OperationState next = outcome.state;
    const auto unit = [] { return QRandomGenerator::global()->generateDouble(); };
    const qint64 now = nowMs();
    RetryPolicy::Next scheduled;
    if (next == OperationState::RetryScheduled) {
        scheduled = r->policy.next(r->op.createdAt, sends, outcome.errorClass, outcome.retryAfterSeconds, now, unit());
        if (!scheduled.retry)
            next = OperationState::NeedsAttention;
    }
    const qint64 delay = std::max(fullJitterMs(r->triesThisRun, m_inPlace.baseDelayMs, m_inPlace.maxDelayMs, unit()),
        outcome.retryAfterSeconds >= 0 ? qint64(outcome.retryAfterSeconds) * 1000 : 0);
    const int immediate = r->options.immediateAttempts > 0 ? r->options.immediateAttempts : m_inPlace.attempts;
    const bool tryAgainNow
        = next == OperationState::RetryScheduled && r->triesThisRun < immediate && delay <= m_inPlace.maxWaitMs;

    OperationUpdate u;
    u.claimedBy = QString();
    u.claimedUntil = 0;
    u.lastErrorClass = outcome.errorClass;
    u.lastError = next == OperationState::Succeeded ? QString()
        : scheduled.why.isEmpty()                   ? outcome.message
                                                    : outcome.message + QLatin1Char(' ') + scheduled.why;
    if (!outcome.externalId.isEmpty())
        u.externalId = outcome.externalId;
    // Only a scheduled retry is due later; anything else is due never, whatever it was before.
    u.nextAttemptAt = next != OperationState::RetryScheduled ? 0 : tryAgainNow ? now + delay : scheduled.at;
    if (auto moved = moveTo(r, next, u); !moved) {
        finish(r, settleLate(r, outcome, moved.error()));
        return;
    }
    // The answer was lost, but the provider's webhook may already have told us (it came
    // while the request was in flight, when there was nothing to settle).
    if (next == OperationState::UnknownOutcome
        && EventProcessor(m_db).settleFromEarlierEvents(r->op.id).value_or(false)) {
        qCInfo(lcOperations).noquote()
            << QStringLiteral("operation %1: settled by a webhook that came before the answer was lost").arg(r->op.id);
        if (auto settled = m_operations.get(r->op.id)) // the processor moved it, not this run
            r->op = settled.value();
    }
    if (tryAgainNow) {
        QTimer::singleShot(delay, this, [this, r] { attempt(r); });
        return;
    }
    if (r->op.state != OperationState::Succeeded)
        finish(r, Result<Operation>(failure(r->op.lastErrorClass, r->op.lastError)));
    else
        finish(r, r->op);
}

Result<Operation> OperationRunner::settleLate(
    const std::shared_ptr<Run> &r, const ProviderOutcome &outcome, const Error &lost)
{
    // Someone moved the operation while its request was out (a recovery that took this process
    // for dead). The answer is journaled already; a charge that succeeded is the stronger fact
    // and settles the operation, whatever it was moved to. Any other answer changes nothing.
    auto current = m_operations.get(r->op.id);
    if (!current || outcome.state != OperationState::Succeeded
        || !OperationStates::canTransition(current->state, OperationState::Succeeded))
        return lost;
    r->op = current.value();
    OperationUpdate u;
    u.externalId = outcome.externalId;
    u.lastErrorClass = ErrorClass::None;
    u.lastError = QString();
    u.claimedBy = QString();
    u.claimedUntil = 0;
    qCInfo(lcOperations).noquote() << QStringLiteral("operation %1: a late answer settles it as succeeded (it was %2)")
                                          .arg(r->op.id)
                                          .arg(OperationStates::name(current->state));
    return moveTo(r, OperationState::Succeeded, u);
}

CircuitBreaker &OperationRunner::breakerFor(const QString &providerId)
{
    auto it = m_breakers.find(providerId);
    if (it != m_breakers.end())
        return it->second;
    CircuitBreaker &breaker = m_breakers.emplace(providerId, CircuitBreaker()).first->second;
    // Every change of state is an event of the provider's timeline, and said in the log.
    breaker.onChange = [this, providerId](const CircuitBreaker::Change &c) { recordBreaker(providerId, c); };
    // A breaker begins closed in every process: one a process before this one left open or
    // half-open is recorded closed now, so the console does not show it tripped for ever.
    const auto last
        = EventStore(m_db).latest(QStringLiteral("provider"), providerId, QStringLiteral("circuit_breaker."));
    if (last && !last->type.isEmpty() && last->type != QLatin1String("circuit_breaker.closed"))
        recordBreaker(providerId,
            { last->type.endsWith(QLatin1String("half_open")) ? CircuitBreaker::State::HalfOpen
                                                              : CircuitBreaker::State::Open,
                CircuitBreaker::State::Closed,
                QStringLiteral("%1 started with its breaker closed").arg(Claimant::of(QStringLiteral("runner"))),
                nowMs() });
    return breaker;
}

void OperationRunner::recordBreaker(const QString &providerId, const CircuitBreaker::Change &c)
{
    Event e;
    e.source = QStringLiteral("reconsole");
    e.externalId = QStringLiteral("breaker-%1-%2-%3").arg(providerId).arg(c.at).arg(CircuitBreaker::stateName(c.to));
    e.type = QStringLiteral("circuit_breaker.") + CircuitBreaker::stateName(c.to);
    e.entityType = QStringLiteral("provider");
    e.entityId = providerId;
    e.occurredAt = c.at;
    e.processedAt = c.at;
    e.channel = QStringLiteral("internal");
    e.note = QStringLiteral("%1 → %2: %3")
                 .arg(CircuitBreaker::stateName(c.from), CircuitBreaker::stateName(c.to), c.reason);
    qCWarning(lcOperations).noquote() << QStringLiteral("%1 circuit breaker %2").arg(providerId, e.note);
    if (auto stored = EventStore(m_db).insertIfNew(e); !stored)
        qCWarning(lcOperations).noquote() << stored.message();
}

bool OperationRunner::circuitOpen(const QString &providerId)
{
    return circuitState(providerId) == CircuitBreaker::State::Open;
}

CircuitBreaker::State OperationRunner::circuitState(const QString &providerId)
{
    return breakerFor(providerId).state();
}

void OperationRunner::renewClaims()
{
    if (m_inFlight.isEmpty()) {
        m_heartbeat.stop();
        return;
    }
    QHash<QString, QList<qint64>> byClaimant;
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it)
        byClaimant[it.value()] << it.key();
    for (auto it = byClaimant.cbegin(); it != byClaimant.cend(); ++it)
        if (Status renewed = m_operations.renewClaims(it.value(), it.key(), nowMs() + kLeaseMs); !renewed)
            qCWarning(lcOperations).noquote() << renewed.message();
}

Result<Operation> OperationRunner::moveTo(
    const std::shared_ptr<Run> &r, OperationState to, const OperationUpdate &update)
{
    auto moved = m_operations.transition(r->op.id, r->op.state, to, update);
    if (moved)
        r->op = moved.value();
    return moved;
}

void OperationRunner::finish(std::shared_ptr<Run> r, Result<Operation> result)
{
    AuditEntry e;
    e.actor = r->actor;
    // Refused: nothing went to the provider. A retry that was sent and failed again is a retry.
    const bool tried = result || r->triesThisRun > 0 || r->askedProvider || r->op.state != r->startState;
    e.action = tried ? QStringLiteral("operation.retry") : QStringLiteral("operation.retry.refused");
    e.target = QStringLiteral("operation:%1").arg(r->op.id);
    e.before = OperationStates::name(r->startState);
    e.after = OperationStates::name(r->op.state);
    e.reason = result ? QString() : result.message();
    // A retry the audit log cannot name is reported as failed, whatever the provider said.
    if (Status audited = AuditLog(m_db).append(e); !audited)
        result = failure(ErrorClass::Storage,
            QStringLiteral("Operation %1 is %2, but the retry could not be audited: %3")
                .arg(r->op.id)
                .arg(OperationStates::label(r->op.state).toLower(), audited.message()));
    r->done(std::move(result));
}
