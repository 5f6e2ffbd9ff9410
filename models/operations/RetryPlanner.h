#pragma once

#include "core/Result.h"
#include "operations/RetryPlan.h"

class Database;

// Works out a bulk retry's plan over any filter or failure group, sending nothing: each
// matching operation is sent, looked up first, sent under a fresh key after a lookup (its
// idempotency window passed), or skipped with its reason; the ETA comes from each provider's
// rate limit less the headroom kept for live traffic, the failure estimate from its recent sends.
class RetryPlanner
{
public:
    explicit RetryPlanner(const Database &db);

    Result<RetryPlan> plan(const OperationsFilter &scope, qint64 now) const;
    // The scope in words: "failure group 12: …", "rate_limited failures of stripe-live since 14:00".
    Result<QString> describe(const OperationsFilter &scope) const;

private:
    const Database &m_db;
};
