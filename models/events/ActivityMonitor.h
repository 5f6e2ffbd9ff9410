#pragma once

#include "core/Result.h"
#include "providers/ProviderConfig.h"

#include <QList>
#include <QString>

class Database;

struct ActivityAlert
{
    enum class Kind
    {
        WebhooksSilent,
        RetriesExhausted, // automatic retries ran out (attempts or deadline): a person takes over
    };
    Kind kind = Kind::WebhooksSilent;
    QString providerId;
    qint64 count = 0; // RetriesExhausted: how many operations wait for a person (up to kCountLimit)
    qint64 lastWebhookAt = 0; // 0: never
    qint64 lastOperationAt = 0;
    QString message;
};

// Raises an alert when a provider has sent no webhook for `silenceMinutes` while operations
// to it kept flowing: the endpoint, its secret or the provider's delivery is likely broken.
// And one while operations of a provider wait for a person because their automatic retries
// ran out: they need attention with a transient last error, which nothing else leaves.
class ActivityMonitor
{
public:
    static constexpr qint64 kCountLimit = 10000; // counted no further: the alert is the news

    explicit ActivityMonitor(const Database &db);

    Result<QList<ActivityAlert>> check(qint64 now, int silenceMinutes) const;

private:
    QList<ActivityAlert> exhaustedRetries(const QList<ProviderConfig> &providers) const;

    const Database &m_db;
};
