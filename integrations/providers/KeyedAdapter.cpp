#include "providers/KeyedAdapter.h"

#include "keychain/Keychain.h"
#include "transport/HttpTransport.h"

KeyedAdapter::KeyedAdapter(ProviderConfig provider, HttpTransport &transport, Keychain &credentials)
    : m_provider(std::move(provider))
    , m_transport(transport)
    , m_credentials(credentials)
{
}

void KeyedAdapter::prepare(Callback<Status> done)
{
    if (m_provider.credentialId.isEmpty()) {
        done(failure(ErrorClass::Auth, QStringLiteral("Provider %1 has no credential; add one in the Credentials workspace.")
                                           .arg(m_provider.id)));
        return;
    }
    m_credentials.read(m_provider.credentialId, [this, done](Result<QString> secret) {
        if (!secret) {
            done(secret.error());
            return;
        }
        m_secret = secret.value();
        done(success());
    });
}

HttpRequest KeyedAdapter::authorized(const QByteArray &method, const QString &path, const QByteArray &body) const
{
    HttpRequest req;
    req.method = method;
    req.url = QUrl(m_provider.baseUrl + path);
    req.body = body;
    req.timeoutMs = m_provider.timeoutMs;
    req.bucket = m_provider.id;
    req.headers = {{"Authorization", "Bearer " + m_secret.toUtf8()}};
    return req;
}
