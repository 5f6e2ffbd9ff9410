#include "transport/HttpTransport.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslSocket>
#include <QTimer>

namespace {
int parseRetryAfter(const QByteArray &value)
{
    bool ok = false;
    const int seconds = value.trimmed().toInt(&ok);
    return ok && seconds >= 0 ? seconds : -1;
}
// Why one certificate error refused the connection, in words a person can check.
QString reasonOf(const QSslError &error, const QString &host)
{
    const QSslCertificate cert = error.certificate();
    const QString subject
        = cert.isNull() ? QString() : cert.subjectInfo(QSslCertificate::CommonName).join(QStringLiteral(", "));
    switch (error.error()) {
    case QSslError::CertificateExpired:
        return QStringLiteral("its certificate expired on %1").arg(cert.expiryDate().toString(Qt::ISODate));
    case QSslError::CertificateNotYetValid:
        return QStringLiteral("its certificate is not valid before %1 (is this machine's clock right?)")
            .arg(cert.effectiveDate().toString(Qt::ISODate));
    case QSslError::SelfSignedCertificate:
        return QStringLiteral("its certificate is self-signed (%1), and no trusted CA vouches for it").arg(subject);
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
        return QStringLiteral("its certificate (%1) is issued by a CA this machine does not trust (%2)")
            .arg(subject, cert.issuerInfo(QSslCertificate::CommonName).join(QStringLiteral(", ")));
    case QSslError::HostNameMismatch: {
        QStringList names = cert.subjectAlternativeNames().values();
        if (names.isEmpty())
            names = cert.subjectInfo(QSslCertificate::CommonName);
        return QStringLiteral("its certificate is for %1, not for %2 (wrong host)")
            .arg(names.join(QStringLiteral(", ")), host);
    }
    case QSslError::CertificateRevoked:
        return QStringLiteral("its certificate was revoked");
    default:
        return error.errorString();
    }
}
} // namespace

QString HttpTransport::certificateMessage(
    const QString &host, const QString &bucket, const QList<QSslError> &errors, const QString &handshakeError)
{
    QStringList reasons;
    for (const QSslError &e : errors) {
        const QString reason = reasonOf(e, host);
        if (!reasons.contains(reason))
            reasons << reason;
    }
    if (reasons.isEmpty())
        reasons << QStringLiteral("the TLS handshake failed (%1)").arg(handshakeError);
    const QString provider
        = bucket.isEmpty() ? QStringLiteral("the provider") : QStringLiteral("provider %1").arg(bucket);
    return QStringLiteral("The certificate of %1 was refused: %2. Nothing was sent. If a company proxy inspects TLS, "
                          "add its CA to %3 (`reconsolectl providers edit %4 --extra-ca FILE.pem`, or in the Providers "
                          "workspace); otherwise fix the server's certificate. Retrying will not help until then.")
        .arg(host, reasons.join(QStringLiteral("; ")), provider, bucket.isEmpty() ? QStringLiteral("ID") : bucket);
}

QSslConfiguration HttpTransport::trustWith(const QByteArray &extraCaPem)
{
    // Explicitly the system store plus the extra CAs: setting any CA list ends Qt's loading of
    // the system roots on demand, so they are named here rather than assumed.
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslConfiguration::systemCaCertificates() + QSslCertificate::fromData(extraCaPem, QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return tls;
}

const QSslConfiguration &HttpTransport::tlsFor(const QByteArray &extraCaPem)
{
    auto &cached = m_tls[extraCaPem]; // reading the system store costs; once per distinct PEM
    if (!cached)
        cached = std::make_shared<QSslConfiguration>(trustWith(extraCaPem));
    return *cached;
}

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

void HttpTransport::awaitTurn(const QString &bucket, std::function<void()> go)
{
    const auto it = m_buckets.find(bucket);
    const qint64 wait = it == m_buckets.end() ? 0 : it->second.reserve();
    auto turn = [this, bucket, go = std::move(go)] {
        ++m_paidTurns[bucket];
        go();
    };
    if (wait <= 0)
        turn();
    else
        QTimer::singleShot(wait, Qt::PreciseTimer, this, std::move(turn));
}

void HttpTransport::send(const HttpRequest &request, Callback done)
{
    if (const auto paid = m_paidTurns.find(request.bucket); paid != m_paidTurns.end() && paid->second > 0) {
        --paid->second;
        dispatch(request, std::move(done));
        return;
    }
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
    if (request.url.scheme() == QLatin1String("https")) {
        const QString origin = request.url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment)
                                   .toString(QUrl::FullyEncoded);
        const auto seen = m_trustByOrigin.find(origin);
        if (seen != m_trustByOrigin.end() && seen->second != request.extraCaPem)
            m_network->clearConnectionCache();
        m_trustByOrigin[origin] = request.extraCaPem;
        if (!request.extraCaPem.isEmpty())
            req.setSslConfiguration(tlsFor(request.extraCaPem));
    }

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
    // Kept to say why a handshake failed; never ignored (no code path calls ignoreSslErrors).
    auto certificateErrors = std::make_shared<QList<QSslError>>();
    connect(reply, &QNetworkReply::sslErrors, reply,
        [certificateErrors](const QList<QSslError> &errors) { *certificateErrors << errors; });

    connect(reply, &QNetworkReply::finished, this,
        [this, reply, clock, timedOut, certificateErrors, done = std::move(done), request] {
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
            } else if (error == QNetworkReply::SslHandshakeFailedError) {
                // Refused during the handshake, before the request left: not a blip to retry.
                r.status = 0;
                r.transportError = ErrorClass::Certificate;
                r.mayHaveArrived = false;
                r.transportMessage
                    = certificateMessage(request.url.host(), request.bucket, *certificateErrors, reply->errorString());
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
