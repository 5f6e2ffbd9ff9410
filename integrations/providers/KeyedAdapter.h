#pragma once

#include "providers/ProviderAdapter.h"
#include "providers/ProviderStore.h"

class Keychain;
class HttpTransport;
struct HttpRequest;

// What every HTTP provider adapter shares: its configuration, the transport, and the bearer
// secret loaded from the keychain by prepare().
class KeyedAdapter : public ProviderAdapter
{
public:
    KeyedAdapter(ProviderConfig provider, HttpTransport &transport, Keychain &credentials);

    int requestTimeoutMs() const override { return m_provider.timeoutMs; }
    void prepare(Callback<Status> done) override;

protected:
    // A request to `path` (with its query) on the provider, authorised with the loaded secret.
    HttpRequest authorized(const QByteArray &method, const QString &path, const QByteArray &body = {}) const;

    ProviderConfig m_provider;
    HttpTransport &m_transport;
    Keychain &m_credentials;
    QString m_secret;
};
