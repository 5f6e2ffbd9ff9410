#include "records/DriftFindingStore.h"

#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

DriftFindingStore::DriftFindingStore(const Database &db)
    : m_db(db)
{ }

Status DriftFindingStore::record(const QString &providerId, const QString &entityType, const DriftedRecord &r)
{
    return recordAll(providerId, entityType, { r });
}

Status DriftFindingStore::recordAll(
    const QString &providerId, const QString &entityType, const QList<DriftedRecord> &records)
{
    // Prepared once for the lot: a scan stores a page at a time.
    QSqlQuery forget(m_db.connection());
    forget.prepare(
        QStringLiteral("DELETE FROM drift_findings WHERE provider_id = ? AND entity_type = ? AND external_id = ?"));
    QSqlQuery keep(m_db.connection());
    keep.prepare(
        QStringLiteral("INSERT INTO drift_findings (provider_id, entity_type, external_id, entity_id, fields, "
                       "conflicts, found_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id, entity_type, "
                       "external_id) DO UPDATE SET entity_id = excluded.entity_id, fields = excluded.fields, "
                       "conflicts = excluded.conflicts, found_at = excluded.found_at"));
    for (const DriftedRecord &r : records) {
        QSqlQuery &q = r.fields.isEmpty() ? forget : keep;
        q.addBindValue(providerId);
        q.addBindValue(entityType);
        q.addBindValue(r.externalId);
        if (!r.fields.isEmpty()) {
            QJsonArray fields;
            for (const FieldDiff &d : r.fields)
                fields.append(d.toJson());
            q.addBindValue(sqlText(r.entityId));
            q.addBindValue(QString::fromUtf8(QJsonDocument(fields).toJson(QJsonDocument::Compact)));
            q.addBindValue(r.hasConflict() ? 1 : 0);
            q.addBindValue(nowMs());
        }
        if (!q.exec())
            return storageError(QStringLiteral("Cannot store the drift of %1").arg(r.externalId), q);
    }
    return success();
}

Result<QList<DriftedRecord>> DriftFindingStore::list(const QString &providerId, const QString &entityType) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT entity_id, external_id, fields FROM drift_findings WHERE provider_id = ? AND "
                             "entity_type = ? ORDER BY conflicts DESC, found_at, external_id"));
    q.addBindValue(providerId);
    q.addBindValue(entityType);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the drift found in %1").arg(providerId), q);
    QList<DriftedRecord> records;
    while (q.next()) {
        DriftedRecord r { q.value(0).toString(), q.value(1).toString(), {} };
        for (const QJsonValue &v : QJsonDocument::fromJson(q.value(2).toString().toUtf8()).array())
            r.fields << FieldDiff::fromJson(v.toObject());
        records << r;
    }
    return records;
}

Status DriftFindingStore::clear(const QString &providerId, const QString &entityType)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("DELETE FROM drift_findings WHERE provider_id = ? AND entity_type = ?"));
    q.addBindValue(providerId);
    q.addBindValue(entityType);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot forget the drift found in %1").arg(providerId), q);
    return success();
}
