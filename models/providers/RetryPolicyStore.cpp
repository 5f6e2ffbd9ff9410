#include "providers/RetryPolicyStore.h"

#include "store/SqlRun.h"

#include <QStringList>

namespace {
const char *kSelect = "SELECT provider_id, action, max_attempts, base_delay_ms, max_delay_ms, retried_classes, "
                      "deadline_ms, updated_by, updated_at FROM retry_policies";

RetryPolicy policyFrom(const QSqlQuery &q)
{
    RetryPolicy p;
    p.providerId = q.value(0).toString();
    p.action = q.value(1).toString();
    p.maxAttempts = q.value(2).toInt();
    p.baseDelayMs = q.value(3).toLongLong();
    p.maxDelayMs = q.value(4).toLongLong();
    for (const QString &name : q.value(5).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (ErrorClass c = errorClassFromName(name.trimmed()); c != ErrorClass::None)
            p.retriedClasses << c;
    p.deadlineMs = q.value(6).toLongLong();
    p.updatedBy = q.value(7).toString();
    p.updatedAt = q.value(8).toLongLong();
    return p;
}
} // namespace

RetryPolicyStore::RetryPolicyStore(const Database &db)
    : m_db(db)
{ }

Result<RetryPolicy> RetryPolicyStore::effective(
    const QString &providerId, const QString &kind, const QString &action) const
{
    // The action's own row sorts before the provider's ('' is the smallest text).
    auto q = runSql(m_db,
        QString::fromLatin1(kSelect)
            + QStringLiteral(" WHERE provider_id = ? AND action IN (?, '') ORDER BY action DESC LIMIT 1"),
        { sqlText(providerId), sqlText(action) }, QStringLiteral("Cannot read the retry policy of %1").arg(providerId));
    if (!q)
        return q.error();
    if (QSqlQuery &r = q.value(); r.next())
        return policyFrom(r);
    RetryPolicy p = RetryPolicy::defaultsFor(kind);
    p.providerId = providerId;
    return p;
}

Result<QList<RetryPolicy>> RetryPolicyStore::of(const QString &providerId) const
{
    auto q = runSql(m_db, QString::fromLatin1(kSelect) + QStringLiteral(" WHERE provider_id = ? ORDER BY action"),
        { sqlText(providerId) }, QStringLiteral("Cannot read the retry policies of %1").arg(providerId));
    if (!q)
        return q.error();
    QList<RetryPolicy> policies;
    QSqlQuery &r = q.value();
    while (r.next())
        policies << policyFrom(r);
    return policies;
}

Status RetryPolicyStore::upsert(const RetryPolicy &p)
{
    auto q = runSql(m_db,
        QStringLiteral("INSERT INTO retry_policies (provider_id, action, max_attempts, base_delay_ms, max_delay_ms, "
                       "retried_classes, deadline_ms, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (provider_id, action) DO UPDATE SET max_attempts = excluded.max_attempts, "
                       "base_delay_ms = excluded.base_delay_ms, max_delay_ms = excluded.max_delay_ms, "
                       "retried_classes = excluded.retried_classes, deadline_ms = excluded.deadline_ms, "
                       "updated_by = excluded.updated_by, updated_at = excluded.updated_at"),
        { sqlText(p.providerId), sqlText(p.action), p.maxAttempts, p.baseDelayMs, p.maxDelayMs,
            sqlText(p.retriedClassNames().join(QLatin1Char(','))), p.deadlineMs, sqlText(p.updatedBy), p.updatedAt },
        QStringLiteral("Cannot store the retry policy of %1").arg(p.providerId));
    return q ? success() : Status(q.error());
}

Result<bool> RetryPolicyStore::remove(const QString &providerId, const QString &action)
{
    auto q = runSql(m_db, QStringLiteral("DELETE FROM retry_policies WHERE provider_id = ? AND action = ?"),
        { sqlText(providerId), sqlText(action) },
        QStringLiteral("Cannot reset the retry policy of %1").arg(providerId));
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}
