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

void KeyedAdapter::awaitTurn(std::function<void()> go)
{
    m_transport.awaitTurn(m_provider.id, std::move(go));
}

HttpRequest KeyedAdapter::authorized(const QByteArray &method, const QString &path, const QByteArray &body) const
{
    HttpRequest req;
    req.method = method;
    req.url = QUrl(m_provider.baseUrl + path);
    req.body = body;
    req.timeoutMs = m_provider.timeoutMs;
    req.bucket = m_provider.id;
    req.extraCaPem = m_provider.extraCaPem.toUtf8();
    req.headers = { { "Authorization", "Bearer " + m_secret.toUtf8() } };
    return req;
}

Error KeyedAdapter::errorOf(const ProviderOutcome &outcome)
{
    return failure(outcome.errorClass == ErrorClass::None ? ErrorClass::Server : outcome.errorClass, outcome.message);
}

Error KeyedAdapter::unreachable(const ProviderConfig &provider, const HttpResponse &response)
{
    const QString who = provider.kind == QLatin1String("crm") ? QStringLiteral("the CRM")
        : provider.kind == QLatin1String("payments")          ? QStringLiteral("the payments provider")
                                                              : QStringLiteral("provider %1").arg(provider.id);
    QString why = response.transportMessage;
    if (!why.isEmpty())
        why[0] = why.at(0).toLower();
    if (response.transportError == ErrorClass::Certificate)
        return failure(ErrorClass::Certificate, response.transportMessage); // names host, reason and remedy
    if (response.transportError != ErrorClass::Network) {
        QString text = QStringLiteral("%1 at %2 did not answer: %3.").arg(who, provider.baseUrl, why);
        text[0] = text.at(0).toUpper();
        return failure(response.transportError, text);
    }
    const QUrl url(provider.baseUrl);
    const QString host = url.host();
    // A provider on this machine is a sandbox (the demo, tests): say how to bring it back.
    const bool local
        = host == QLatin1String("127.0.0.1") || host == QLatin1String("localhost") || host == QLatin1String("::1");
    const QString hint = local
        ? QStringLiteral("Is the sandbox running? Start one there with `reconsolectl sandbox --port %1` (the "
                         "sandbox of `reconsole --demo` stops with its window), or point provider %2 at where it "
                         "listens.")
              .arg(url.port(url.scheme() == QLatin1String("https") ? 443 : 80))
              .arg(provider.id)
        : QStringLiteral("Check the network, and provider %1's address.").arg(provider.id);
    return failure(
        ErrorClass::Network, QStringLiteral("Could not reach %1 at %2: %3. %4").arg(who, provider.baseUrl, why, hint));
}

void KeyedAdapter::getJson(
    const HttpRequest &request, Classify classify, const QString &notFound, Callback<Result<QJsonObject>> done)
{
    m_transport.send(request, [provider = m_provider, classify, notFound, done](const HttpResponse &r) {
        if (r.transportError != ErrorClass::None) {
            done(unreachable(provider, r)); // no answer: not a 404, not the provider's fault
            return;
        }
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
    m_transport.send(request, [provider = m_provider, classify, done](const HttpResponse &r) {
        if (r.transportError != ErrorClass::None)
            done(unreachable(provider, r));
        else if (r.status == 200)
            done(QStringLiteral("ok"));
        else
            done(errorOf(classify(r)));
    });
}
