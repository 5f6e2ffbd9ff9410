#include "events/EventProcessor.h"

#include "records/CustomerStore.h"

#include "operations/OperationStore.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

struct EventProcessor::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : byKey(db)
        , byExternalId(db)
        , newestApplied(db)
        , markProcessed(db)
    {
        byKey.prepare(QStringLiteral("SELECT id FROM operations WHERE idempotency_key = ?"));
        byExternalId.prepare(QStringLiteral("SELECT id FROM operations WHERE external_id = ? ORDER BY id LIMIT 1"));
        newestApplied.prepare(QStringLiteral("SELECT COALESCE(MAX(occurred_at), 0) FROM events WHERE operation_id = ? "
                                             "AND id <> ? AND processed_at IS NOT NULL AND channel <> 'internal'"));
        markProcessed.prepare(QStringLiteral("UPDATE events SET processed_at = ?, entity_type = ?, entity_id = ?, "
                                             "operation_id = ?, note = ? WHERE id = ?"));
    }

    // The operation an object is about: by our key in its metadata, or by the provider's id
    // we stored (two indexed lookups rather than one OR, which would scan every operation).
    qint64 findOperation(const QString &objectId, const QString &key)
    {
        if (!key.isEmpty()) {
            byKey.bindValue(0, key);
            if (byKey.exec() && byKey.next())
                return byKey.value(0).toLongLong();
        }
        if (objectId.isEmpty())
            return 0;
        byExternalId.bindValue(0, objectId);
        return byExternalId.exec() && byExternalId.next() ? byExternalId.value(0).toLongLong() : 0;
    }

    // The newest provider event already applied to the operation, by its own time.
    qint64 newestAppliedAt(qint64 operationId, qint64 excludingEvent)
    {
        newestApplied.bindValue(0, operationId);
        newestApplied.bindValue(1, excludingEvent);
        return newestApplied.exec() && newestApplied.next() ? newestApplied.value(0).toLongLong() : 0;
    }

    Status done(const Event &e)
    {
        markProcessed.bindValue(0, nowMs());
        markProcessed.bindValue(1, sqlText(e.entityType));
        markProcessed.bindValue(2, sqlText(e.entityId));
        markProcessed.bindValue(3, e.operationId ? QVariant(e.operationId) : QVariant(QMetaType::fromType<qint64>()));
        markProcessed.bindValue(4, sqlText(e.note));
        markProcessed.bindValue(5, e.id);
        if (!markProcessed.exec())
            return failure(ErrorClass::Storage,
                QStringLiteral("Cannot mark event %1 processed: %2").arg(e.id).arg(markProcessed.lastError().text()));
        return success();
    }

    QSqlQuery byKey;
    QSqlQuery byExternalId;
    QSqlQuery newestApplied;
    QSqlQuery markProcessed;
};

EventProcessor::EventProcessor(const Database &db)
    : m_db(db)
{ }

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
    Statements statements(m_db.connection());
    for (const Event &e : events.value()) {
        Status done = process(e, statements);
        if (!done)
            return done.error();
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the processed events."));
    return static_cast<int>(events->size());
}

namespace {
// Payments events (Stripe's names) that settle an operation, and the state each says it reached.
struct Settling
{
    const char *type;
    OperationState state;
};
const Settling kPaymentsSettling[] = {
    { "payment_intent.succeeded", OperationState::Succeeded },
    { "payment_intent.payment_failed", OperationState::FailedPermanent },
    { "charge.refunded", OperationState::Succeeded },
    { "refund.created", OperationState::Succeeded },
};
// CRM contact changes (HubSpot's subscription types) that go on our customer's timeline.
const char *const kCrmTypes[] = { "contact.creation", "contact.propertyChange" };
} // namespace

QStringList EventProcessor::listenedTypes(const QString &providerKind)
{
    QStringList types;
    if (providerKind == QLatin1String("payments")) {
        for (const Settling &s : kPaymentsSettling)
            types << QString::fromLatin1(s.type);
    } else if (providerKind == QLatin1String("crm")) {
        for (const char *type : kCrmTypes)
            types << QString::fromLatin1(type);
    }
    return types;
}

std::optional<OperationState> EventProcessor::settles(const QString &type)
{
    for (const Settling &s : kPaymentsSettling) {
        if (type == QLatin1String(s.type))
            return s.state;
    }
    return std::nullopt;
}

QString EventProcessor::settleUnknown(qint64 operationId, OperationState to, const QJsonObject &object)
{
    OperationUpdate u;
    u.externalId = object.value(QStringLiteral("id")).toString();
    u.lastErrorClass = to == OperationState::Succeeded ? ErrorClass::None : ErrorClass::Client;
    const QJsonObject lastError = object.value(QStringLiteral("last_payment_error")).toObject();
    u.lastError = to == OperationState::Succeeded
        ? QString()
        : QStringLiteral("Card declined (%1): retrying will not help; contact the customer.")
              .arg(lastError.value(QStringLiteral("decline_code")).toString(QStringLiteral("declined")));
    auto settled = OperationStore(m_db).transition(operationId, OperationState::UnknownOutcome, to, u);
    return settled ? QStringLiteral("settled the unknown outcome as %1").arg(OperationStates::name(to))
                   : QStringLiteral("could not settle: %1").arg(settled.message());
}

Result<bool> EventProcessor::settleFromEarlierEvents(qint64 operationId)
{
    auto op = OperationStore(m_db).get(operationId);
    if (!op)
        return op.error();
    if (op->state != OperationState::UnknownOutcome)
        return false;
    auto events = EventStore(m_db).forOperations({ operationId }, {});
    if (!events)
        return events.error();
    // The provider's last word on it, by the event's own time (the list is oldest first).
    for (auto e = events->crbegin(); e != events->crend(); ++e) {
        if (e->channel != QLatin1String("webhook") && e->channel != QLatin1String("sync"))
            continue;
        const std::optional<OperationState> says = settles(e->type);
        if (!says)
            continue;
        const QJsonObject object = QJsonDocument::fromJson(e->payload.toUtf8())
                                       .object()
                                       .value(QStringLiteral("data"))
                                       .toObject()
                                       .value(QStringLiteral("object"))
                                       .toObject();
        return settleUnknown(operationId, *says, object).startsWith(QLatin1String("settled"));
    }
    return false;
}

Status EventProcessor::process(Event e, Statements &statements)
{
    const QJsonObject payload = QJsonDocument::fromJson(e.payload.toUtf8()).object();
    if (payload.contains(QStringLiteral("objectId")) && payload.contains(QStringLiteral("subscriptionType"))) {
        // A CRM change (HubSpot's shape): it belongs on our customer's timeline.
        const QString contactId = payload.value(QStringLiteral("objectId")).toVariant().toString();
        const QString customer
            = CustomerStore(m_db).byExternalId(QStringLiteral("customer"), e.source, contactId).value_or({});
        e.entityType = QStringLiteral("customer");
        e.entityId = customer.isEmpty() ? contactId : customer;
        const QString property = payload.value(QStringLiteral("propertyName")).toString();
        e.note = customer.isEmpty() ? QStringLiteral("contact %1 is not linked to a customer of ours").arg(contactId)
            : property.isEmpty()    ? QStringLiteral("recorded")
                                    : QStringLiteral("%1 changed in the CRM").arg(property);
        return statements.done(e);
    }
    const QJsonObject object
        = payload.value(QStringLiteral("data")).toObject().value(QStringLiteral("object")).toObject();
    const QString objectId = object.value(QStringLiteral("id")).toString();
    const QString key
        = object.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("reconsole_key")).toString();
    OperationStore operations(m_db);
    e.operationId = statements.findOperation(objectId, key);
    if (e.operationId == 0) {
        e.entityType = object.value(QStringLiteral("object")).toString();
        e.entityId = objectId;
        e.note = QStringLiteral("no operation of ours refers to %1").arg(objectId.isEmpty() ? e.externalId : objectId);
        return statements.done(e);
    }
    auto op = operations.get(e.operationId);
    if (!op)
        return op.error();
    e.entityType = op->entityType;
    e.entityId = op->entityId;

    const std::optional<OperationState> says = settles(e.type);
    const bool succeeded = says == OperationState::Succeeded;
    const bool failed = says == OperationState::FailedPermanent;
    const qint64 newest = statements.newestAppliedAt(e.operationId, e.id);
    if (newest > e.occurredAt) {
        e.note = QStringLiteral("out of order: older than an event already applied; ignored");
    } else if (op->state == OperationState::UnknownOutcome && says) {
        e.note = settleUnknown(e.operationId, *says, object);
    } else if ((failed && op->state == OperationState::Succeeded)
        || (succeeded && op->state == OperationState::FailedPermanent)) {
        e.note = QStringLiteral("contradicts the operation's state (%1)").arg(OperationStates::name(op->state));
    } else {
        e.note = QStringLiteral("recorded");
    }
    return statements.done(e);
}
