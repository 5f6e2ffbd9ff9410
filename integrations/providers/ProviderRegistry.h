#pragma once

#include "core/Result.h"
#include "providers/ProviderAdapter.h"
#include "providers/ProviderConfig.h"

#include <QHash>

#include <memory>

class Keychain;
class Database;
class HttpTransport;

// Builds the adapter for a provider from its current stored configuration, refusing one whose
// credential was revoked. Adapters are cheap; rate-limit buckets live on in the transport.
class ProviderRegistry
{
public:
    ProviderRegistry(const Database &db, HttpTransport &transport, Keychain &credentials);

    Result<std::shared_ptr<ProviderAdapter>> adapterFor(const QString &providerId);
    // Every configured provider, or those of one kind ("payments", "crm"), for pickers.
    Result<QList<ProviderConfig>> configured(const QString &kind = {}) const;

private:
    const Database &m_db;
    HttpTransport &m_transport;
    Keychain &m_credentials;
};
