#pragma once

#include "core/Result.h"
#include "events/EventStore.h"
#include "operations/OperationState.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

class Database;

// Works the durable event queue: ties each event to its operation and entity (through the
// stored external id or our idempotency key in the object's metadata) and lets the provider's
// word settle an operation whose outcome we lost. Order comes from the event's own time: an
// event older than one already applied never overrides it.
class EventProcessor
{
public:
    explicit EventProcessor(const Database &db);

    // Processes up to `limit` queued events; returns how many.
    Result<int> processPending(int limit = 500);
    // An operation whose answer was lost, settled by a webhook that came while it was still in
    // flight (recorded then, when there was nothing to settle). True when it settled.
    Result<bool> settleFromEarlierEvents(qint64 operationId);

    // The event types Reconsole acts on from a provider of `providerKind` ("payments", "crm"): the
    // ones to subscribe to when registering its webhook endpoint. The same table decides below.
    static QStringList listenedTypes(const QString &providerKind);

private:
    // The state an event type says an operation reached; nullopt for events that settle nothing.
    static std::optional<OperationState> settles(const QString &type);
    // Moves an unknown outcome to `to` with what `object` says; returns the event's note.
    QString settleUnknown(qint64 operationId, OperationState to, const QJsonObject &object);

    struct Statements; // prepared once per batch: the queue runs between webhook answers
    Status process(Event event, Statements &statements);

    const Database &m_db;
};
