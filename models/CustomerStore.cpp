#include "CustomerStore.h"

#include "Database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace {
Error storageError(const QString &what, const QSqlQuery &q)
{
    return failure(ErrorClass::Storage, QStringLiteral("%1: %2").arg(what, q.lastError().text()));
}
} // namespace

CustomerStore::CustomerStore(const Database &db)
    : m_db(db)
{
}

Status CustomerStore::upsert(const QString &id, const QJsonObject &r)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("INSERT INTO customers (id, email, first_name, last_name, phone, access, updated_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET email = excluded.email, "
                             "first_name = excluded.first_name, last_name = excluded.last_name, phone = excluded.phone, "
                             "access = excluded.access, updated_at = excluded.updated_at"));
    q.addBindValue(id);
    for (const char *field : {"email", "first_name", "last_name", "phone"})
        q.addBindValue(sqlText(r.value(QLatin1String(field)).toString()));
    q.addBindValue(sqlText(r.value(QStringLiteral("access")).toString(QStringLiteral("basic"))));
    q.addBindValue(nowMs());
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store customer %1").arg(id), q);
    return success();
}

Result<QJsonObject> CustomerStore::get(const QString &id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT email, first_name, last_name, phone, access FROM customers WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read customer %1").arg(id), q);
    if (!q.next())
        return failure(ErrorClass::Input, QStringLiteral("There is no customer %1.").arg(id));
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("email"), q.value(0).toString()},
                       {QStringLiteral("first_name"), q.value(1).toString()},
                       {QStringLiteral("last_name"), q.value(2).toString()},
                       {QStringLiteral("phone"), q.value(3).toString()},
                       {QStringLiteral("access"), q.value(4).toString()}};
}

Result<int> CustomerStore::count() const
{
    QSqlQuery q(m_db.connection());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM customers")) || !q.next())
        return storageError(QStringLiteral("Cannot count customers"), q);
    return q.value(0).toInt();
}

Status CustomerStore::linkExternal(const QString &entityType, const QString &entityId, const QString &system,
                                   const QString &externalId)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("INSERT INTO external_ids (entity_type, entity_id, system, external_id) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (entity_type, entity_id, system) DO UPDATE SET external_id = excluded.external_id"));
    for (const QString &v : {entityType, entityId, system, externalId})
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot link %1 to %2").arg(entityId, externalId), q);
    return success();
}

Result<QString> CustomerStore::byExternalId(const QString &entityType, const QString &system,
                                            const QString &externalId) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT entity_id FROM external_ids WHERE system = ? AND entity_type = ? AND external_id = ?"));
    q.addBindValue(system);
    q.addBindValue(entityType);
    q.addBindValue(externalId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up %1").arg(externalId), q);
    return q.next() ? q.value(0).toString() : QString();
}

Result<QString> CustomerStore::externalId(const QString &entityType, const QString &entityId, const QString &system) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT external_id FROM external_ids WHERE entity_type = ? AND entity_id = ? AND system = ?"));
    q.addBindValue(entityType);
    q.addBindValue(entityId);
    q.addBindValue(system);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up %1").arg(entityId), q);
    return q.next() ? q.value(0).toString() : QString();
}
