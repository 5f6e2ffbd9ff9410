#pragma once

#include "core/Result.h"
#include "operations/Operation.h"
#include "operations/OperationRunner.h"

#include <QList>
#include <QObject>

#include <functional>

class AccessPolicy;
class Database;
class OperationRunner;

// What a person can do to operations — retry, resolve, cancel — each audited with who, when,
// why and the states before and after. The console and reconsolectl both come through here.
class OperationService : public QObject
{
    Q_OBJECT
public:
    using Each = std::function<void(qint64 id, const Result<Operation> &result)>;

    // Acts as, and within the roles of, whoever `access` names.
    OperationService(
        const Database &db, OperationRunner &runner, const AccessPolicy &access, QObject *parent = nullptr);

    // Retries each operation; `each` reports every one, `finished` once all are done.
    void retry(const QList<qint64> &ids, Each each, std::function<void()> finished);
    // One operation of a bulk retry run, as the run's options say (RetryRunWorker).
    void retryOne(qint64 id, const RunOptions &options, std::function<void(Result<Operation>)> done);
    // The agent's worker: claims what fell due — retries whose time came, and pending intake
    // operations whose not_before passed — for `claimant` and runs them, keeping at most
    // `maxInFlight` runs going and claiming again as they finish while more are waiting, so
    // the provider's token bucket, not the worker's timer, sets the pace. Few at once: each run
    // reserves its token when it starts, so a stall of the event loop releases those waiting
    // together, and more than a provider's burst at once is a 429.
    void runDue(const QString &claimant, int maxInFlight = 8);
    int dueInFlight() const { return m_dueInFlight; }
    Status resolve(qint64 id, const QString &reason);
    Status cancel(qint64 id, const QString &reason);
    const AccessPolicy &access() const { return m_access; }
    // Nothing goes to the provider while its circuit breaker is open; a bulk run waits.
    bool circuitOpen(const QString &providerId) const;

    // What the console shows of one operation, and the values its filters offer.
    Result<Operation> get(qint64 id) const;
    Result<QList<Attempt>> attempts(qint64 id) const;
    Result<QStringList> providersInUse() const;
    Result<QStringList> actionsInUse() const;

Q_SIGNALS:
    // Operations this service changed (a retry's attempt, a resolve, a cancel), so every view
    // showing them can read them again; emitted before the caller hears the outcome.
    void operationsChanged(const QList<qint64> &ids);

private:
    Status close(qint64 id, OperationState to, const QString &reason, const QString &action);

    const Database &m_db;
    OperationRunner &m_runner;
    const AccessPolicy &m_access;
    int m_dueInFlight = 0;
    bool m_dueBacklog = false; // the last claim was full: more may be waiting
};
