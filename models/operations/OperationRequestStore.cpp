#include "operations/OperationRequestStore.h"

#include "core/Redactor.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QSqlQuery>

OperationRequestStore::OperationRequestStore(const Database &db)
    : m_db(db)
{ }

bool OperationRequestStore::available() const
{
    return m_db.dialect().name() == QLatin1String("postgresql");
}

Result<QList<OperationRequest>> OperationRequestStore::claimNew(int limit)
{
    if (!available())
        return failure(ErrorClass::Input, QStringLiteral("The operation_requests outbox exists on PostgreSQL only."));
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT id, action, provider, entity_type, entity_id, payload::text, idempotency_key, "
                             "COALESCE((EXTRACT(EPOCH FROM not_before) * 1000)::BIGINT, 0) FROM operation_requests "
                             "WHERE status = 'new' ORDER BY id LIMIT ?%1")
                  .arg(m_db.dialect().skipLocked()));
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot claim operation requests"), q);
    QList<OperationRequest> rows;
    while (q.next()) {
        OperationRequest r;
        r.id = q.value(0).toLongLong();
        r.action = q.value(1).toString();
        r.providerId = q.value(2).toString();
        r.entityType = q.value(3).toString();
        r.entityId = q.value(4).toString();
        const QJsonDocument payload = QJsonDocument::fromJson(q.value(5).toString().toUtf8());
        r.payloadIsObject = payload.isObject();
        r.payload = payload.object();
        r.idempotencyKey = q.value(6).toString();
        r.notBefore = q.value(7).toLongLong();
        rows << r;
    }
    return rows;
}

Status OperationRequestStore::mark(
    qint64 requestId, const QString &status, qint64 operationId, const QString &why, const QString &claimant)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE operation_requests SET status = ?, operation_id = ?, error = ?, "
                             "processed_at = now(), processed_by = ? WHERE id = ? AND status = 'new'"));
    q.addBindValue(status);
    q.addBindValue(operationId > 0 ? QVariant(operationId) : QVariant(QMetaType(QMetaType::LongLong)));
    q.addBindValue(sqlText(Redactor::redact(why)));
    q.addBindValue(claimant);
    q.addBindValue(requestId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot mark operation request %1").arg(requestId), q);
    if (q.numRowsAffected() != 1)
        return failure(ErrorClass::State, QStringLiteral("Operation request %1 was already taken.").arg(requestId));
    return success();
}

Status OperationRequestStore::markAccepted(qint64 requestId, qint64 operationId, const QString &claimant)
{
    return mark(requestId, QStringLiteral("accepted"), operationId, {}, claimant);
}

Status OperationRequestStore::markRejected(qint64 requestId, const QString &why, const QString &claimant)
{
    return mark(requestId, QStringLiteral("rejected"), 0, why, claimant);
}
