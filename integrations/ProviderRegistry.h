#pragma once

#include "ProviderAdapter.h"
#include "Result.h"

#include <QHash>

#include <memory>

class CredentialStore;
class Database;
class HttpTransport;

// Builds the adapter for a provider from its stored configuration, once.
class ProviderRegistry
{
public:
    ProviderRegistry(const Database &db, HttpTransport &transport, CredentialStore &credentials);

    Result<std::shared_ptr<ProviderAdapter>> adapterFor(const QString &providerId);
    void forget(); // after a provider's configuration changed

private:
    const Database &m_db;
    HttpTransport &m_transport;
    CredentialStore &m_credentials;
    QHash<QString, std::shared_ptr<ProviderAdapter>> m_adapters;
};
