#pragma once

#include "core/Result.h"
#include "records/RecordDiff.h"

#include <QHash>

class AccessPolicy;
class Database;

// "Ignore this difference" decisions. Each remembers the two values it was taken on and holds
// only while both sides still show them: when either side changes, the difference is new
// again and asks for a decision.
class IgnoreDecisionStore
{
public:
    explicit IgnoreDecisionStore(const Database &db);

    // Audited; needs the support role and a reason.
    Status ignore(const QString &entityType, const QString &entityId, const FieldDiff &diff, const QString &reason,
        const AccessPolicy &access);
    // Marks the differences in `diffs` that a standing decision covers (FieldDiff::ignoredBecause).
    Status apply(const QString &entityType, const QString &entityId, QList<FieldDiff> &diffs) const;
    // The same for many records (entity id → its differences), in one query.
    Status applyAll(const QString &entityType, QHash<QString, QList<FieldDiff>> &diffsByEntity) const;

private:
    const Database &m_db;
};
