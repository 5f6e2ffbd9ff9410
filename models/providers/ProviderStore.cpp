#include "providers/ProviderStore.h"

#include "store/Database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace {
const char *kSelect = "SELECT id, kind, display_name, base_url, credential_id, rate_per_second, burst, timeout_ms, "
                      "environment, purpose, owner, extra_ca_pem, enabled, retry_headroom_percent, "
                      "idempotency_window_hours, bulk_approval_above FROM providers";

ProviderConfig providerFrom(const QSqlQuery &q)
{
    ProviderConfig p;
    p.id = q.value(0).toString();
    p.kind = q.value(1).toString();
    p.displayName = q.value(2).toString();
    p.baseUrl = q.value(3).toString();
    p.credentialId = q.value(4).toString();
    p.ratePerSecond = q.value(5).toDouble();
    p.burst = q.value(6).toInt();
    p.timeoutMs = q.value(7).toInt();
    p.environment = q.value(8).toString();
    p.purpose = q.value(9).toString();
    p.owner = q.value(10).toString();
    p.extraCaPem = q.value(11).toString();
    p.enabled = q.value(12).toInt() != 0;
    p.retryHeadroomPercent = q.value(13).toInt();
    p.idempotencyWindowHours = q.value(14).toInt();
    p.bulkApprovalAbove = q.value(15).toInt();
    return p;
}
} // namespace

ProviderStore::ProviderStore(const Database &db)
    : m_db(db)
{ }

Status ProviderStore::upsert(const ProviderConfig &p)
{
    // One statement, no DELETE: the admin role may insert and update providers, not delete them
    // (TeamRoles), and a provider's row is never gone, even for a moment.
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("INSERT INTO providers (id, kind, display_name, base_url, credential_id, rate_per_second, "
                       "burst, timeout_ms, environment, purpose, owner, extra_ca_pem, enabled, retry_headroom_percent, "
                       "idempotency_window_hours, bulk_approval_above) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                       "kind = excluded.kind, display_name = excluded.display_name, base_url = excluded.base_url, "
                       "credential_id = excluded.credential_id, rate_per_second = excluded.rate_per_second, "
                       "burst = excluded.burst, timeout_ms = excluded.timeout_ms, "
                       "environment = excluded.environment, purpose = excluded.purpose, owner = excluded.owner, "
                       "extra_ca_pem = excluded.extra_ca_pem, enabled = excluded.enabled, "
                       "retry_headroom_percent = excluded.retry_headroom_percent, "
                       "idempotency_window_hours = excluded.idempotency_window_hours, "
                       "bulk_approval_above = excluded.bulk_approval_above"));
    for (const QVariant &v :
        { sqlText(p.id), sqlText(p.kind), sqlText(p.displayName), sqlText(p.baseUrl), sqlText(p.credentialId),
            QVariant(p.ratePerSecond), QVariant(p.burst), QVariant(p.timeoutMs), sqlText(p.environment),
            sqlText(p.purpose), sqlText(p.owner), sqlText(p.extraCaPem), QVariant(p.enabled ? 1 : 0),
            QVariant(p.retryHeadroomPercent), QVariant(p.idempotencyWindowHours), QVariant(p.bulkApprovalAbove) })
        q.addBindValue(v);
    if (!q.exec())
        return failure(
            ErrorClass::Storage, QStringLiteral("Cannot store provider %1: %2").arg(p.id, q.lastError().text()));
    return success();
}

Result<ProviderConfig> ProviderStore::get(const QString &id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QLatin1String(kSelect) + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return failure(
            ErrorClass::Storage, QStringLiteral("Cannot read provider %1: %2").arg(id, q.lastError().text()));
    if (!q.next())
        return failure(ErrorClass::Input,
            QStringLiteral("No provider '%1' is configured; an admin adds it in the Providers workspace or with "
                           "`reconsolectl providers add --id %1 …` (`reconsolectl demo` sets up the sandbox's).")
                .arg(id));
    return providerFrom(q);
}

Result<QList<ProviderConfig>> ProviderStore::all() const
{
    QSqlQuery q(m_db.connection());
    if (!q.exec(QLatin1String(kSelect) + QStringLiteral(" ORDER BY id")))
        return failure(ErrorClass::Storage, QStringLiteral("Cannot list providers: %1").arg(q.lastError().text()));
    QList<ProviderConfig> list;
    while (q.next())
        list << providerFrom(q);
    return list;
}
