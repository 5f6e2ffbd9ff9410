#pragma once

#include "sandbox/SandboxAnswer.h"
#include "sandbox/SandboxStripe.h"

#include <QJsonObject>
#include <QList>

class SandboxIds;
class SandboxWebhookSender;

// The payments provider's event log: every change becomes an event that GET /v1/events lists
// (newest first, optionally of one type) and that goes out as a webhook.
class SandboxEvents
{
public:
    SandboxEvents(SandboxIds &ids, SandboxWebhookSender &webhooks);

    void publish(const QString &type, const QJsonObject &object);
    SandboxAnswer list(const SandboxStripe::Params &query) const;

private:
    SandboxIds &m_ids;
    SandboxWebhookSender &m_webhooks;
    QList<QJsonObject> m_events; // oldest first
};
