#pragma once

#include "Result.h"

#include <QObject>

#include <functional>

class Database;
class ProviderRegistry;

// Catches what webhooks missed: pages the provider's event list from the newest back to the
// last event seen (the cursor, stored durably), stores each new event once (the same dedupe
// as webhooks) and works the queue. Rate limits are the transport's token bucket; a 429 ends
// this round and the next interval tries again.
class EventSync : public QObject
{
    Q_OBJECT
public:
    EventSync(const Database &db, ProviderRegistry &providers, QObject *parent = nullptr);

    // Reports how many new events were stored.
    void syncOnce(const QString &providerId, std::function<void(Result<int>)> done);

private:
    const Database &m_db;
    ProviderRegistry &m_providers;
};
