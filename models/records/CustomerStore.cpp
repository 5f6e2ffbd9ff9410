#include "records/CustomerStore.h"

#include "store/Database.h"
#include "store/SqlDialect.h"

#include <QSqlError>
#include <QSqlQuery>

namespace {
const char *kFields = "c.id, c.email, c.first_name, c.last_name, c.phone, c.access";

QJsonObject recordAt(const QSqlQuery &q, int column)
{
    return QJsonObject { { QStringLiteral("id"), q.value(column).toString() },
        { QStringLiteral("email"), q.value(column + 1).toString() },
        { QStringLiteral("first_name"), q.value(column + 2).toString() },
        { QStringLiteral("last_name"), q.value(column + 3).toString() },
        { QStringLiteral("phone"), q.value(column + 4).toString() },
        { QStringLiteral("access"), q.value(column + 5).toString() } };
}

} // namespace

CustomerStore::CustomerStore(const Database &db)
    : m_db(db)
{ }

Status CustomerStore::upsert(const QString &id, const QJsonObject &r)
{
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("INSERT INTO customers (id, email, first_name, last_name, phone, access, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET email = excluded.email, "
                       "first_name = excluded.first_name, last_name = excluded.last_name, phone = excluded.phone, "
                       "access = excluded.access, updated_at = excluded.updated_at"));
    q.addBindValue(id);
    for (const char *field : { "email", "first_name", "last_name", "phone" })
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
    q.prepare(QStringLiteral("SELECT %1 FROM customers c WHERE c.id = ?").arg(QLatin1String(kFields)));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read customer %1").arg(id), q);
    if (!q.next())
        return failure(ErrorClass::Input, QStringLiteral("There is no customer %1.").arg(id));
    return recordAt(q, 0);
}

Result<int> CustomerStore::count() const
{
    QSqlQuery q(m_db.connection());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM customers")) || !q.next())
        return storageError(QStringLiteral("Cannot count customers"), q);
    return q.value(0).toInt();
}

Result<QStringList> CustomerStore::suggestions(const QString &text, int limit) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT id, email FROM customers WHERE %1 OR %2 ORDER BY id LIMIT ?")
                  .arg(m_db.dialect().like(QStringLiteral("id")), m_db.dialect().like(QStringLiteral("email"))));
    const QString pattern = SqlDialect::likeContaining(text.trimmed());
    q.addBindValue(pattern);
    q.addBindValue(pattern);
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up customers"), q);
    QStringList found;
    while (q.next()) {
        const bool byId = q.value(0).toString().contains(text.trimmed(), Qt::CaseInsensitive);
        found << q.value(byId ? 0 : 1).toString();
    }
    return found;
}

Status CustomerStore::linkExternal(
    const QString &entityType, const QString &entityId, const QString &system, const QString &externalId)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral(
        "INSERT INTO external_ids (entity_type, entity_id, system, external_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (entity_type, entity_id, system) DO UPDATE SET external_id = excluded.external_id"));
    for (const QString &v : { entityType, entityId, system, externalId })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot link %1 to %2").arg(entityId, externalId), q);
    return success();
}

Result<QString> CustomerStore::byExternalId(
    const QString &entityType, const QString &system, const QString &externalId) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("SELECT entity_id FROM external_ids WHERE system = ? AND entity_type = ? AND external_id = ?"));
    q.addBindValue(system);
    q.addBindValue(entityType);
    q.addBindValue(externalId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up %1").arg(externalId), q);
    return q.next() ? q.value(0).toString() : QString();
}

Result<QHash<QString, QJsonObject>> CustomerStore::byExternalIds(
    const QString &system, const QStringList &externalIds) const
{
    QHash<QString, QJsonObject> found;
    if (externalIds.isEmpty())
        return found;
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("SELECT x.external_id, %1 FROM external_ids x JOIN customers c ON c.id = x.entity_id "
                       "WHERE x.entity_type = 'customer' AND x.system = ? AND x.external_id IN (%2)")
            .arg(QLatin1String(kFields), QStringList(externalIds.size(), QStringLiteral("?")).join(QLatin1Char(','))));
    q.addBindValue(system);
    for (const QString &id : externalIds)
        q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up %1's contacts").arg(system), q);
    while (q.next())
        found.insert(q.value(0).toString(), recordAt(q, 1));
    return found;
}

Result<QString> CustomerStore::externalId(
    const QString &entityType, const QString &entityId, const QString &system) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("SELECT external_id FROM external_ids WHERE entity_type = ? AND entity_id = ? AND system = ?"));
    q.addBindValue(entityType);
    q.addBindValue(entityId);
    q.addBindValue(system);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up %1").arg(entityId), q);
    return q.next() ? q.value(0).toString() : QString();
}
