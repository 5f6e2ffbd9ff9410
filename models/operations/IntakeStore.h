#pragma once

#include "core/Result.h"
#include "operations/Operation.h"

#include <QList>
#include <QString>

#include <memory>

class Database;
class QSqlQuery;

// What the intake API adds to an operation: the caller's own idempotency key, the fingerprint
// of the request it came with, and when it may first be sent (schema 10, docs/intake.md).
struct IntakeRecord
{
    Operation operation;
    QString clientKey;
    QString requestHash;
    qint64 notBefore = 0; // epoch ms
};

// Operations handed in by the business's systems, stored once per client key.
class IntakeStore
{
public:
    explicit IntakeStore(const Database &db);
    ~IntakeStore();

    struct Accepted
    {
        IntakeRecord record; // as stored: the new operation, or the earlier one
        bool replayed = false; // the key was known with the same request: the earlier operation
    };

    // Stores `record.operation` as pending under `record.clientKey`, in one statement. A key
    // already stored with the same request hash gives back that operation; with another, a
    // Conflict naming it. Joins the caller's transaction, if any. The statement is prepared
    // once per store: the intake API keeps one store and accepts thousands a second with it.
    Result<Accepted> accept(const IntakeRecord &record);
    // An operation that came through intake, by our id or the caller's key; Input if none.
    Result<IntakeRecord> get(qint64 id) const;
    Result<IntakeRecord> byClientKey(const QString &clientKey) const;

    // Claims up to `limit` pending intake operations whose not_before has passed, for
    // `claimant` until `claimedUntil`, oldest due first; on PostgreSQL passing over rows another
    // agent is claiming (FOR UPDATE SKIP LOCKED), like OperationStore::claimDueForRetry.
    Result<QList<qint64>> claimReady(qint64 now, int limit, const QString &claimant, qint64 claimedUntil);

    // Counts one refusal (`outcome`: "unauthorized", "invalid", …) of the intake API.
    Status countRefusal(const QString &outcome);
    Result<qint64> refusals(const QString &outcome) const;

    // The operation key sent to the provider for a client key: prefixed, so it can never be
    // another operation's (the demo's, a diff push's) key.
    static QString operationKey(const QString &clientKey) { return QStringLiteral("intake:") + clientKey; }

private:
    Result<IntakeRecord> find(const char *column, const QVariant &value) const;

    const Database &m_db;
    std::unique_ptr<QSqlQuery> m_insert;
};
