#pragma once

#include "core/Result.h"
#include "records/RecordDiff.h"

class AccessPolicy;
class Database;

// The field maps in force: the shipped defaults until an admin edits one. Edits are checked
// (our side's fields are fixed by our schema; paths and owners are the admin's to choose),
// need the admin role, and are audited with the whole map before and after.
class FieldMapStore
{
public:
    explicit FieldMapStore(const Database &db);

    Result<FieldMap> load(const QString &entityType) const;
    Status save(const FieldMap &map, const AccessPolicy &access, const QString &reason = {});
    Status restoreDefaults(const QString &entityType, const AccessPolicy &access);

private:
    const Database &m_db;
};
