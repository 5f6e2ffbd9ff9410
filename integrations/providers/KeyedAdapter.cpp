#include "providers/KeyedAdapter.h"

#include "keychain/Keychain.h"
#include "transport/HttpTransport.h"

#include <QJsonDocument>
#include <QJsonParseError>

KeyedAdapter::KeyedAdapter(ProviderConfig provider, HttpTransport &transport, Keychain &credentials)
    : m_provider(std::move(provider))
    , m_transport(transport)
    , m_credentials(credentials)
{ }

void KeyedAdapter::prepare(Callback<Status> done)
{
    if (m_provider.credentialId.isEmpty()) {
        done(failure(ErrorClass::Auth,
            QStringLiteral("Provider %1 has no credential; add one in the Credentials workspace.").arg(m_provider.id)));
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
    req.headers = { { "Authorization", "Bearer " + m_secret.toUtf8() } };
    return req;
}

Error KeyedAdapter::errorOf(const ProviderOutcome &outcome)
{
    return failure(outcome.errorClass == ErrorClass::None ? ErrorClass::Server : outcome.errorClass, outcome.message);
}

void KeyedAdapter::getJson(
    const HttpRequest &request, Classify classify, const QString &notFound, Callback<Result<QJsonObject>> done)
{
    m_transport.send(request, [classify, notFound, done](const HttpResponse &r) {
        if (r.status == 404 && !notFound.isEmpty()) {
            done(failure(ErrorClass::Client, notFound));
            return;
        }
        if (r.status != 200) {
            done(errorOf(classify(r)));
            return;
        }
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(r.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            done(failure(ErrorClass::Server, QStringLiteral("The provider's answer is not JSON; try again later.")));
        else
            done(document.object());
    });
}

void KeyedAdapter::checkSecret(
    HttpRequest request, const QString &secret, Classify classify, Callback<Result<QString>> done)
{
    for (auto &header : request.headers) {
        if (header.first == "Authorization")
            header.second = "Bearer " + secret.toUtf8(); // the key under test, not the loaded one
    }
    m_transport.send(request, [classify, done](const HttpResponse &r) {
        if (r.status == 200)
            done(QStringLiteral("ok"));
        else
            done(errorOf(classify(r)));
    });
}
