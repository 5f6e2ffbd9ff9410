#include "EventProcessor.h"

#include "Database.h"
#include "OperationStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {
// The operation an object is about: by the provider's id we stored, or by our key in its metadata.
qint64 findOperation(const Database &db, const QString &objectId, const QString &key)
{
    // Two indexed lookups rather than one OR, which would scan every operation.
    QSqlQuery q(db.connection());
    if (!key.isEmpty()) {
        q.prepare(QStringLiteral("SELECT id FROM operations WHERE idempotency_key = ?"));
        q.addBindValue(key);
        if (q.exec() && q.next())
            return q.value(0).toLongLong();
    }
    if (objectId.isEmpty())
        return 0;
    q.prepare(QStringLiteral("SELECT id FROM operations WHERE external_id = ? ORDER BY id LIMIT 1"));
    q.addBindValue(objectId);
    return q.exec() && q.next() ? q.value(0).toLongLong() : 0;
}

// The newest provider event already applied to the operation, by its own time.
qint64 newestAppliedAt(const Database &db, qint64 operationId, qint64 excludingEvent)
{
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral("SELECT COALESCE(MAX(occurred_at), 0) FROM events WHERE operation_id = ? AND id <> ? AND "
                             "processed_at IS NOT NULL AND channel <> 'internal'"));
    q.addBindValue(operationId);
    q.addBindValue(excludingEvent);
    return q.exec() && q.next() ? q.value(0).toLongLong() : 0;
}
} // namespace

EventProcessor::EventProcessor(const Database &db)
    : m_db(db)
{
}

Result<int> EventProcessor::processPending(int limit)
{
    auto events = EventStore(m_db).pending(limit);
    if (!events)
        return events.error();
    if (events->isEmpty())
        return 0;
    // One transaction per batch: a burst costs one commit, not one per event. Settling an
    // operation opens its own (nested use is refused by the driver, so that one stands alone).
    Transaction tx(m_db.connection());
    for (const Event &e : events.value()) {
        Status done = process(e);
        if (!done)
            return done.error();
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the processed events."));
    return static_cast<int>(events->size());
}

Status EventProcessor::process(Event e)
{
    const QJsonObject payload = QJsonDocument::fromJson(e.payload.toUtf8()).object();
    const QJsonObject object = payload.value(QStringLiteral("data")).toObject().value(QStringLiteral("object")).toObject();
    const QString objectId = object.value(QStringLiteral("id")).toString();
    const QString key = object.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("reconsole_key")).toString();
    OperationStore operations(m_db);
    e.operationId = objectId.isEmpty() && key.isEmpty() ? 0 : findOperation(m_db, objectId, key);
    if (e.operationId == 0) {
        e.entityType = object.value(QStringLiteral("object")).toString();
        e.entityId = objectId;
        e.note = QStringLiteral("no operation of ours refers to %1").arg(objectId.isEmpty() ? e.externalId : objectId);
        return EventStore(m_db).markProcessed(e);
    }
    auto op = operations.get(e.operationId);
    if (!op)
        return op.error();
    e.entityType = op->entityType;
    e.entityId = op->entityId;

    const bool succeeded = e.type == QLatin1String("payment_intent.succeeded") || e.type == QLatin1String("refund.created")
        || e.type == QLatin1String("charge.refunded");
    const bool failed = e.type == QLatin1String("payment_intent.payment_failed");
    const qint64 newest = newestAppliedAt(m_db, e.operationId, e.id);
    if (newest > e.occurredAt) {
        e.note = QStringLiteral("out of order: older than an event already applied; ignored");
    } else if (op->state == OperationState::UnknownOutcome && (succeeded || failed)) {
        OperationUpdate u;
        u.externalId = objectId;
        u.lastErrorClass = succeeded ? ErrorClass::None : ErrorClass::Client;
        const QJsonObject lastError = object.value(QStringLiteral("last_payment_error")).toObject();
        u.lastError = succeeded ? QString()
                                : QStringLiteral("Card declined (%1): retrying will not help; contact the customer.")
                                      .arg(lastError.value(QStringLiteral("decline_code")).toString(QStringLiteral("declined")));
        const OperationState to = succeeded ? OperationState::Succeeded : OperationState::FailedPermanent;
        Status settled = operations.transition(e.operationId, OperationState::UnknownOutcome, to, u);
        e.note = settled ? QStringLiteral("settled the unknown outcome as %1").arg(OperationStates::name(to))
                         : QStringLiteral("could not settle: %1").arg(settled.message());
    } else if ((failed && op->state == OperationState::Succeeded) || (succeeded && op->state == OperationState::FailedPermanent)) {
        e.note = QStringLiteral("contradicts the operation's state (%1)").arg(OperationStates::name(op->state));
    } else {
        e.note = QStringLiteral("recorded");
    }
    return EventStore(m_db).markProcessed(e);
}
