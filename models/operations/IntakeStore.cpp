#include "operations/IntakeStore.h"

#include "operations/OperationStore.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QSqlQuery>

IntakeStore::IntakeStore(const Database &db)
    : m_db(db)
{ }

IntakeStore::~IntakeStore() = default;

Result<IntakeStore::Accepted> IntakeStore::accept(const IntakeRecord &record)
{
    const Operation &op = record.operation;
    const qint64 now = nowMs();
    Accepted stored { record, false };
    Operation &made = stored.record.operation;
    made.idempotencyKey = operationKey(record.clientKey);
    made.state = OperationState::Pending;
    made.createdAt = made.updatedAt = now;
    stored.record.notBefore = record.notBefore > 0 ? record.notBefore : now;
    made.nextAttemptAt = stored.record.notBefore;
    // ON CONFLICT DO NOTHING rather than a failed insert: inside the outbox's transaction on
    // PostgreSQL, a unique violation would abort every other row claimed with this one.
    if (!m_insert) {
        m_insert = std::make_unique<QSqlQuery>(m_db.connection());
        if (!m_insert->prepare(QStringLiteral(
                "INSERT INTO operations (action, entity_type, entity_id, provider_id, payload, idempotency_key, "
                "state, created_at, updated_at, client_key, request_hash, not_before, next_attempt_at) VALUES (?, ?, "
                "?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id"))) {
            Error e = storageError(QStringLiteral("Cannot store the operation"), *m_insert);
            m_insert.reset();
            return e;
        }
    }
    QSqlQuery &q = *m_insert;
    int i = 0;
    for (const QVariant &v : { sqlText(op.action), sqlText(op.entityType), sqlText(op.entityId), sqlText(op.providerId),
             QVariant(QString::fromUtf8(QJsonDocument(op.payload).toJson(QJsonDocument::Compact))),
             QVariant(made.idempotencyKey), QVariant(now), QVariant(now), sqlText(record.clientKey),
             sqlText(record.requestHash), QVariant(stored.record.notBefore), QVariant(stored.record.notBefore) })
        q.bindValue(i++, v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store the operation"), q);
    if (q.next()) {
        made.id = q.value(0).toLongLong();
        q.finish();
        return stored;
    }
    q.finish();
    auto earlier = byClientKey(record.clientKey);
    if (!earlier)
        return earlier.error();
    if (earlier->requestHash != record.requestHash)
        return failure(ErrorClass::Conflict,
            QStringLiteral("Keys for idempotent requests can only be used with the same parameters they were first "
                           "used with. The key %1 was first used for operation %2.")
                .arg(record.clientKey)
                .arg(earlier->operation.id));
    return Accepted { earlier.value(), true };
}

Result<IntakeRecord> IntakeStore::find(const char *column, const QVariant &value) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral(
        "SELECT id, client_key, request_hash, not_before FROM operations WHERE %1 = ? AND client_key <> ''")
                  .arg(QLatin1String(column)));
    q.addBindValue(value);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up the operation"), q);
    if (!q.next())
        return failure(ErrorClass::Input, QStringLiteral("There is no operation %1.").arg(value.toString()));
    IntakeRecord r;
    r.clientKey = q.value(1).toString();
    r.requestHash = q.value(2).toString();
    r.notBefore = q.value(3).toLongLong();
    auto op = OperationStore(m_db).get(q.value(0).toLongLong());
    if (!op)
        return op.error();
    r.operation = op.value();
    return r;
}

Result<IntakeRecord> IntakeStore::get(qint64 id) const
{
    return find("id", id);
}

Result<IntakeRecord> IntakeStore::byClientKey(const QString &clientKey) const
{
    return find("idempotency_key", operationKey(clientKey)); // through its unique index
}

Result<QList<qint64>> IntakeStore::claimReady(qint64 now, int limit, const QString &claimant, qint64 claimedUntil)
{
    return OperationStore(m_db).claimWhere(
        QStringLiteral("state = 'pending' AND next_attempt_at > 0 AND client_key <> ''"), now, limit, claimant,
        claimedUntil);
}

Status IntakeStore::countRefusal(const QString &outcome)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("INSERT INTO intake_counters (outcome, count, last_at) VALUES (?, 1, ?) ON CONFLICT "
                             "(outcome) DO UPDATE SET count = intake_counters.count + 1, last_at = excluded.last_at"));
    q.addBindValue(outcome);
    q.addBindValue(nowMs());
    if (!q.exec())
        return storageError(QStringLiteral("Cannot count the refused request"), q);
    return success();
}

Result<qint64> IntakeStore::refusals(const QString &outcome) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT count FROM intake_counters WHERE outcome = ?"));
    q.addBindValue(outcome);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the intake counters"), q);
    return q.next() ? q.value(0).toLongLong() : 0;
}
