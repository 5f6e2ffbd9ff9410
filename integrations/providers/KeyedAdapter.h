#pragma once

#include "providers/ProviderAdapter.h"
#include "providers/ProviderConfig.h"

#include <QJsonObject>

class Keychain;
class HttpTransport;
struct HttpRequest;
struct HttpResponse;

// What every HTTP provider adapter shares: its configuration, the transport, and the bearer
// secret loaded from the keychain by prepare().
class KeyedAdapter : public ProviderAdapter
{
public:
    KeyedAdapter(ProviderConfig provider, HttpTransport &transport, Keychain &credentials);

    int requestTimeoutMs() const override { return m_provider.timeoutMs; }
    void prepare(Callback<Status> done) override;
    void awaitTurn(std::function<void()> go) override;

protected:
    // A request to `path` (with its query) on the provider, authorised with the loaded secret.
    HttpRequest authorized(const QByteArray &method, const QString &path, const QByteArray &body = {}) const;

    // How the adapter reads its provider's answers (each provider's errors look different).
    using Classify = ProviderOutcome (*)(const HttpResponse &);
    // Sends `request` and hands over the JSON object a 200 carries. Any other answer is the error
    // `classify` makes of it (a 404 says `notFound` when given); a body that is not JSON is the
    // provider's fault, to try again later.
    void getJson(
        const HttpRequest &request, Classify classify, const QString &notFound, Callback<Result<QJsonObject>> done);
    // Sends `request` with `secret` as its bearer instead of the loaded one: "ok" when accepted.
    void checkSecret(HttpRequest request, const QString &secret, Classify classify, Callback<Result<QString>> done);
    // The error a failed answer means; an answer the adapter found no fault in is the server's.
    static Error errorOf(const ProviderOutcome &outcome);
    // No answer at all (refused, unresolvable, timed out): said as that, with where it was
    // sent, never as something the provider answered.
    static Error unreachable(const ProviderConfig &provider, const HttpResponse &response);

    ProviderConfig m_provider;
    HttpTransport &m_transport;
    Keychain &m_credentials;
    QString m_secret;
};
