#pragma once

#include "core/Result.h"

#include <QString>

class Database;
class IntakeService;

// Turns the rows a backend wrote into operation_requests (PostgreSQL) into operations: a batch
// is claimed FOR UPDATE SKIP LOCKED, each row goes through IntakeService like a POST, and is
// marked accepted (with its operation) or rejected (with why) in the same transaction, so a
// row becomes one operation exactly once however many agents claim at the same time.
class IntakeOutbox
{
public:
    IntakeOutbox(const Database &db, IntakeService &service);

    struct Drained
    {
        int accepted = 0;
        int rejected = 0;
    };
    // One batch of up to `limit` rows; nothing on SQLite, which has no outbox.
    Result<Drained> drainOnce(const QString &claimant, int limit = 200);

private:
    const Database &m_db;
    IntakeService &m_service;
};
