#pragma once

#include "core/Result.h"

#include <QObject>

#include <functional>

class Database;
class ProviderRegistry;

// Catches what webhooks missed: pages the provider's event list from the newest back to the
// last event seen (the cursor, stored durably), stores each new event once (the same dedupe
// as webhooks) and works the queue. A round reads at most `maxPagesPerRound` pages; one that
// stops short (the cap, a 429, an error) leaves the rest of its gap for the next round to
// finish first, so a backlog of any size is caught up and nothing in it skipped. A first sync
// takes only the newest events: history is not imported.
class EventSync : public QObject
{
    Q_OBJECT
public:
    EventSync(const Database &db, ProviderRegistry &providers, int maxPagesPerRound = 50, QObject *parent = nullptr);

    // Reports how many new events were stored.
    void syncOnce(const QString &providerId, std::function<void(Result<int>)> done);

private:
    const Database &m_db;
    ProviderRegistry &m_providers;
    int m_maxPages;
};
