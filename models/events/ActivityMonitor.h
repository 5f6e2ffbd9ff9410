#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

class Database;

struct ActivityAlert
{
    QString providerId;
    qint64 lastWebhookAt = 0; // 0: never
    qint64 lastOperationAt = 0;
    QString message;
};

// Raises an alert when a provider has sent no webhook for `silenceMinutes` while operations
// to it kept flowing: the endpoint, its secret or the provider's delivery is likely broken.
class ActivityMonitor
{
public:
    explicit ActivityMonitor(const Database &db);

    Result<QList<ActivityAlert>> check(qint64 now, int silenceMinutes) const;

private:
    const Database &m_db;
};
