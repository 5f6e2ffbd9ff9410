#include "sandbox/SandboxServer.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTimer>

using SandboxStripe::Params;

namespace {
QByteArray headerValue(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}
} // namespace

SandboxServer::SandboxServer(QObject *parent)
    : QAbstractHttpServer(parent)
{
    // Stripe's default schedule: daily, what has become available.
    m_payoutSchedule.setInterval(24 * 3600 * 1000);
    connect(&m_payoutSchedule, &QTimer::timeout, this, [this] { runPayouts(); });
    m_payoutSchedule.start();
}

void SandboxServer::setCrmWebhooks(const SandboxWebhooks &webhooks)
{
    m_webhookSender.setHubSpotWebhooks(webhooks);
    if (webhooks.target.isEmpty()) {
        m_crm.setChangeListener({});
        return;
    }
    m_crm.setChangeListener([this](const QJsonArray &events) { m_webhookSender.sendHubSpot(events); });
}

quint16 SandboxServer::start(quint16 port)
{
    return listen(QHostAddress::LocalHost, port);
}

QString SandboxServer::baseUrl() const
{
    const auto ports = const_cast<SandboxServer *>(this)->serverPorts();
    return ports.isEmpty() ? QString() : QStringLiteral("http://127.0.0.1:%1").arg(ports.first());
}

void SandboxServer::write(QTcpSocket *socket, const SandboxAnswer &answer)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(answer.status) + ' ' + reasonPhrase(answer.status) + "\r\n";
    out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(answer.body.size()) + "\r\n";
    out += "Request-Id: req_sandbox\r\n";
    for (const auto &[name, value] : answer.headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n" + answer.body;
    socket->write(out);
}

void SandboxServer::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    write(socket,
        SandboxStripe::error(
            404, QStringLiteral("invalid_request_error"), QStringLiteral("Unrecognized request URL.")));
}

void SandboxServer::setRateLimit(double perSecond, int burst)
{
    m_ratePerSecond = perSecond;
    m_rateBurst = qMax(1, burst);
    m_rateTokens = m_rateBurst;
    m_rateClock.start();
    m_rateRefilledNs = 0;
}

void SandboxServer::queueFaults(const QList<SandboxFault> &faults)
{
    for (const SandboxFault &f : faults)
        (f.percent > 0 ? m_chanceFaults : m_faults) << f;
}

bool SandboxServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ++m_requests;
    const QString path = request.url().path();
    const bool crm = path.startsWith(QLatin1String("/crm/"));
    if (m_ratePerSecond > 0) {
        const qint64 now = m_rateClock.nsecsElapsed();
        m_rateTokens = qMin(m_rateBurst, m_rateTokens + (now - m_rateRefilledNs) * m_ratePerSecond / 1e9);
        m_rateRefilledNs = now;
        if (m_rateTokens < 1) {
            ++m_rateLimited;
            return answerFault({ SandboxFault::Kind::RateLimit, 1 }, socket, crm);
        }
        m_rateTokens -= 1;
    }
    if (const std::optional<SandboxAnswer> refused = refusedKey(request, crm)) {
        write(socket, *refused);
        return true;
    }

    // Faults queued over HTTP (the demo arms them against an external sandbox) are no answer's fault.
    if (path == QLatin1String("/_sandbox/faults") && request.method() == QHttpServerRequest::Method::Post) {
        const Params form = SandboxStripe::parseForm(request.body());
        if (form.contains(QStringLiteral("clear"))) { // the faults end here: queued and by chance
            m_faults.clear();
            m_chanceFaults.clear();
        }
        auto faults = SandboxFault::parse(form.value(QStringLiteral("spec")));
        if (!faults) {
            write(socket,
                SandboxStripe::invalidRequest(
                    faults.message(), { { QStringLiteral("param"), QStringLiteral("spec") } }));
            return true;
        }
        queueFaults(faults.value());
        write(socket,
            SandboxAnswer::json(200,
                QJsonObject { { QStringLiteral("queued"), static_cast<int>(faults->size()) },
                    { QStringLiteral("pending"), pendingFaults() } }));
        return true;
    }

    // The payout schedule run now (tests, and the demo against an external sandbox): `until`,
    // unix seconds, pays out what is available by then.
    if (path == QLatin1String("/_sandbox/payouts") && request.method() == QHttpServerRequest::Method::Post) {
        const Params form = SandboxStripe::parseForm(request.body());
        bool ok = true;
        const qint64 until
            = form.contains(QStringLiteral("until")) ? form.value(QStringLiteral("until")).toLongLong(&ok) : -1;
        if (!ok) {
            write(socket,
                SandboxStripe::invalidRequest(QStringLiteral("until must be unix seconds."),
                    { { QStringLiteral("param"), QStringLiteral("until") } }));
            return true;
        }
        write(socket,
            SandboxAnswer::json(
                200, QJsonObject { { QStringLiteral("payouts"), QJsonArray::fromStringList(runPayouts(until)) } }));
        return true;
    }

    // What a test reads to prove nothing was charged twice: every key's charges.
    if (path == QLatin1String("/_sandbox/charges") && request.method() == QHttpServerRequest::Method::Get) {
        QJsonObject keys;
        int most = 0;
        for (auto it = chargesByKey().cbegin(); it != chargesByKey().cend(); ++it) {
            keys.insert(it.key(), it.value());
            most = std::max(most, it.value());
        }
        write(socket,
            SandboxAnswer::json(200,
                QJsonObject { { QStringLiteral("total"), totalCharges() }, { QStringLiteral("max_per_key"), most },
                    { QStringLiteral("keys"), keys } }));
        return true;
    }

    std::optional<SandboxFault> fault;
    if (!m_faults.isEmpty())
        fault = m_faults.takeFirst();
    for (const SandboxFault &chance : m_chanceFaults)
        if (!fault && int(QRandomGenerator::global()->bounded(100)) < chance.percent)
            fault = chance;
    if (fault && answerFault(*fault, socket, crm))
        return true;

    // HubSpot has no idempotency keys; faults apply alike.
    const SandboxAnswer answer = crm ? m_crm.handle(request) : idempotent(request, path);

    if (fault && fault->kind == SandboxFault::Kind::TimeoutAfterCharge)
        return true; // processed, never answered: the client times out
    if (fault && fault->kind == SandboxFault::Kind::DropAfterCharge) {
        dropMidAnswer(socket); // processed; the client cannot tell
        return true;
    }
    if (fault && fault->kind == SandboxFault::Kind::Slow) {
        QPointer<QTcpSocket> guarded(socket);
        QTimer::singleShot(fault->arg < 0 ? 3000 : fault->arg, this, [guarded, answer] {
            if (guarded && guarded->state() == QAbstractSocket::ConnectedState)
                write(guarded, answer);
        });
        return true;
    }
    write(socket, answer);
    return true;
}

std::optional<SandboxAnswer> SandboxServer::refusedKey(const QHttpServerRequest &request, bool crm) const
{
    const QByteArray authorization = headerValue(request, "Authorization");
    const QString key
        = authorization.startsWith("Bearer ") ? QString::fromUtf8(authorization.mid(7)).trimmed() : QString();
    if (key.isEmpty())
        return SandboxStripe::error(401, QStringLiteral("invalid_request_error"),
            QStringLiteral("You did not provide an API key. You need to provide your API key in "
                           "the Authorization header, using Bearer auth (e.g. 'Authorization: "
                           "Bearer YOUR_SECRET_KEY')."));
    const bool accepted = m_acceptedKeys.isEmpty()
        ? key.startsWith(crm ? QLatin1String("pat-") : QLatin1String("sk_test_"))
        : m_acceptedKeys.contains(key);
    if (!accepted)
        return SandboxStripe::error(401, QStringLiteral("invalid_request_error"),
            QStringLiteral("Invalid API Key provided: %1****%2").arg(key.left(8), key.right(4)));
    return std::nullopt;
}

void SandboxServer::dropMidAnswer(QTcpSocket *socket)
{
    // Mid-answer, so the client cannot tell whether the request was processed (and Qt does not
    // silently resend it, as it would after a reset before any byte).
    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"id\"");
    socket->flush();
    socket->abort();
}

bool SandboxServer::answerFault(const SandboxFault &fault, QTcpSocket *socket, bool crm)
{
    // Each API fails in its own words: Stripe's error object, HubSpot's.
    switch (fault.kind) {
    case SandboxFault::Kind::RateLimit: {
        SandboxAnswer a = crm ? SandboxCrm::rateLimited()
                              : SandboxStripe::error(429, QStringLiteral("rate_limit_error"),
                                  QStringLiteral("Too many requests hit the API too quickly."));
        a.headers << qMakePair(QByteArray("Retry-After"), QByteArray::number(fault.arg < 0 ? 1 : fault.arg));
        write(socket, a);
        return true;
    }
    case SandboxFault::Kind::ServerError:
        write(socket,
            crm ? SandboxCrm::error(
                500, QStringLiteral("INTERNAL_ERROR"), QStringLiteral("An internal error occurred."))
                : SandboxStripe::error(500, QStringLiteral("api_error"), QStringLiteral("An unknown error occurred.")));
        return true;
    case SandboxFault::Kind::Unavailable:
        write(socket,
            crm ? SandboxCrm::error(
                503, QStringLiteral("SERVICE_UNAVAILABLE"), QStringLiteral("The service is temporarily unavailable."))
                : SandboxStripe::error(
                    503, QStringLiteral("api_error"), QStringLiteral("The service is temporarily unavailable.")));
        return true;
    case SandboxFault::Kind::Reset:
        dropMidAnswer(socket); // nothing was processed, but the client cannot tell
        return true;
    case SandboxFault::Kind::Malformed:
        write(socket, SandboxAnswer { 200, QByteArrayLiteral("{\"id\": \"pi_"), {} });
        return true;
    case SandboxFault::Kind::ListWithoutData:
        write(socket, SandboxAnswer { 200, QByteArrayLiteral("{\"object\":\"list\",\"has_more\":false}"), {} });
        return true;
    case SandboxFault::Kind::Pass:
    case SandboxFault::Kind::Slow:
    case SandboxFault::Kind::TimeoutAfterCharge:
    case SandboxFault::Kind::DropAfterCharge:
        break; // processed, answered late or never
    }
    return false;
}

SandboxAnswer SandboxServer::idempotent(const QHttpServerRequest &request, const QString &path)
{
    const QString idempotencyKey = QString::fromUtf8(headerValue(request, "Idempotency-Key"));
    const bool isPost = request.method() == QHttpServerRequest::Method::Post;
    const Params params = isPost ? SandboxStripe::parseForm(request.body()) : Params();
    QByteArray fingerprint;
    if (isPost && !idempotencyKey.isEmpty()) {
        fingerprint = path.toUtf8();
        for (auto it = params.begin(); it != params.end(); ++it)
            fingerprint += '\n' + it.key().toUtf8() + '=' + it.value().toUtf8();
    }
    if (fingerprint.isEmpty())
        return route(request, path, params, idempotencyKey);
    if (const auto stored = m_idempotency.constFind(idempotencyKey); stored != m_idempotency.constEnd()) {
        if (stored->fingerprint != fingerprint)
            return SandboxStripe::error(400, QStringLiteral("idempotency_error"),
                QStringLiteral("Keys for idempotent requests can only be used with the same "
                               "parameters they were first used with. Try using a key other "
                               "than '%1' if you meant to execute a different request.")
                    .arg(idempotencyKey));
        SandboxAnswer replayed = stored->answer;
        replayed.headers << qMakePair(QByteArray("Idempotent-Replayed"), QByteArray("true"));
        return replayed;
    }
    const SandboxAnswer answer = route(request, path, params, idempotencyKey);
    m_idempotency.insert(idempotencyKey, StoredAnswer { fingerprint, answer });
    return answer;
}

SandboxAnswer SandboxServer::route(
    const QHttpServerRequest &request, const QString &path, const Params &params, const QString &idempotencyKey)
{
    const bool isPost = request.method() == QHttpServerRequest::Method::Post;
    const bool isGet = request.method() == QHttpServerRequest::Method::Get;
    const Params query = SandboxStripe::parseQuery(request.url());
    const QString id = path.section(QLatin1Char('/'), 3, 3); // of /v1/<resource>/<id>

    if (path == QLatin1String("/v1/payment_intents") && isPost)
        return m_payments.create(params, idempotencyKey);
    if (path == QLatin1String("/v1/balance") && isGet)
        return m_payments.balance();
    if (path == QLatin1String("/v1/payment_intents/search") && isGet)
        return m_payments.search(query.value(QStringLiteral("query")));
    if (path == QLatin1String("/v1/payment_intents") && isGet)
        return m_payments.list(query);
    if (path.startsWith(QLatin1String("/v1/payment_intents/")) && isPost)
        return m_payments.update(id, params);
    if (path.startsWith(QLatin1String("/v1/payment_intents/")) && isGet)
        return m_payments.get(id);
    if (path == QLatin1String("/v1/events") && isGet)
        return m_events.list(query);
    if (path == QLatin1String("/v1/balance_transactions") && isGet)
        return m_balance.list(query);
    if (path.startsWith(QLatin1String("/v1/balance_transactions/")) && isGet)
        return m_balance.get(id);
    if (path == QLatin1String("/v1/payouts") && isGet)
        return m_payouts.list(query);
    if (path.startsWith(QLatin1String("/v1/payouts/")) && isGet)
        return m_payouts.get(id);
    if (path == QLatin1String("/v1/refunds") && isPost)
        return m_refunds.create(params);
    if (path == QLatin1String("/v1/refunds") && isGet)
        return m_refunds.list(query);
    if (path.startsWith(QLatin1String("/v1/refunds/")) && isGet)
        return m_refunds.get(id);
    return SandboxStripe::error(404, QStringLiteral("invalid_request_error"),
        QStringLiteral("Unrecognized request URL (%1: %2).")
            .arg(isPost ? QStringLiteral("POST") : QStringLiteral("GET"), path));
}
