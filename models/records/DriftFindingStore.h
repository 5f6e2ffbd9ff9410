#pragma once

#include "core/Result.h"
#include "records/RecordDiff.h"

class Database;

// What drift scans found, kept per provider and record type so a resumed scan's list is
// whole, and so a record fixed from the diff view leaves the list.
class DriftFindingStore
{
public:
    explicit DriftFindingStore(const Database &db);

    // Stores `record`, or forgets it when none of its fields differ any more.
    Status record(const QString &providerId, const QString &entityType, const DriftedRecord &record);
    Status recordAll(const QString &providerId, const QString &entityType, const QList<DriftedRecord> &records);
    Result<QList<DriftedRecord>> list(const QString &providerId, const QString &entityType) const;
    Status clear(const QString &providerId, const QString &entityType);

private:
    const Database &m_db;
};
