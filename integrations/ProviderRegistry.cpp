#include "ProviderRegistry.h"

#include "HttpTransport.h"
#include "PaymentsAdapter.h"
#include "ProviderStore.h"

ProviderRegistry::ProviderRegistry(const Database &db, HttpTransport &transport, CredentialStore &credentials)
    : m_db(db)
    , m_transport(transport)
    , m_credentials(credentials)
{
}

Result<std::shared_ptr<ProviderAdapter>> ProviderRegistry::adapterFor(const QString &providerId)
{
    if (auto it = m_adapters.constFind(providerId); it != m_adapters.constEnd())
        return *it;
    auto config = ProviderStore(m_db).get(providerId);
    if (!config)
        return config.error();
    std::shared_ptr<ProviderAdapter> adapter;
    if (config->kind == QLatin1String("payments"))
        adapter = std::make_shared<PaymentsAdapter>(config.value(), m_transport, m_credentials);
    else
        return failure(ErrorClass::Input,
                       QStringLiteral("Provider %1 is of kind '%2', which this Reconsole cannot talk to.")
                           .arg(providerId, config->kind));
    m_transport.setRateLimit(providerId, config->ratePerSecond, config->burst);
    m_adapters.insert(providerId, adapter);
    return adapter;
}

void ProviderRegistry::forget()
{
    m_adapters.clear();
}
