#include "records/IgnoreDecisionStore.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "core/Redactor.h"
#include "store/Database.h"

#include <QSqlError>
#include <QSqlQuery>

IgnoreDecisionStore::IgnoreDecisionStore(const Database &db)
    : m_db(db)
{ }

Status IgnoreDecisionStore::ignore(const QString &entityType, const QString &entityId, const FieldDiff &diff,
    const QString &reason, const AccessPolicy &access)
{
    const QString target = QStringLiteral("%1:%2").arg(entityType, entityId);
    Status allowed = access.require(Permission::HandleOperations, m_db, QStringLiteral("record.ignore"), target);
    if (!allowed)
        return allowed;
    if (reason.trimmed().isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("Give a reason: whoever sees this difference next reads why it "
                           "was left as it is."));
    if (!diff.differs())
        return failure(ErrorClass::Input,
            QStringLiteral("'%1' agrees on both sides; there is nothing to ignore.").arg(diff.field));
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral(
        "INSERT INTO diff_ignores (entity_type, entity_id, field, ours, provider, reason, actor, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity_type, entity_id, field) DO UPDATE SET "
        "ours = excluded.ours, provider = excluded.provider, reason = excluded.reason, "
        "actor = excluded.actor, created_at = excluded.created_at"));
    q.addBindValue(entityType);
    q.addBindValue(entityId);
    q.addBindValue(diff.field);
    q.addBindValue(sqlText(Redactor::redact(RecordDiff::normalized(diff.ours))));
    q.addBindValue(sqlText(Redactor::redact(RecordDiff::normalized(diff.provider))));
    q.addBindValue(Redactor::redact(reason.trimmed()));
    q.addBindValue(access.actor());
    q.addBindValue(nowMs());
    if (!q.exec())
        return storageError(QStringLiteral("Cannot remember the decision on '%1'").arg(diff.field), q);
    AuditEntry e;
    e.actor = access.actor();
    e.action = QStringLiteral("record.ignore");
    e.target = target;
    e.reason = reason.trimmed();
    e.before = QStringLiteral("%1: ours %2, provider %3")
                   .arg(diff.field, RecordDiff::shown(diff.ours), RecordDiff::shown(diff.provider));
    e.after = QStringLiteral("%1: ignored while both sides keep these values").arg(diff.field);
    return AuditLog(m_db).commitWith(tx, e, QStringLiteral("the decision on '%1'").arg(diff.field));
}

Status IgnoreDecisionStore::apply(const QString &entityType, const QString &entityId, QList<FieldDiff> &diffs) const
{
    QHash<QString, QList<FieldDiff>> one { { entityId, diffs } };
    Status applied = applyAll(entityType, one);
    diffs = one.value(entityId);
    return applied;
}

Status IgnoreDecisionStore::applyAll(const QString &entityType, QHash<QString, QList<FieldDiff>> &diffsByEntity) const
{
    if (diffsByEntity.isEmpty())
        return success();
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("SELECT entity_id, field, ours, provider, reason, actor FROM diff_ignores WHERE entity_type = ? "
                       "AND entity_id IN (%1)")
            .arg(QStringList(diffsByEntity.size(), QStringLiteral("?")).join(QLatin1Char(','))));
    q.addBindValue(entityType);
    for (auto it = diffsByEntity.cbegin(); it != diffsByEntity.cend(); ++it)
        q.addBindValue(it.key());
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the decisions on %1 records").arg(diffsByEntity.size()), q);
    while (q.next()) {
        for (FieldDiff &d : diffsByEntity[q.value(0).toString()]) {
            if (d.field != q.value(1).toString() || !d.differs())
                continue;
            // Either side moved since the decision: it no longer covers this difference.
            if (RecordDiff::same(d.ours, q.value(2).toString()) && RecordDiff::same(d.provider, q.value(3).toString()))
                d.ignoredBecause = QStringLiteral("%1 (%2)").arg(q.value(4).toString(), q.value(5).toString());
        }
    }
    return success();
}
