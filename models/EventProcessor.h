#pragma once

#include "EventStore.h"
#include "Result.h"

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

private:
    struct Statements; // prepared once per batch: the queue runs between webhook answers
    Status process(Event event, Statements &statements);

    const Database &m_db;
};
