#include "events/ActivityMonitor.h"

#include "events/EventStore.h"
#include "providers/ProviderStore.h"
#include "store/Database.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

ActivityMonitor::ActivityMonitor(const Database &db)
    : m_db(db)
{ }

Result<QList<ActivityAlert>> ActivityMonitor::check(qint64 now, int silenceMinutes) const
{
    auto providers = ProviderStore(m_db).all();
    if (!providers)
        return providers.error();
    const qint64 silence = qint64(silenceMinutes) * 60000;
    QList<ActivityAlert> alerts;
    for (const ProviderConfig &p : providers.value()) {
        // Attempts are what "flowing" means: something was sent to the provider recently.
        QSqlQuery q(m_db.connection());
        q.prepare(QStringLiteral("SELECT COALESCE(MAX(a.started_at), 0) FROM attempts a JOIN operations o ON "
                                 "o.id = a.operation_id WHERE o.provider_id = ? AND a.started_at > ?"));
        q.addBindValue(p.id);
        q.addBindValue(now - silence);
        if (!q.exec() || !q.next())
            return failure(ErrorClass::Storage, QStringLiteral("Cannot check activity: %1").arg(q.lastError().text()));
        const qint64 lastOperation = q.value(0).toLongLong();
        if (lastOperation == 0)
            continue;
        auto lastWebhook = EventStore(m_db).lastReceivedAt(p.id, QStringLiteral("webhook"));
        if (!lastWebhook)
            return lastWebhook.error();
        // Quiet only counts once operations have flowed for the whole window without a webhook.
        if (lastWebhook.value() >= now - silence)
            continue;
        QSqlQuery first(m_db.connection());
        first.prepare(QStringLiteral("SELECT COALESCE(MIN(a.started_at), 0) FROM attempts a JOIN operations o ON "
                                     "o.id = a.operation_id WHERE o.provider_id = ? AND a.started_at > ?"));
        first.addBindValue(p.id);
        first.addBindValue(qMax(lastWebhook.value(), now - 24 * 3600000LL));
        if (!first.exec() || !first.next())
            return failure(
                ErrorClass::Storage, QStringLiteral("Cannot check activity: %1").arg(first.lastError().text()));
        if (first.value(0).toLongLong() > now - silence)
            continue; // traffic started too recently to expect a webhook yet
        ActivityAlert a;
        a.providerId = p.id;
        a.lastWebhookAt = lastWebhook.value();
        a.lastOperationAt = lastOperation;
        a.message
            = QStringLiteral("No webhooks from %1 for %2 minutes while operations to it are flowing (last webhook: "
                             "%3). Check the endpoint URL and signing secret at the provider; the event sync "
                             "catches up meanwhile.")
                  .arg(p.id)
                  .arg(silenceMinutes)
                  .arg(a.lastWebhookAt ? QDateTime::fromMSecsSinceEpoch(a.lastWebhookAt).toString(Qt::ISODate)
                                       : QStringLiteral("never"));
        alerts << a;
    }
    return alerts + exhaustedRetries(providers.value());
}

QList<ActivityAlert> ActivityMonitor::exhaustedRetries(const QList<ProviderConfig> &providers) const
{
    QList<ActivityAlert> alerts;
    for (const ProviderConfig &p : providers) {
        // Bounded: the state index's needs_attention range, read no further than the limit.
        QSqlQuery q(m_db.connection());
        q.prepare(QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM operations WHERE state = 'needs_attention' "
                                 "AND provider_id = ? AND last_error_class IN ('network', 'rate_limited', "
                                 "'server', 'timeout') LIMIT %1) AS exhausted")
                      .arg(kCountLimit));
        q.addBindValue(p.id);
        if (!q.exec() || !q.next() || q.value(0).toLongLong() == 0)
            continue;
        ActivityAlert a;
        a.kind = ActivityAlert::Kind::RetriesExhausted;
        a.providerId = p.id;
        a.count = q.value(0).toLongLong();
        a.message = QStringLiteral("%1%2 operation(s) to %3 stopped retrying automatically (the retry policy's "
                                   "attempts or deadline ran out) and wait for a person: retry them from the "
                                   "Failures view or resolve them.")
                        .arg(a.count)
                        .arg(a.count >= kCountLimit ? QStringLiteral("+") : QString())
                        .arg(p.id);
        alerts << a;
    }
    return alerts;
}
