#include "records/OurRecords.h"

#include "events/EventStore.h"
#include "operations/OperationStore.h"
#include "providers/ProviderStore.h"
#include "records/CustomerStore.h"
#include "records/RecordDiff.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace {
const QString kCustomer = QStringLiteral("customer"); // the entity type external ids use

// What a provider's payment status means for our operation; nullopt: not settled yet.
std::optional<OperationState> stateForProviderStatus(const QString &status)
{
    if (status == QLatin1String("succeeded"))
        return OperationState::Succeeded;
    if (status == QLatin1String("requires_payment_method") || status == QLatin1String("canceled"))
        return OperationState::FailedPermanent;
    return std::nullopt;
}
} // namespace

OurRecords::OurRecords(const Database &db)
    : m_db(db)
{ }

Result<OurRecord> OurRecords::find(const QString &entityType, const QString &id, const QString &providerId) const
{
    if (id.trimmed().isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("Give the record's id."));
    if (entityType == QLatin1String("contact"))
        return findContact(id.trimmed(), providerId);
    if (entityType == QLatin1String("payment"))
        return findPayment(id.trimmed());
    return failure(ErrorClass::Input,
        QStringLiteral("There is no record type '%1'; the types are %2.")
            .arg(entityType, FieldMap::entityTypes().join(QStringLiteral(", "))));
}

Result<OurRecord> OurRecords::findContact(const QString &id, const QString &providerId) const
{
    CustomerStore customers(m_db);
    QString customerId;
    QSqlQuery q(m_db.connection());
    // Our id, an e-mail, or any system's id for the customer, in that order.
    q.prepare(QStringLiteral("SELECT id FROM customers WHERE id = ? UNION ALL SELECT id FROM customers WHERE email = ? "
                             "UNION ALL SELECT entity_id FROM external_ids WHERE entity_type = ? AND external_id = ?%1")
                  .arg(providerId.isEmpty() ? QString() : QStringLiteral(" AND system = ?")));
    q.addBindValue(id);
    q.addBindValue(id);
    q.addBindValue(kCustomer);
    q.addBindValue(id);
    if (!providerId.isEmpty())
        q.addBindValue(providerId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up %1").arg(id), q);
    if (!q.next())
        return failure(ErrorClass::Input,
            QStringLiteral("We have no customer known as %1 (our id, e-mail or a system's id).").arg(id));
    customerId = q.value(0).toString();

    OurRecord r;
    r.entityType = QStringLiteral("contact");
    r.entityId = customerId;
    auto fields = customers.get(customerId);
    if (!fields)
        return fields.error();
    r.fields = fields.value();
    q.prepare(QStringLiteral(
        "SELECT system, external_id FROM external_ids WHERE entity_type = ? AND entity_id = ? ORDER BY system"));
    q.addBindValue(kCustomer);
    q.addBindValue(customerId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up %1's ids").arg(customerId), q);
    while (q.next()) {
        if (providerId.isEmpty() || q.value(0).toString() == providerId) {
            r.providerId = q.value(0).toString();
            r.externalId = q.value(1).toString();
            break;
        }
    }
    if (r.externalId.isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("Customer %1 is not linked to %2: there is nothing to compare it with.")
                .arg(customerId, providerId.isEmpty() ? QStringLiteral("any system") : providerId));
    return r;
}

Result<OurRecord> OurRecords::findPayment(const QString &id) const
{
    OperationStore store(m_db);
    bool numeric = false;
    qint64 operationId = id.toLongLong(&numeric);
    if (!numeric) {
        QSqlQuery q(m_db.connection());
        // The provider's id, or our order id (what an import of our payments knows them by).
        q.prepare(QStringLiteral("SELECT id FROM operations WHERE external_id = ? UNION ALL SELECT id FROM operations "
                                 "WHERE action = 'capture_payment' AND entity_id = ? ORDER BY id LIMIT 1"));
        q.addBindValue(id);
        q.addBindValue(id);
        if (!q.exec())
            return storageError(QStringLiteral("Cannot look up %1").arg(id), q);
        if (!q.next())
            return failure(ErrorClass::Input, QStringLiteral("No operation of ours created %1.").arg(id));
        operationId = q.value(0).toLongLong();
    }
    auto op = store.get(operationId);
    if (!op)
        return op.error();
    if (op->externalId.isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("Operation %1 has no provider object yet (it is %2): there is nothing "
                           "to compare it with.")
                .arg(op->id)
                .arg(OperationStates::label(op->state).toLower()));
    return OurRecord { QStringLiteral("payment"), QString::number(op->id), op->providerId, op->externalId,
        RecordDiff::paymentRecordOf(op.value()) };
}

Result<QPair<QString, QString>> OurRecords::recordOfOperation(qint64 operationId) const
{
    auto op = OperationStore(m_db).get(operationId);
    if (!op)
        return op.error();
    auto provider = ProviderStore(m_db).get(op->providerId);
    if (provider && provider->kind == QLatin1String("crm"))
        return qMakePair(QStringLiteral("contact"), op->entityId);
    // A refund or a correction is about the payment intent it names; that is the record.
    const QString paymentIntent = op->payload.value(QStringLiteral("payment_intent")).toString();
    if (!paymentIntent.isEmpty())
        return qMakePair(QStringLiteral("payment"), paymentIntent);
    return qMakePair(QStringLiteral("payment"), QString::number(op->id));
}

Result<QHash<QString, OurRecord>> OurRecords::findByExternalIds(
    const QString &entityType, const QString &providerId, const QStringList &externalIds) const
{
    QHash<QString, OurRecord> found;
    if (entityType == QLatin1String("contact")) {
        auto customers = CustomerStore(m_db).byExternalIds(providerId, externalIds);
        if (!customers)
            return customers.error();
        for (auto it = customers->cbegin(); it != customers->cend(); ++it)
            found.insert(it.key(),
                OurRecord { entityType, it->value(QStringLiteral("id")).toString(), providerId, it.key(), it.value() });
        return found;
    }
    auto operations = OperationStore(m_db).byExternalIds(providerId, externalIds);
    if (!operations)
        return operations.error();
    for (const Operation &op : operations.value()) {
        if (!found.contains(op.externalId)) // the operation that created it, not a later correction
            found.insert(op.externalId,
                OurRecord {
                    entityType, QString::number(op.id), providerId, op.externalId, RecordDiff::paymentRecordOf(op) });
    }
    return found;
}

QJsonObject OurRecords::lastWebhookCopy(const OurRecord &record) const
{
    return lastWebhookCopies({ record }).value(record.entityId);
}

QHash<QString, QJsonObject> OurRecords::lastWebhookCopies(const QList<OurRecord> &records) const
{
    QHash<QString, QJsonObject> copies;
    if (records.isEmpty())
        return copies;
    const bool payments = records.first().entityType == QLatin1String("payment");
    QHash<QString, QString> externalIdOf; // entity id → the provider's id
    QList<qint64> operationIds;
    QStringList entityIds;
    for (const OurRecord &r : records) {
        externalIdOf.insert(r.entityId, r.externalId);
        if (payments)
            operationIds << r.entityId.toLongLong();
        else
            entityIds << r.entityId;
    }
    // Oldest first: the last one about a record wins.
    for (const Event &e : EventStore(m_db).forOperations(operationIds, entityIds).value_or({})) {
        if (e.channel != QLatin1String("webhook") && e.channel != QLatin1String("sync"))
            continue;
        const QString entityId = payments ? QString::number(e.operationId) : e.entityId;
        const QJsonObject payload = QJsonDocument::fromJson(e.payload.toUtf8()).object();
        const QString externalId = externalIdOf.value(entityId);
        if (payload.contains(QStringLiteral("propertyName"))) {
            // HubSpot sends one changed property per event: what we heard last is their sum.
            if (payload.value(QStringLiteral("objectId")).toVariant().toString() != externalId)
                continue;
            QJsonObject object = copies.value(entityId, QJsonObject { { QStringLiteral("id"), externalId } });
            QJsonObject properties = object.value(QStringLiteral("properties")).toObject();
            properties.insert(payload.value(QStringLiteral("propertyName")).toString(),
                payload.value(QStringLiteral("propertyValue")));
            object.insert(QStringLiteral("properties"), properties);
            copies.insert(entityId, object);
            continue;
        }
        // Stripe's events carry the whole object under data.object.
        const QJsonObject o
            = payload.value(QStringLiteral("data")).toObject().value(QStringLiteral("object")).toObject();
        if (!externalId.isEmpty() && o.value(QStringLiteral("id")).toString() == externalId)
            copies.insert(entityId, o);
    }
    return copies;
}

Result<int> OurRecords::countLinked(const QString &entityType, const QString &providerId) const
{
    QSqlQuery q(m_db.connection());
    if (entityType == QLatin1String("payment"))
        q.prepare(QStringLiteral("SELECT COUNT(*) FROM operations WHERE provider_id = ? AND external_id <> ''"));
    else
        q.prepare(QStringLiteral("SELECT COUNT(*) FROM external_ids WHERE entity_type = 'customer' AND system = ?"));
    q.addBindValue(providerId);
    if (!q.exec() || !q.next())
        return storageError(QStringLiteral("Cannot count the records linked to %1").arg(providerId), q);
    return q.value(0).toInt();
}

Status OurRecords::write(
    const OurRecord &record, const QString &ourPath, const QJsonValue &value, const AuditEntry &audit)
{
    if (record.entityType == QLatin1String("contact"))
        return writeContact(record, ourPath, value, audit);
    return writePayment(record, ourPath, value, audit);
}

Status OurRecords::writeContact(
    const OurRecord &record, const QString &ourPath, const QJsonValue &value, const AuditEntry &audit)
{
    static const QStringList columns { QStringLiteral("email"), QStringLiteral("first_name"),
        QStringLiteral("last_name"), QStringLiteral("phone"), QStringLiteral("access") };
    if (!columns.contains(ourPath))
        return failure(ErrorClass::Input, QStringLiteral("Our customers have no field '%1'.").arg(ourPath));
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    // The column name comes from the fixed list above, never from input.
    q.prepare(QStringLiteral("UPDATE customers SET %1 = ?, updated_at = ? WHERE id = ? AND %1 = ?").arg(ourPath));
    q.addBindValue(sqlText(RecordDiff::normalized(value)));
    q.addBindValue(nowMs());
    q.addBindValue(record.entityId);
    q.addBindValue(sqlText(record.fields.value(ourPath).toString()));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot change customer %1").arg(record.entityId), q);
    if (q.numRowsAffected() != 1)
        return failure(ErrorClass::State,
            QStringLiteral("Customer %1 changed while you looked at it; compare again.").arg(record.entityId));
    return AuditLog(m_db).commitWith(tx, audit, QStringLiteral("the change to customer %1").arg(record.entityId));
}

Status OurRecords::writePayment(
    const OurRecord &record, const QString &ourPath, const QJsonValue &value, const AuditEntry &audit)
{
    OperationStore store(m_db);
    auto op = store.get(record.entityId.toLongLong());
    if (!op)
        return op.error();
    if (ourPath == QLatin1String("status")) {
        const auto to = stateForProviderStatus(value.toString());
        if (!to)
            return failure(ErrorClass::Input,
                QStringLiteral("The provider's status '%1' is not final; nothing to accept until "
                               "it settles.")
                    .arg(value.toString()));
        OperationUpdate u;
        u.resolvedBy = audit.actor;
        u.resolution = audit.reason;
        return store.transition(op->id, op->state, *to, u, audit).status();
    }
    if (ourPath == QLatin1String("idempotency_key"))
        return failure(ErrorClass::Input,
            QStringLiteral("An operation keeps its idempotency key for life; it is never "
                           "taken from elsewhere."));
    QJsonObject payload = op->payload;
    QString externalId = op->externalId;
    if (ourPath == QLatin1String("external_id"))
        externalId = value.toString();
    else if (QStringList { QStringLiteral("amount"), QStringLiteral("currency"), QStringLiteral("description") }
                 .contains(ourPath))
        payload.insert(ourPath, value);
    else
        return failure(ErrorClass::Input, QStringLiteral("Our payments have no field '%1'.").arg(ourPath));
    return store.amend(op.value(), payload, externalId, audit);
}
