#pragma once

#include "access/AuditLog.h"
#include "core/Result.h"
#include "operations/Operation.h"

#include <QList>
#include <QStringList>

#include <optional>

class Database;
class FailureGroupStore;

// What a transition changes besides the state; unset fields keep their value.
struct OperationUpdate
{
    std::optional<QString> externalId;
    std::optional<ErrorClass> lastErrorClass;
    std::optional<QString> lastError;
    std::optional<qint64> nextAttemptAt;
    std::optional<QString> claimedBy; // empty string releases the claim
    std::optional<qint64> claimedUntil;
    std::optional<QString> resolvedBy;
    std::optional<QString> resolution;
    bool countAttempt = false;
};

// Operations and their attempts in the store. Every state change goes through transition(),
// which refuses illegal edges and lost races (the row moved on since it was read).
class OperationStore
{
public:
    explicit OperationStore(const Database &db);

    Result<qint64> insert(Operation operation);
    // One transaction for the lot; used by the demo seeder and the benchmark.
    Status insertMany(const QList<Operation> &operations);
    Result<Operation> get(qint64 id) const;
    // The operation sent under this idempotency key (unique); an Input failure if there is none.
    Result<Operation> byIdempotencyKey(const QString &key) const;
    // A keyset page of the operations doing `action` (in `state`, if given), by id after
    // `afterId`, at most `limit`: callers walk a large table a window at a time.
    Result<QList<Operation>> byAction(
        const QString &action, std::optional<OperationState> state, qint64 afterId, int limit) const;
    Result<qint64> count() const;

    // Moves the operation from `from` to `to` (refused off the state machine's edges, or when
    // someone else moved it first) and returns the row as it now is.
    Result<Operation> transition(qint64 id, OperationState from, OperationState to, const OperationUpdate &update = {},
        const std::optional<AuditEntry> &audit = std::nullopt);

    // The operations that created these provider objects, oldest first.
    Result<QList<Operation>> byExternalIds(const QString &providerId, const QStringList &externalIds) const;
    // Corrects what we recorded (payload, external id) without touching the state, with `audit`
    // in the same transaction; refused if the row changed since `expected` was read.
    Status amend(
        const Operation &expected, const QJsonObject &payload, const QString &externalId, const AuditEntry &audit);

    // The operation sends under `key` from now on: the provider's idempotency window for the old
    // one passed and a lookup found that no earlier attempt went through. On its timeline.
    Result<Operation> renewKey(qint64 id, OperationState expected, const QString &key);

    // Write-ahead journal: the attempt row exists before the request leaves.
    // Journals a request before it leaves, numbered after the operation's last journal line.
    Result<Attempt> beginAttempt(
        qint64 operationId, Attempt::Kind kind, const QString &redactedRequest, qint64 startedAt = 0);
    Status finishAttempt(const Attempt &attempt);
    Result<QList<Attempt>> attempts(qint64 operationId) const;

    // Operations left in `sending` by a process that died mid-request become unknown_outcome:
    // the request may have reached the provider, so it must be asked before anything is resent.
    // Only those whose claim lapsed and whose claimant is gone (Claimant::isGone).
    Result<int> recoverInterrupted(qint64 now);
    // The heartbeat of requests in flight: keeps `claimant`'s claims on `ids` until `claimedUntil`.
    Status renewClaims(const QList<qint64> &ids, const QString &claimant, qint64 claimedUntil);
    Result<QList<qint64>> dueForRetry(qint64 now, int limit) const;
    // Claims up to `limit` operations due for retry for `claimant` until `claimedUntil`, in
    // one statement: agents sharing a database each get their own, and on PostgreSQL none
    // waits for rows another holds (FOR UPDATE SKIP LOCKED).
    Result<QList<qint64>> claimDueForRetry(qint64 now, int limit, const QString &claimant, qint64 claimedUntil);
    // The same for any `condition` on operations (SQL, no placeholders), in next_attempt_at
    // order: the intake's pending work is claimed this way too.
    Result<QList<qint64>> claimWhere(
        const QString &condition, qint64 now, int limit, const QString &claimant, qint64 claimedUntil);
    Result<QStringList> distinctValues(const QString &column) const;

private:
    Status groupIfFailed(FailureGroupStore &groups, const Operation &operation);

    const Database &m_db;
};
