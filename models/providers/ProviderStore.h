#pragma once

#include "core/Result.h"
#include "providers/ProviderConfig.h"

#include <QList>
#include <QString>

class Database;

// The providers table: how each provider is reached.
class ProviderStore
{
public:
    explicit ProviderStore(const Database &db);

    Status upsert(const ProviderConfig &provider);
    Result<ProviderConfig> get(const QString &id) const;
    Result<QList<ProviderConfig>> all() const;

private:
    const Database &m_db;
};
