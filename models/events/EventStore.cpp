#include "events/EventStore.h"

#include "core/Redactor.h"
#include "store/Database.h"
#include "store/SqlDialect.h"

#include <QSqlError>
#include <QSqlQuery>

namespace {
const char *kColumns = "id, source, external_id, type, entity_type, entity_id, operation_id, occurred_at, received_at, "
                       "payload, channel, processed_at, note, deliveries";

Event eventFrom(const QSqlQuery &q)
{
    Event e;
    e.id = q.value(0).toLongLong();
    e.source = q.value(1).toString();
    e.externalId = q.value(2).toString();
    e.type = q.value(3).toString();
    e.entityType = q.value(4).toString();
    e.entityId = q.value(5).toString();
    e.operationId = q.value(6).toLongLong();
    e.occurredAt = q.value(7).toLongLong();
    e.receivedAt = q.value(8).toLongLong();
    e.payload = q.value(9).toString();
    e.channel = q.value(10).toString();
    e.processedAt = q.value(11).toLongLong();
    e.note = q.value(12).toString();
    e.deliveries = q.value(13).toInt();
    return e;
}

QList<Event> collect(QSqlQuery &q)
{
    QList<Event> list;
    while (q.next())
        list << eventFrom(q);
    return list;
}
} // namespace

EventStore::EventStore(const Database &db)
    : m_db(db)
{ }

namespace {
const char *kInsertEvent = "INSERT INTO events (source, external_id, type, entity_type, entity_id, operation_id, "
                           "occurred_at, received_at, payload, channel, processed_at, note) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, external_id) DO NOTHING";

// Both SQLite (3.24+) and PostgreSQL understand ON CONFLICT … DO NOTHING.
const char *kCountAgain = "UPDATE events SET deliveries = deliveries + 1 WHERE source = ? AND external_id = ?";

// A repeated delivery leaves one row, counted, so the timeline can show it.
Result<bool> countAgain(QSqlQuery &q, const Event &e)
{
    q.bindValue(0, e.source);
    q.bindValue(1, e.externalId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot count the repeated delivery of %1").arg(e.externalId), q);
    return false;
}

Result<bool> runInsert(QSqlQuery &q, const Event &e)
{
    const QVariantList values { sqlText(e.source), sqlText(e.externalId), sqlText(e.type), sqlText(e.entityType),
        sqlText(e.entityId), e.operationId ? QVariant(e.operationId) : QVariant(QMetaType::fromType<qint64>()),
        QVariant(e.occurredAt), QVariant(e.receivedAt ? e.receivedAt : nowMs()), sqlText(Redactor::redact(e.payload)),
        sqlText(e.channel), e.processedAt ? QVariant(e.processedAt) : QVariant(QMetaType::fromType<qint64>()),
        sqlText(e.note) };
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store event %1").arg(e.externalId), q);
    return q.numRowsAffected() == 1;
}
} // namespace

Result<bool> EventStore::insertIfNew(const Event &e)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QLatin1String(kInsertEvent));
    auto inserted = runInsert(q, e);
    if (!inserted || inserted.value())
        return inserted;
    QSqlQuery again(m_db.connection());
    again.prepare(QLatin1String(kCountAgain));
    return countAgain(again, e);
}

EventStore::Inserter::Inserter(const Database &db)
    : m_db(db)
    , m_query(db.connection())
    , m_again(db.connection())
{
    m_prepared = m_query.prepare(QLatin1String(kInsertEvent)) && m_again.prepare(QLatin1String(kCountAgain));
}

Result<bool> EventStore::Inserter::insertIfNew(const Event &e)
{
    if (!m_prepared)
        return storageError(QStringLiteral("Cannot prepare the event insert"), m_query);
    auto inserted = runInsert(m_query, e);
    if (!inserted || inserted.value())
        return inserted;
    return countAgain(m_again, e);
}

Result<QList<bool>> EventStore::Inserter::insertDurably(
    const QList<Event> &events, const std::function<void(qsizetype)> &afterEach)
{
    const SqlDialect::DurableCommit durable = m_db.dialect().durableCommit();
    QSqlDatabase connection = m_db.connection();
    auto runAll = [&connection](const QStringList &statements) -> Status {
        for (const QString &sql : statements) {
            QSqlQuery q(connection);
            if (!q.exec(sql))
                return storageError(QStringLiteral("Cannot make the commit durable (%1)").arg(sql), q);
        }
        return success();
    };
    if (Status before = runAll(durable.before); !before)
        return before.error();
    Result<QList<bool>> outcome = [&]() -> Result<QList<bool>> {
        Transaction tx(connection);
        if (!tx.active())
            return failure(ErrorClass::Storage,
                QStringLiteral("Cannot begin storing the events: %1").arg(connection.lastError().text()));
        if (Status inside = runAll(durable.inside); !inside)
            return inside.error();
        QList<bool> inserted;
        inserted.reserve(events.size());
        for (qsizetype i = 0; i < events.size(); ++i) {
            auto one = insertIfNew(events.at(i));
            if (!one)
                return one.error();
            inserted << one.value();
            if (afterEach)
                afterEach(i);
        }
        if (!tx.commit())
            return failure(
                ErrorClass::Storage, QStringLiteral("Cannot commit the events: %1").arg(connection.lastError().text()));
        return inserted;
    }();
    // Back to the connection's everyday setting. Should that fail, later commits are only
    // slower (fsynced too): the batch's outcome stands either way.
    const Status restored = runAll(durable.after);
    Q_UNUSED(restored);
    return outcome;
}

Result<QList<Event>> EventStore::pending(int limit) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM events WHERE processed_at IS NULL ORDER BY id LIMIT ?")
                  .arg(QLatin1String(kColumns)));
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the event queue"), q);
    return collect(q);
}

Status EventStore::markProcessed(const Event &e)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE events SET processed_at = ?, entity_type = ?, entity_id = ?, operation_id = ?, "
                             "note = ? WHERE id = ?"));
    q.addBindValue(e.processedAt ? e.processedAt : nowMs());
    q.addBindValue(sqlText(e.entityType));
    q.addBindValue(sqlText(e.entityId));
    q.addBindValue(e.operationId ? QVariant(e.operationId) : QVariant(QMetaType::fromType<qint64>()));
    q.addBindValue(sqlText(e.note));
    q.addBindValue(e.id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot mark event %1 processed").arg(e.id), q);
    return success();
}

Result<QList<Event>> EventStore::list(const QString &source, const QString &entityId, int limit) const
{
    QStringList where;
    QVariantList values;
    if (!source.isEmpty()) {
        where << QStringLiteral("source = ?");
        values << source;
    }
    if (!entityId.isEmpty()) {
        where << QStringLiteral("entity_id = ?");
        values << entityId;
    }
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM events%2 ORDER BY occurred_at DESC, id DESC LIMIT ?")
                  .arg(QLatin1String(kColumns),
                      where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))));
    for (const QVariant &v : values)
        q.addBindValue(v);
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list events"), q);
    return collect(q);
}

Result<Event> EventStore::latest(const QString &entityType, const QString &entityId, const QString &typePrefix) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM events WHERE entity_type = ? AND entity_id = ? AND type LIKE ? ESCAPE '!' "
                             "ORDER BY occurred_at DESC, id DESC LIMIT 1")
                  .arg(QLatin1String(kColumns)));
    q.addBindValue(entityType);
    q.addBindValue(entityId);
    q.addBindValue(SqlDialect::likeEscaped(typePrefix) + QLatin1Char('%'));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the events of %1 %2").arg(entityType, entityId), q);
    const QList<Event> found = collect(q);
    return found.isEmpty() ? Event() : found.first();
}

Result<QList<Event>> EventStore::forOperations(const QList<qint64> &operationIds, const QStringList &entityIds) const
{
    QStringList clauses;
    QVariantList values;
    if (!operationIds.isEmpty()) {
        clauses << QStringLiteral("operation_id IN (%1)")
                       .arg(QStringList(operationIds.size(), QStringLiteral("?")).join(QLatin1Char(',')));
        for (qint64 id : operationIds)
            values << id;
    }
    if (!entityIds.isEmpty()) {
        clauses << QStringLiteral("entity_id IN (%1)")
                       .arg(QStringList(entityIds.size(), QStringLiteral("?")).join(QLatin1Char(',')));
        for (const QString &id : entityIds)
            values << id;
    }
    if (clauses.isEmpty())
        return QList<Event>();
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM events WHERE %2 ORDER BY occurred_at, id")
                  .arg(QLatin1String(kColumns), clauses.join(QStringLiteral(" OR "))));
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the entity's events"), q);
    return collect(q);
}

Result<qint64> EventStore::lastReceivedAt(const QString &source, const QString &channel) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT COALESCE(MAX(received_at), 0) FROM events WHERE source = ? AND channel = ?"));
    q.addBindValue(source);
    q.addBindValue(channel);
    if (!q.exec() || !q.next())
        return storageError(QStringLiteral("Cannot read the last delivery"), q);
    return q.value(0).toLongLong();
}

Result<QString> EventStore::cursor(const QString &providerId) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT cursor FROM sync_cursors WHERE provider_id = ?"));
    q.addBindValue(providerId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the sync cursor"), q);
    return q.next() ? q.value(0).toString() : QString();
}

Status EventStore::setCursor(const QString &providerId, const QString &cursor)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral(
        "INSERT INTO sync_cursors (provider_id, cursor, synced_at) VALUES (?, ?, ?) "
        "ON CONFLICT (provider_id) DO UPDATE SET cursor = excluded.cursor, synced_at = excluded.synced_at"));
    q.addBindValue(providerId);
    q.addBindValue(sqlText(cursor));
    q.addBindValue(nowMs());
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store the sync cursor"), q);
    return success();
}

Status EventStore::countWebhook(const QString &providerId, const QString &outcome)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("INSERT INTO webhook_counters (provider_id, outcome, count, last_at) VALUES (?, ?, 1, ?) "
                             "ON CONFLICT (provider_id, outcome) DO UPDATE SET count = webhook_counters.count + 1, "
                             "last_at = excluded.last_at"));
    q.addBindValue(providerId);
    q.addBindValue(outcome);
    q.addBindValue(nowMs());
    if (!q.exec())
        return storageError(QStringLiteral("Cannot count the webhook"), q);
    return success();
}

Result<qint64> EventStore::webhookCount(const QString &providerId, const QString &outcome) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT count FROM webhook_counters WHERE provider_id = ? AND outcome = ?"));
    q.addBindValue(providerId);
    q.addBindValue(outcome);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the webhook counters"), q);
    return q.next() ? q.value(0).toLongLong() : 0;
}
