#pragma once

#include "core/Result.h"
#include "providers/RetryPolicy.h"

#include <QList>
#include <QString>

class Database;

// The retry_policies table: the policies admins set, per provider and per action.
class RetryPolicyStore
{
public:
    explicit RetryPolicyStore(const Database &db);

    // The policy an operation of `action` at the provider retries by: the action's own, else the
    // provider's, else the kind's defaults (updatedBy empty).
    Result<RetryPolicy> effective(const QString &providerId, const QString &kind, const QString &action) const;
    // The policies set for the provider, its own first, then by action.
    Result<QList<RetryPolicy>> of(const QString &providerId) const;
    Status upsert(const RetryPolicy &policy);
    // Back to what the level above says; whether there was a policy to remove.
    Result<bool> remove(const QString &providerId, const QString &action);

private:
    const Database &m_db;
};
