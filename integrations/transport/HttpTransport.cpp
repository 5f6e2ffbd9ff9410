#include "transport/HttpTransport.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

namespace {
int parseRetryAfter(const QByteArray &value)
{
    bool ok = false;
    const int seconds = value.trimmed().toInt(&ok);
    return ok && seconds >= 0 ? seconds : -1;
}
} // namespace

HttpTransport::HttpTransport(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{ }

void HttpTransport::setRateLimit(const QString &bucket, double ratePerSecond, int burst)
{
    m_buckets.insert_or_assign(bucket, TokenBucket(ratePerSecond, burst));
}

void HttpTransport::ensureRateLimit(const QString &bucket, double ratePerSecond, int burst)
{
    const auto it = m_buckets.find(bucket);
    if (it == m_buckets.end() || it->second.ratePerSecond() != ratePerSecond || it->second.burst() != burst)
        setRateLimit(bucket, ratePerSecond, burst);
}

void HttpTransport::honourAdvertisedBudget(const QString &bucket, const HttpResponse &r)
{
    // HubSpot-style headers say how much budget is left; spent means wait, before a 429 says so.
    const auto it = m_buckets.find(bucket);
    if (it == m_buckets.end())
        return;
    if (const int secondly = r.header("x-hubspot-ratelimit-secondly").toInt(); secondly > 0)
        it->second.lowerTo(secondly * 0.98); // evenly paced, 2 % below for timer jitter
    // Spent: wait out the second — unless we pace to the advertised limit, when "none left"
    // only means we use exactly what is allowed (a 429 still holds, below).
    if (r.header("x-hubspot-ratelimit-secondly-remaining") == "0" && !it->second.isLowered())
        it->second.holdFor(1000);
    if (r.header("x-hubspot-ratelimit-remaining") == "0")
        it->second.holdFor(qMax(1000, r.header("x-hubspot-ratelimit-interval-milliseconds").toInt()));
    if (r.status == 429)
        it->second.holdFor(r.retryAfterSeconds > 0 ? qint64(r.retryAfterSeconds) * 1000 : 1000);
}

void HttpTransport::send(const HttpRequest &request, Callback done)
{
    const auto bucket = m_buckets.find(request.bucket);
    const qint64 wait = bucket == m_buckets.end() ? 0 : bucket->second.reserve();
    if (wait <= 0) {
        dispatch(request, std::move(done));
        return;
    }
    QTimer::singleShot(wait, Qt::PreciseTimer, this,
        [this, request, done = std::move(done)]() mutable { dispatch(request, std::move(done)); });
}

void HttpTransport::dispatch(const HttpRequest &request, Callback done)
{
    QNetworkRequest req(request.url);
    for (const auto &[name, value] : request.headers)
        req.setRawHeader(name, value);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);

    auto *clock = new QElapsedTimer;
    clock->start();
    QNetworkReply *reply = m_network->sendCustomRequest(req, request.method, request.body);
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    auto timedOut = std::make_shared<bool>(false);
    connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    timer->start(request.timeoutMs);

    connect(reply, &QNetworkReply::finished, this, [this, reply, clock, timedOut, done = std::move(done), request] {
        HttpResponse r;
        r.latencyMs = clock->elapsed();
        delete clock;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->isOpen())
            r.body = reply->readAll();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            r.headers.insert(name.toLower(), value);
        r.retryAfterSeconds = parseRetryAfter(r.header("retry-after"));
        const QNetworkReply::NetworkError error = reply->error();
        if (*timedOut) {
            r.status = 0;
            r.transportError = ErrorClass::Timeout;
            r.mayHaveArrived = true;
            r.transportMessage = QStringLiteral("no answer within %1 s").arg(request.timeoutMs / 1000.0);
        } else if (error >= QNetworkReply::ConnectionRefusedError && error <= QNetworkReply::UnknownNetworkError) {
            // A connection-level failure, even after a status line arrived: the answer is incomplete.
            r.status = 0;
            // Refused or unresolved: the request never left. Anything else (reset, closed
            // mid-answer) may have reached the provider.
            const bool neverSent = error == QNetworkReply::ConnectionRefusedError
                || error == QNetworkReply::HostNotFoundError || error == QNetworkReply::NetworkSessionFailedError
                || error == QNetworkReply::TemporaryNetworkFailureError;
            r.transportError = neverSent ? ErrorClass::Network : ErrorClass::Timeout;
            r.mayHaveArrived = !neverSent;
            r.transportMessage = reply->errorString();
        }
        reply->deleteLater();
        honourAdvertisedBudget(request.bucket, r);
        done(r);
    });
}
