#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

class Database;

// How to reach one provider. The secret is not here: credentialId names its keychain entry.
struct ProviderConfig
{
    QString id;   // "stripe-sandbox"
    QString kind; // "payments"
    QString displayName;
    QString baseUrl;
    QString credentialId;
    double ratePerSecond = 25;
    int burst = 25;
    int timeoutMs = 10000;
};

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
