#pragma once

#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

class Database;

// One row a backend wrote into operation_requests (PostgreSQL only; docs/intake.md).
struct OperationRequest
{
    qint64 id = 0;
    QString action;
    QString providerId;
    QString entityType;
    QString entityId;
    QJsonObject payload;
    bool payloadIsObject = true; // JSONB allows arrays and scalars; an operation's payload is an object
    QString idempotencyKey;
    qint64 notBefore = 0; // epoch ms, 0: at once
};

// The outbox table: rows are claimed inside the caller's transaction with FOR UPDATE SKIP
// LOCKED, so agents sharing the database each take their own, and marked in that same
// transaction together with the operation each became: a row turns into one operation, once.
class OperationRequestStore
{
public:
    explicit OperationRequestStore(const Database &db);

    // Whether this database has the outbox (PostgreSQL); the calls below fail elsewhere.
    bool available() const;
    // Locks up to `limit` new rows, oldest first. Call inside a Transaction.
    Result<QList<OperationRequest>> claimNew(int limit);
    Status markAccepted(qint64 requestId, qint64 operationId, const QString &claimant);
    Status markRejected(qint64 requestId, const QString &why, const QString &claimant);

private:
    Status mark(
        qint64 requestId, const QString &status, qint64 operationId, const QString &why, const QString &claimant);

    const Database &m_db;
};
