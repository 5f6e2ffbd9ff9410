#pragma once

#include "core/Result.h"
#include "transport/TokenBucket.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>

#include <functional>
#include <map>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QSslConfiguration;
class QSslError;

struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int timeoutMs = 10000;
    QString bucket; // the provider whose rate limit applies
    // CA certificates (PEM) trusted for this request besides the system store: an admin's extra
    // CA for the provider (a company proxy). Verification is never switched off.
    QByteArray extraCaPem;
};

struct HttpResponse
{
    int status = 0; // 0 when no answer came
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // names lower-cased
    ErrorClass transportError = ErrorClass::None;
    QString transportMessage;
    bool mayHaveArrived = false; // the request may have reached the provider although no answer came
    qint64 latencyMs = 0;
    int retryAfterSeconds = -1;

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

// The one way Reconsole speaks HTTP: one injected QNetworkAccessManager, a timeout per
// request, a token bucket per provider and latency measured. Policy (what to retry) lives
// with the caller; this class only reports what happened, classified.
class HttpTransport : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const HttpResponse &)>;

    explicit HttpTransport(QNetworkAccessManager *network, QObject *parent = nullptr);

    void setRateLimit(const QString &bucket, double ratePerSecond, int burst);
    // Sets the limit unless the bucket already has this rate (keeps its tokens across calls).
    void ensureRateLimit(const QString &bucket, double ratePerSecond, int burst);
    // Every budget full again and every hold lifted, as after a quiet hour. For the demo, which
    // replays a month of traffic in seconds (DemoHistory).
    void refillAll() { m_buckets.clear(); }
    void send(const HttpRequest &request, Callback done);
    // Waits for `bucket`'s next token and calls `go` when it may be spent; the next send() to
    // `bucket` spends it without waiting again. So a caller can claim what it sends at the moment
    // it leaves, not while it queues behind the rate limit.
    void awaitTurn(const QString &bucket, std::function<void()> go);

    // The TLS settings for a request with `extraCaPem`: the system CA store plus those CAs, peers
    // verified.
    static QSslConfiguration trustWith(const QByteArray &extraCaPem);
    // What a refused certificate means and what to do, for `host` reached for provider `bucket`;
    // `handshakeError` is said when no certificate error was reported.
    static QString certificateMessage(
        const QString &host, const QString &bucket, const QList<QSslError> &errors, const QString &handshakeError);

private:
    void dispatch(const HttpRequest &request, Callback done);
    // The system store plus `extraCaPem`, built once per distinct PEM.
    const QSslConfiguration &tlsFor(const QByteArray &extraCaPem);
    void honourAdvertisedBudget(const QString &bucket, const HttpResponse &response);

    QNetworkAccessManager *m_network;
    std::map<QString, TokenBucket> m_buckets;
    std::map<QString, int> m_paidTurns; // tokens taken by awaitTurn(), not yet spent by a send()
    std::map<QByteArray, std::shared_ptr<QSslConfiguration>> m_tls;
    // The extra CAs last used per scheme://host:port. Qt keeps a connection with the TLS settings
    // it was opened with, so when they change (an admin added a CA) the cached ones are dropped.
    std::map<QString, QByteArray> m_trustByOrigin;
};
