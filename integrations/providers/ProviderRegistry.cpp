#include "providers/ProviderRegistry.h"

#include "credentials/CredentialStore.h"
#include "providers/CrmAdapter.h"
#include "providers/PaymentsAdapter.h"
#include "providers/ProviderStore.h"
#include "transport/HttpTransport.h"

#include <QDateTime>

ProviderRegistry::ProviderRegistry(const Database &db, HttpTransport &transport, Keychain &credentials)
    : m_db(db)
    , m_transport(transport)
    , m_credentials(credentials)
{ }

Result<std::shared_ptr<ProviderAdapter>> ProviderRegistry::adapterFor(const QString &providerId)
{
    auto config = ProviderStore(m_db).get(providerId);
    if (!config)
        return config.error();
    if (!config->credentialId.isEmpty()) {
        auto credential = CredentialStore(m_db).get(config->credentialId);
        if (credential && credential->isRevoked())
            return failure(ErrorClass::Revoked,
                QStringLiteral("Credential revoked: %1 (%2) was revoked on %3. Add or rotate in a new key "
                               "for %4 in the Credentials workspace, then retry.")
                    .arg(credential->label, credential->id,
                        QDateTime::fromMSecsSinceEpoch(credential->revokedAt).toString(Qt::ISODate), providerId));
    }
    std::shared_ptr<ProviderAdapter> adapter;
    if (config->kind == QLatin1String("payments"))
        adapter = std::make_shared<PaymentsAdapter>(config.value(), m_transport, m_credentials);
    else if (config->kind == QLatin1String("crm"))
        adapter = std::make_shared<CrmAdapter>(config.value(), m_transport, m_credentials);
    else
        return failure(ErrorClass::Input,
            QStringLiteral("Provider %1 is of kind '%2', which this Reconsole cannot talk to.")
                .arg(providerId, config->kind));
    m_transport.ensureRateLimit(providerId, config->ratePerSecond, config->burst);
    return adapter;
}

Result<QList<ProviderConfig>> ProviderRegistry::configured(const QString &kind) const
{
    auto all = ProviderStore(m_db).all();
    if (!all || kind.isEmpty())
        return all;
    QList<ProviderConfig> ofKind;
    for (const ProviderConfig &p : all.value())
        if (p.kind == kind)
            ofKind << p;
    return ofKind;
}
