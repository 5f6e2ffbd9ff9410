#pragma once

#include "core/Result.h"

#include <QList>
#include <QSqlQuery>
#include <QString>

#include <functional>

class Database;

// Something that happened to an entity, from any system (docs/architecture.md).
struct Event
{
    qint64 id = 0;
    QString source; // the provider id, or "reconsole" for our own changes
    QString externalId; // the source's event id; (source, externalId) is unique
    QString type; // payment_intent.succeeded, operation.state, ...
    QString entityType;
    QString entityId;
    qint64 operationId = 0;
    qint64 occurredAt = 0; // the source's own time, epoch ms: the timeline's order
    qint64 receivedAt = 0;
    QString payload; // redacted JSON
    QString channel; // webhook, sync, internal
    qint64 processedAt = 0; // 0 while waiting in the queue
    QString note; // what processing concluded (settled, ignored as stale, ...)
    int deliveries = 1; // more than one: the provider delivered it again
};

// Events, stored once each. Webhooks are stored before they are answered and processed
// after: unprocessed rows are the durable queue.
class EventStore
{
public:
    explicit EventStore(const Database &db);

    // False (and nothing written) when the event was stored before: a duplicate delivery.
    Result<bool> insertIfNew(const Event &event);

    // The same insert, prepared once: for the receiver's hot path.
    class Inserter
    {
    public:
        explicit Inserter(const Database &db);
        Result<bool> insertIfNew(const Event &event);
        // All of `events` in one transaction that is on disk when this returns, through a power
        // loss (the dialect's durable commit), or none of them: per event, true when new.
        // `afterEach(i)` runs once the i-th is inserted, before the commit.
        Result<QList<bool>> insertDurably(
            const QList<Event> &events, const std::function<void(qsizetype)> &afterEach = {});

    private:
        const Database &m_db;
        QSqlQuery m_query;
        QSqlQuery m_again;
        bool m_prepared = false;
    };
    Result<QList<Event>> pending(int limit) const;
    Status markProcessed(const Event &event);
    Result<QList<Event>> list(const QString &source, const QString &entityId, int limit) const;
    // The newest event about `entityType`:`entityId` whose type starts with `typePrefix`
    // ("circuit_breaker." for a provider's breaker); none: an event with an empty type.
    Result<Event> latest(const QString &entityType, const QString &entityId, const QString &typePrefix) const;
    Result<QList<Event>> forOperations(const QList<qint64> &operationIds, const QStringList &entityIds) const;
    Result<qint64> lastReceivedAt(const QString &source, const QString &channel) const;

    Result<QString> cursor(const QString &providerId) const;
    Status setCursor(const QString &providerId, const QString &cursor);
    Status countWebhook(const QString &providerId, const QString &outcome);
    Result<qint64> webhookCount(const QString &providerId, const QString &outcome) const;

private:
    const Database &m_db;
};
