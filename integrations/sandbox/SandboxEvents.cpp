#include "sandbox/SandboxEvents.h"

#include "sandbox/SandboxIds.h"
#include "sandbox/SandboxWebhookSender.h"

#include <QDateTime>

SandboxEvents::SandboxEvents(SandboxIds &ids, SandboxWebhookSender &webhooks)
    : m_ids(ids)
    , m_webhooks(webhooks)
{ }

void SandboxEvents::publish(const QString &type, const QJsonObject &object)
{
    const QJsonObject event { { QStringLiteral("id"), m_ids.next(QStringLiteral("evt")) },
        { QStringLiteral("object"), QStringLiteral("event") }, { QStringLiteral("type"), type },
        { QStringLiteral("created"), QDateTime::currentSecsSinceEpoch() }, { QStringLiteral("livemode"), false },
        { QStringLiteral("api_version"), QStringLiteral("2024-06-20") },
        { QStringLiteral("data"), QJsonObject { { QStringLiteral("object"), object } } } };
    m_events << event;
    m_webhooks.sendStripe(event);
}

SandboxAnswer SandboxEvents::list(const SandboxStripe::Params &query) const
{
    const QString type = query.value(QStringLiteral("type"));
    const bool anyType = !query.contains(QStringLiteral("type"));
    QList<QJsonObject> items;
    for (auto it = m_events.crbegin(); it != m_events.crend(); ++it) {
        if (anyType || it->value(QStringLiteral("type")).toString() == type)
            items << *it;
    }
    return SandboxStripe::list(items, QStringLiteral("/v1/events"), query);
}
