#pragma once

#include "core/Result.h"
#include "operations/Operation.h"
#include "operations/OperationStore.h"
#include "providers/RetryPolicy.h"
#include "transport/CircuitBreaker.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>

class Database;
class ProviderAdapter;
struct ProviderOutcome;
class ProviderRegistry;

// The tries one run makes in place before it leaves the operation to its provider's retry
// policy (RetryPolicy): a blip is ridden out at once, the way Stripe's own libraries do
// (0.5 s doubling, capped at 5 s), and a Retry-After longer than maxWaitMs is scheduled instead.
struct InPlaceRetries
{
    int attempts = 3;
    qint64 baseDelayMs = 500;
    qint64 maxDelayMs = 5000;
    qint64 maxWaitMs = 10000;
};

// How one run may differ from the policy: a bulk retry sends each operation once (its next
// try is the policy's, later), and one whose key expired at the provider looks up first.
struct RunOptions
{
    int immediateAttempts = 0; // 0: InPlaceRetries::attempts
    // The provider has forgotten the key: ask by metadata whether an earlier attempt went
    // through, and send under a fresh key only if none did.
    bool freshKeyAfterLookup = false;
};

// Sends one operation to its provider safely: asks first when the last outcome is unknown,
// journals every attempt before it leaves, keeps the operation's idempotency key, backs
// off between tries, and leaves the operation in the state the answers justify.
class OperationRunner : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<Operation>)>;

    OperationRunner(
        const Database &db, ProviderRegistry &providers, InPlaceRetries inPlace = {}, QObject *parent = nullptr);

    void run(qint64 operationId, const QString &actor, Done done, RunOptions options = {});

    // Whether `providerId`'s circuit breaker is open: nothing is sent to it until its probe.
    bool circuitOpen(const QString &providerId);
    CircuitBreaker::State circuitState(const QString &providerId);

    // A request's claim lasts this long and is renewed every kHeartbeatMs while it is out.
    static constexpr qint64 kLeaseMs = 5000;
    static constexpr int kHeartbeatMs = 1000;

private:
    struct Run;
    void settleUnknown(std::shared_ptr<Run> run);
    void attempt(std::shared_ptr<Run> run);
    void dispatch(std::shared_ptr<Run> run);
    void answered(std::shared_ptr<Run> run, int sends, Attempt attempt, const ProviderOutcome &outcome);
    // The one way a run changes its operation: from the state it last saw, keeping the new row.
    // The answer to a request whose operation someone else moved meanwhile.
    Result<Operation> settleLate(const std::shared_ptr<Run> &run, const ProviderOutcome &outcome, const Error &lost);
    void renewClaims();
    CircuitBreaker &breakerFor(const QString &providerId);
    // A change of a breaker's state as an event of the provider's timeline, and in the log.
    void recordBreaker(const QString &providerId, const CircuitBreaker::Change &change);
    Result<Operation> moveTo(const std::shared_ptr<Run> &run, OperationState to, const OperationUpdate &update);
    void finish(std::shared_ptr<Run> run, Result<Operation> result);

    const Database &m_db;
    OperationStore m_operations;
    ProviderRegistry &m_providers;
    InPlaceRetries m_inPlace;
    QHash<qint64, QString> m_inFlight; // operation → the claim its request holds
    QTimer m_heartbeat;
    std::map<QString, CircuitBreaker> m_breakers; // per provider, made on first use
};
