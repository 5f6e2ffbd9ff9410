#include "records/FieldMapStore.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace {
QString compact(const FieldMap &map)
{
    return QString::fromUtf8(QJsonDocument(map.toJson()).toJson(QJsonDocument::Compact));
}
} // namespace

FieldMapStore::FieldMapStore(const Database &db)
    : m_db(db)
{ }

Result<FieldMap> FieldMapStore::load(const QString &entityType) const
{
    if (!FieldMap::entityTypes().contains(entityType))
        return failure(ErrorClass::Input,
            QStringLiteral("There is no field map for '%1'; the record types are %2.")
                .arg(entityType, FieldMap::entityTypes().join(QStringLiteral(", "))));
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT field, our_path, provider_path, owner FROM field_rules WHERE entity_type = ? "
                             "ORDER BY position"));
    q.addBindValue(entityType);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the %1 field map").arg(entityType), q);
    FieldMap map;
    map.entityType = entityType;
    while (q.next())
        map.rules << FieldRule { q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
            RecordDiff::ownerFromName(q.value(3).toString()).value_or(FieldOwner::Provider) };
    return map.rules.isEmpty() ? FieldMap::defaults(entityType) : map;
}

Status FieldMapStore::save(const FieldMap &map, const AccessPolicy &access, const QString &reason)
{
    const QString target = QStringLiteral("fieldmap:%1").arg(map.entityType);
    Status allowed = access.require(Permission::ManageCredentials, m_db, QStringLiteral("fieldmap.edit"), target);
    if (!allowed)
        return allowed;
    const QString problem = map.problem();
    if (!problem.isEmpty())
        return failure(ErrorClass::Input, problem);
    auto before = load(map.entityType);
    if (!before)
        return before.error();
    if (compact(before.value()) == compact(map))
        return success(); // nothing changed: nothing to audit

    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("DELETE FROM field_rules WHERE entity_type = ?"));
    q.addBindValue(map.entityType);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot change the %1 field map").arg(map.entityType), q);
    q.prepare(QStringLiteral("INSERT INTO field_rules (entity_type, position, field, our_path, provider_path, owner) "
                             "VALUES (?, ?, ?, ?, ?, ?)"));
    for (int i = 0; i < map.rules.size(); ++i) {
        const FieldRule &r = map.rules.at(i);
        q.addBindValue(map.entityType);
        q.addBindValue(i);
        q.addBindValue(r.field);
        q.addBindValue(r.ourPath);
        q.addBindValue(r.providerPath.trimmed());
        q.addBindValue(RecordDiff::ownerName(r.owner));
        if (!q.exec())
            return storageError(QStringLiteral("Cannot store field '%1'").arg(r.field), q);
    }
    AuditEntry e;
    e.actor = access.actor();
    e.action = QStringLiteral("fieldmap.edit");
    e.target = target;
    e.reason = reason;
    e.before = compact(before.value());
    e.after = compact(map);
    return AuditLog(m_db).commitWith(tx, e, QStringLiteral("the %1 field map").arg(map.entityType));
}

Status FieldMapStore::restoreDefaults(const QString &entityType, const AccessPolicy &access)
{
    return save(FieldMap::defaults(entityType), access, QStringLiteral("restored the shipped defaults"));
}
