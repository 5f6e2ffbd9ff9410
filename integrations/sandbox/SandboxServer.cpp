#include "sandbox/SandboxServer.h"

#include <QDateTime>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include "webhooks/WebhookVerifier.h"
#include <QPointer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

namespace {
QMap<QString, QString> parseForm(QByteArray body)
{
    body.replace('+', "%20");
    QMap<QString, QString> params;
    const QUrlQuery form(QString::fromUtf8(body));
    for (const auto &[key, value] : form.queryItems(QUrl::FullyDecoded))
        params.insert(key, value);
    return params;
}

QJsonObject metadataFrom(const QMap<QString, QString> &params)
{
    QJsonObject metadata;
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (it.key().startsWith(QLatin1String("metadata[")) && it.key().endsWith(QLatin1Char(']')))
            metadata.insert(it.key().mid(9, it.key().size() - 10), it.value());
    }
    return metadata;
}

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

struct TestCard
{
    const char *paymentMethod;
    const char *declineCode; // nullptr: the charge succeeds
    const char *message;
};
// Stripe's documented test payment methods.
const TestCard kTestCards[] = {
    {"pm_card_visa", nullptr, nullptr},
    {"pm_card_mastercard", nullptr, nullptr},
    {"pm_card_amex", nullptr, nullptr},
    {"pm_card_chargeDeclined", "generic_decline", "Your card was declined."},
    {"pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "Your card has insufficient funds."},
    {"pm_card_chargeDeclinedLostCard", "lost_card", "Your card was declined."},
    {"pm_card_chargeDeclinedStolenCard", "stolen_card", "Your card was declined."},
    {"pm_card_chargeDeclinedExpiredCard", "expired_card", "Your card has expired."},
};
} // namespace

SandboxServer::SandboxServer(QObject *parent)
    : QAbstractHttpServer(parent)
    , m_network(new QNetworkAccessManager(this))
{
}

void SandboxServer::emitEvent(const QString &type, const QJsonObject &object)
{
    const QJsonObject event{{QStringLiteral("id"), newId(QStringLiteral("evt"))},
                            {QStringLiteral("object"), QStringLiteral("event")},
                            {QStringLiteral("type"), type},
                            {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
                            {QStringLiteral("livemode"), false},
                            {QStringLiteral("api_version"), QStringLiteral("2024-06-20")},
                            {QStringLiteral("data"), QJsonObject{{QStringLiteral("object"), object}}}};
    m_events << event;
    ++m_eventsEmitted;
    if (m_webhooks.target.isEmpty() || (m_webhooks.dropEvery > 0 && m_eventsEmitted % m_webhooks.dropEvery == 0))
        return;
    const QByteArray payload = QJsonDocument(event).toJson(QJsonDocument::Compact);
    if (m_webhooks.reorder) {
        if (m_heldForReorder.isEmpty()) {
            m_heldForReorder = payload; // goes out after the next one
            return;
        }
        deliver(payload);
        deliver(std::exchange(m_heldForReorder, {}));
        return;
    }
    deliver(payload);
}

void SandboxServer::deliver(const QByteArray &payload)
{
    const int copies = m_webhooks.duplicate ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
        QTimer::singleShot(m_webhooks.delayMs, this, [this, payload] {
            QNetworkRequest request{QUrl(m_webhooks.target)};
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            request.setRawHeader("Stripe-Signature",
                                 WebhookVerifier::signStripe(payload, m_webhooks.secret, QDateTime::currentSecsSinceEpoch()));
            QNetworkReply *reply = m_network->post(request, payload);
            ++m_deliveriesSent;
            connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        });
    }
}

void SandboxServer::setCrmWebhooks(const SandboxWebhooks &webhooks)
{
    if (webhooks.target.isEmpty()) {
        m_crm.setChangeListener({});
        return;
    }
    m_crm.setChangeListener([this, webhooks](const QJsonArray &events) {
        const QByteArray payload = QJsonDocument(events).toJson(QJsonDocument::Compact);
        QTimer::singleShot(webhooks.delayMs, this, [this, webhooks, payload] {
            const qint64 timestamp = QDateTime::currentMSecsSinceEpoch();
            QNetworkRequest request{QUrl(webhooks.target)};
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            request.setRawHeader("X-HubSpot-Request-Timestamp", QByteArray::number(timestamp));
            request.setRawHeader("X-HubSpot-Signature-v3",
                                 WebhookVerifier::signHubSpotV3("POST", webhooks.target.toUtf8(), payload, timestamp, webhooks.secret));
            QNetworkReply *reply = m_network->post(request, payload);
            ++m_deliveriesSent;
            connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        });
    });
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

QString SandboxServer::newId(const QString &prefix)
{
    return QStringLiteral("%1_%2%3")
        .arg(prefix)
        .arg(QDateTime::currentMSecsSinceEpoch() % 100000000, 0, 36)
        .arg(m_nextId++, 6, 36, QLatin1Char('0'));
}

SandboxServer::Answer SandboxServer::error(int status, const QString &type, const QString &message,
                                           const QJsonObject &extra)
{
    QJsonObject err = extra;
    err.insert(QStringLiteral("type"), type);
    err.insert(QStringLiteral("message"), message);
    return Answer{status, QJsonDocument(QJsonObject{{QStringLiteral("error"), err}}).toJson(QJsonDocument::Compact), {}};
}

void SandboxServer::write(QTcpSocket *socket, const Answer &answer)
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
    write(socket, error(404, QStringLiteral("invalid_request_error"), QStringLiteral("Unrecognized request URL.")));
}

bool SandboxServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ++m_requests;
    const QString path = request.url().path();
    const QByteArray authorization = headerValue(request, "Authorization");
    const QString key = authorization.startsWith("Bearer ") ? QString::fromUtf8(authorization.mid(7)).trimmed() : QString();
    if (key.isEmpty()) {
        write(socket, error(401, QStringLiteral("invalid_request_error"),
                            QStringLiteral("You did not provide an API key. You need to provide your API key in the "
                                           "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                                           "YOUR_SECRET_KEY').")));
        return true;
    }
    const bool crm = path.startsWith(QLatin1String("/crm/"));
    const bool accepted = m_acceptedKeys.isEmpty()
        ? key.startsWith(crm ? QLatin1String("pat-") : QLatin1String("sk_test_"))
        : m_acceptedKeys.contains(key);
    if (!accepted) {
        write(socket, error(401, QStringLiteral("invalid_request_error"),
                            QStringLiteral("Invalid API Key provided: %1****%2").arg(key.left(8), key.right(4))));
        return true;
    }

    std::optional<SandboxFault> fault;
    if (!m_faults.isEmpty())
        fault = m_faults.takeFirst();
    if (fault) {
        switch (fault->kind) {
        case SandboxFault::Kind::RateLimit: {
            Answer a = error(429, QStringLiteral("rate_limit_error"),
                             QStringLiteral("Too many requests hit the API too quickly."));
            a.headers << qMakePair(QByteArray("Retry-After"), QByteArray::number(fault->arg < 0 ? 1 : fault->arg));
            write(socket, a);
            return true;
        }
        case SandboxFault::Kind::ServerError:
            write(socket, error(500, QStringLiteral("api_error"), QStringLiteral("An unknown error occurred.")));
            return true;
        case SandboxFault::Kind::Unavailable:
            write(socket, error(503, QStringLiteral("api_error"), QStringLiteral("The service is temporarily unavailable.")));
            return true;
        case SandboxFault::Kind::Reset:
            // Mid-answer, so the client cannot tell whether the request was processed (and
            // Qt does not silently resend it, as it would after a reset before any byte).
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"id\"");
            socket->flush();
            socket->abort();
            return true;
        case SandboxFault::Kind::Malformed:
            write(socket, Answer{200, QByteArrayLiteral("{\"id\": \"pi_"), {}});
            return true;
        case SandboxFault::Kind::Slow:
        case SandboxFault::Kind::TimeoutAfterCharge:
            break; // processed below, answered late or never
        }
    }

    Answer answer;
    if (crm) {
        answer = m_crm.handle(request); // HubSpot has no idempotency keys; faults apply alike
    } else {
        const QString idempotencyKey = QString::fromUtf8(headerValue(request, "Idempotency-Key"));
        const bool isPost = request.method() == QHttpServerRequest::Method::Post;
        const QMap<QString, QString> params = isPost ? parseForm(request.body()) : QMap<QString, QString>();
        QByteArray fingerprint;
        if (isPost && !idempotencyKey.isEmpty()) {
            fingerprint = path.toUtf8();
            for (auto it = params.begin(); it != params.end(); ++it)
                fingerprint += '\n' + it.key().toUtf8() + '=' + it.value().toUtf8();
        }
        if (const auto stored = m_idempotency.constFind(idempotencyKey); !fingerprint.isEmpty() && stored != m_idempotency.constEnd()) {
            if (stored->fingerprint == fingerprint) {
                answer = stored->answer;
                answer.headers << qMakePair(QByteArray("Idempotent-Replayed"), QByteArray("true"));
            } else {
                answer = error(400, QStringLiteral("idempotency_error"),
                               QStringLiteral("Keys for idempotent requests can only be used with the same parameters they "
                                              "were first used with. Try using a key other than '%1' if you meant to "
                                              "execute a different request.")
                                   .arg(idempotencyKey));
            }
        } else {
            answer = route(request, path, params, idempotencyKey);
            if (!fingerprint.isEmpty())
                m_idempotency.insert(idempotencyKey, StoredAnswer{fingerprint, answer});
        }
    }

    if (fault && fault->kind == SandboxFault::Kind::TimeoutAfterCharge)
        return true; // processed, never answered: the client times out
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

SandboxServer::Answer SandboxServer::route(const QHttpServerRequest &request, const QString &path,
                                           const QMap<QString, QString> &params, const QString &idempotencyKey)
{
    const bool isPost = request.method() == QHttpServerRequest::Method::Post;
    const bool isGet = request.method() == QHttpServerRequest::Method::Get;
    QMap<QString, QString> query;
    for (const auto &[k, v] : QUrlQuery(request.url()).queryItems(QUrl::FullyDecoded))
        query.insert(k, v);

    if (path == QLatin1String("/v1/payment_intents") && isPost)
        return createPaymentIntent(params, idempotencyKey);
    if (path == QLatin1String("/v1/balance") && isGet) {
        const QJsonArray funds{QJsonObject{{QStringLiteral("amount"), m_totalCharges * 1000},
                                           {QStringLiteral("currency"), QStringLiteral("eur")}}};
        const QJsonObject balance{{QStringLiteral("object"), QStringLiteral("balance")},
                                  {QStringLiteral("available"), funds},
                                  {QStringLiteral("pending"), QJsonArray()},
                                  {QStringLiteral("livemode"), false}};
        return Answer{200, QJsonDocument(balance).toJson(QJsonDocument::Compact), {}};
    }
    if (path == QLatin1String("/v1/payment_intents/search") && isGet)
        return searchPaymentIntents(query.value(QStringLiteral("query")));
    if (path == QLatin1String("/v1/payment_intents") && isGet) {
        QList<QJsonObject> items;
        for (auto it = m_paymentIntentOrder.crbegin(); it != m_paymentIntentOrder.crend(); ++it)
            items << m_paymentIntents.value(*it);
        return list(items, path, query);
    }
    if (path.startsWith(QLatin1String("/v1/payment_intents/")) && isPost)
        return updatePaymentIntent(path.section(QLatin1Char('/'), 3, 3), params);
    if (path.startsWith(QLatin1String("/v1/payment_intents/")) && isGet) {
        const QString id = path.section(QLatin1Char('/'), 3, 3);
        if (!m_paymentIntents.contains(id))
            return error(404, QStringLiteral("invalid_request_error"),
                         QStringLiteral("No such payment_intent: '%1'").arg(id),
                         {{QStringLiteral("code"), QStringLiteral("resource_missing")}});
        return Answer{200, QJsonDocument(m_paymentIntents.value(id)).toJson(QJsonDocument::Compact), {}};
    }
    if (path == QLatin1String("/v1/events") && isGet) {
        QList<QJsonObject> items;
        for (auto it = m_events.crbegin(); it != m_events.crend(); ++it) {
            if (!query.contains(QStringLiteral("type")) || it->value(QStringLiteral("type")).toString() == query.value(QStringLiteral("type")))
                items << *it;
        }
        return list(items, path, query);
    }
    if (path == QLatin1String("/v1/refunds") && isPost)
        return createRefund(params);
    if (path == QLatin1String("/v1/refunds") && isGet) {
        const QString pi = query.value(QStringLiteral("payment_intent"));
        QList<QJsonObject> items;
        for (auto it = m_refundOrder.crbegin(); it != m_refundOrder.crend(); ++it) {
            const QJsonObject refund = m_refunds.value(*it);
            if (pi.isEmpty() || refund.value(QStringLiteral("payment_intent")).toString() == pi)
                items << refund;
        }
        return list(items, path, query);
    }
    if (path.startsWith(QLatin1String("/v1/refunds/")) && isGet) {
        const QString id = path.section(QLatin1Char('/'), 3, 3);
        if (!m_refunds.contains(id))
            return error(404, QStringLiteral("invalid_request_error"), QStringLiteral("No such refund: '%1'").arg(id),
                         {{QStringLiteral("code"), QStringLiteral("resource_missing")}});
        return Answer{200, QJsonDocument(m_refunds.value(id)).toJson(QJsonDocument::Compact), {}};
    }
    return error(404, QStringLiteral("invalid_request_error"),
                 QStringLiteral("Unrecognized request URL (%1: %2).")
                     .arg(isPost ? QStringLiteral("POST") : QStringLiteral("GET"), path));
}

SandboxServer::Answer SandboxServer::createPaymentIntent(const QMap<QString, QString> &params,
                                                         const QString &idempotencyKey)
{
    bool amountOk = false;
    const qint64 amount = params.value(QStringLiteral("amount")).toLongLong(&amountOk);
    if (!params.contains(QStringLiteral("amount")))
        return error(400, QStringLiteral("invalid_request_error"), QStringLiteral("Missing required param: amount."),
                     {{QStringLiteral("param"), QStringLiteral("amount")}});
    if (!amountOk || amount < 1)
        return error(400, QStringLiteral("invalid_request_error"),
                     QStringLiteral("Invalid integer: %1").arg(params.value(QStringLiteral("amount"))),
                     {{QStringLiteral("param"), QStringLiteral("amount")}});
    if (!params.contains(QStringLiteral("currency")))
        return error(400, QStringLiteral("invalid_request_error"), QStringLiteral("Missing required param: currency."),
                     {{QStringLiteral("param"), QStringLiteral("currency")}});
    const QString paymentMethod = params.value(QStringLiteral("payment_method"));
    const TestCard *card = nullptr;
    for (const TestCard &c : kTestCards) {
        if (paymentMethod == QLatin1String(c.paymentMethod))
            card = &c;
    }
    if (!paymentMethod.isEmpty() && !card)
        return error(400, QStringLiteral("invalid_request_error"),
                     QStringLiteral("No such PaymentMethod: '%1'").arg(paymentMethod),
                     {{QStringLiteral("code"), QStringLiteral("resource_missing")},
                      {QStringLiteral("param"), QStringLiteral("payment_method")}});

    const bool confirm = params.value(QStringLiteral("confirm")) == QLatin1String("true");
    QJsonObject pi{{QStringLiteral("id"), newId(QStringLiteral("pi"))},
                   {QStringLiteral("object"), QStringLiteral("payment_intent")},
                   {QStringLiteral("amount"), amount},
                   {QStringLiteral("amount_received"), 0},
                   {QStringLiteral("currency"), params.value(QStringLiteral("currency")).toLower()},
                   {QStringLiteral("capture_method"), QStringLiteral("automatic")},
                   {QStringLiteral("confirmation_method"), QStringLiteral("automatic")},
                   {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
                   {QStringLiteral("description"), params.value(QStringLiteral("description"))},
                   {QStringLiteral("livemode"), false},
                   {QStringLiteral("metadata"), metadataFrom(params)},
                   {QStringLiteral("payment_method"), paymentMethod.isEmpty() ? QJsonValue() : QJsonValue(paymentMethod)},
                   {QStringLiteral("last_payment_error"), QJsonValue()},
                   {QStringLiteral("latest_charge"), QJsonValue()},
                   {QStringLiteral("status"), QStringLiteral("requires_payment_method")}};
    const QString id = pi.value(QStringLiteral("id")).toString();
    Answer answer;
    if (!confirm || !card) {
        answer = Answer{200, {}, {}};
    } else if (card->declineCode) {
        const QJsonObject lastError{{QStringLiteral("type"), QStringLiteral("card_error")},
                                    {QStringLiteral("code"), QStringLiteral("card_declined")},
                                    {QStringLiteral("decline_code"), QLatin1String(card->declineCode)},
                                    {QStringLiteral("message"), QLatin1String(card->message)}};
        pi.insert(QStringLiteral("last_payment_error"), lastError);
        QJsonObject extra = lastError;
        extra.remove(QStringLiteral("type"));
        extra.remove(QStringLiteral("message"));
        extra.insert(QStringLiteral("payment_intent"), pi);
        answer = error(402, QStringLiteral("card_error"), QLatin1String(card->message), extra);
    } else {
        pi.insert(QStringLiteral("status"), QStringLiteral("succeeded"));
        pi.insert(QStringLiteral("amount_received"), amount);
        pi.insert(QStringLiteral("latest_charge"), newId(QStringLiteral("ch")));
        ++m_totalCharges;
        ++m_chargesByKey[idempotencyKey];
        answer = Answer{200, {}, {}};
    }
    m_paymentIntents.insert(id, pi);
    m_paymentIntentOrder << id;
    if (confirm && card)
        emitEvent(card->declineCode ? QStringLiteral("payment_intent.payment_failed")
                                    : QStringLiteral("payment_intent.succeeded"),
                  pi);
    if (answer.body.isEmpty())
        answer.body = QJsonDocument(pi).toJson(QJsonDocument::Compact);
    return answer;
}

void SandboxServer::editPaymentIntent(const QString &id, const QJsonObject &fields)
{
    if (!m_paymentIntents.contains(id))
        return;
    QJsonObject pi = m_paymentIntents.value(id);
    for (auto it = fields.begin(); it != fields.end(); ++it)
        pi.insert(it.key(), it.value());
    m_paymentIntents.insert(id, pi);
}

void SandboxServer::importPaymentIntent(const QJsonObject &pi)
{
    const QString id = pi.value(QStringLiteral("id")).toString();
    if (!m_paymentIntents.contains(id))
        m_paymentIntentOrder << id;
    m_paymentIntents.insert(id, pi);
}

SandboxServer::Answer SandboxServer::updatePaymentIntent(const QString &id, const QMap<QString, QString> &params)
{
    if (!m_paymentIntents.contains(id))
        return error(404, QStringLiteral("invalid_request_error"), QStringLiteral("No such payment_intent: '%1'").arg(id),
                     {{QStringLiteral("code"), QStringLiteral("resource_missing")}});
    QJsonObject pi = m_paymentIntents.value(id);
    const QString status = pi.value(QStringLiteral("status")).toString();
    for (auto it = params.begin(); it != params.end(); ++it) {
        const bool money = it.key() == QLatin1String("amount") || it.key() == QLatin1String("currency");
        if (money && (status == QLatin1String("succeeded") || status == QLatin1String("canceled")))
            return error(400, QStringLiteral("invalid_request_error"),
                         QStringLiteral("This PaymentIntent's %1 could not be updated because it has a status of %2.")
                             .arg(it.key(), status),
                         {{QStringLiteral("code"), QStringLiteral("payment_intent_unexpected_state")}});
        if (!money && it.key() != QLatin1String("description") && !it.key().startsWith(QLatin1String("metadata[")))
            return error(400, QStringLiteral("invalid_request_error"), QStringLiteral("Received unknown parameter: %1").arg(it.key()),
                         {{QStringLiteral("param"), it.key()}});
    }
    if (params.contains(QStringLiteral("amount")))
        pi.insert(QStringLiteral("amount"), params.value(QStringLiteral("amount")).toLongLong());
    if (params.contains(QStringLiteral("currency")))
        pi.insert(QStringLiteral("currency"), params.value(QStringLiteral("currency")));
    if (params.contains(QStringLiteral("description")))
        pi.insert(QStringLiteral("description"), params.value(QStringLiteral("description")));
    QJsonObject metadata = pi.value(QStringLiteral("metadata")).toObject();
    const QJsonObject changed = metadataFrom(params);
    for (auto it = changed.begin(); it != changed.end(); ++it)
        metadata.insert(it.key(), it.value());
    pi.insert(QStringLiteral("metadata"), metadata);
    m_paymentIntents.insert(id, pi);
    return Answer{200, QJsonDocument(pi).toJson(QJsonDocument::Compact), {}};
}

SandboxServer::Answer SandboxServer::createRefund(const QMap<QString, QString> &params)
{
    const QString piId = params.value(QStringLiteral("payment_intent"));
    if (piId.isEmpty())
        return error(400, QStringLiteral("invalid_request_error"),
                     QStringLiteral("One of the following params should be provided for this request: payment_intent "
                                    "or charge."));
    if (!m_paymentIntents.contains(piId))
        return error(400, QStringLiteral("invalid_request_error"),
                     QStringLiteral("No such payment_intent: '%1'").arg(piId),
                     {{QStringLiteral("code"), QStringLiteral("resource_missing")},
                      {QStringLiteral("param"), QStringLiteral("payment_intent")}});
    QJsonObject pi = m_paymentIntents.value(piId);
    const qint64 received = pi.value(QStringLiteral("amount_received")).toInteger();
    const qint64 refunded = pi.value(QStringLiteral("amount_refunded")).toInteger();
    const qint64 amount = params.contains(QStringLiteral("amount")) ? params.value(QStringLiteral("amount")).toLongLong()
                                                                     : received - refunded;
    if (pi.value(QStringLiteral("status")).toString() != QLatin1String("succeeded"))
        return error(400, QStringLiteral("invalid_request_error"),
                     QStringLiteral("This PaymentIntent (%1) does not have a successful charge to refund.").arg(piId),
                     {{QStringLiteral("code"), QStringLiteral("charge_not_refundable")}});
    if (amount < 1 || amount > received - refunded)
        return error(400, QStringLiteral("invalid_request_error"),
                     QStringLiteral("Refund amount (%1) is greater than unrefunded amount on charge (%2).")
                         .arg(amount)
                         .arg(received - refunded),
                     {{QStringLiteral("code"), QStringLiteral("amount_too_large")}});
    pi.insert(QStringLiteral("amount_refunded"), refunded + amount);
    m_paymentIntents.insert(piId, pi);
    const QJsonObject refund{{QStringLiteral("id"), newId(QStringLiteral("re"))},
                             {QStringLiteral("object"), QStringLiteral("refund")},
                             {QStringLiteral("amount"), amount},
                             {QStringLiteral("currency"), pi.value(QStringLiteral("currency"))},
                             {QStringLiteral("payment_intent"), piId},
                             {QStringLiteral("charge"), pi.value(QStringLiteral("latest_charge"))},
                             {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
                             {QStringLiteral("metadata"), metadataFrom(params)},
                             {QStringLiteral("status"), QStringLiteral("succeeded")}};
    const QString id = refund.value(QStringLiteral("id")).toString();
    m_refunds.insert(id, refund);
    m_refundOrder << id;
    emitEvent(QStringLiteral("refund.created"), refund);
    return Answer{200, QJsonDocument(refund).toJson(QJsonDocument::Compact), {}};
}

SandboxServer::Answer SandboxServer::list(const QList<QJsonObject> &items, const QString &url,
                                          const QMap<QString, QString> &query)
{
    bool ok = true;
    const int limit = query.contains(QStringLiteral("limit")) ? query.value(QStringLiteral("limit")).toInt(&ok) : 10;
    if (!ok || limit < 1 || limit > 100)
        return error(400, QStringLiteral("invalid_request_error"),
                     QStringLiteral("Invalid limit: must be between 1 and 100"),
                     {{QStringLiteral("param"), QStringLiteral("limit")}});
    const QString after = query.value(QStringLiteral("starting_after"));
    qsizetype start = 0;
    if (!after.isEmpty()) {
        start = -1;
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (items.at(i).value(QStringLiteral("id")).toString() == after)
                start = i + 1;
        }
        if (start < 0)
            return error(400, QStringLiteral("invalid_request_error"),
                         QStringLiteral("No such object: '%1'").arg(after),
                         {{QStringLiteral("param"), QStringLiteral("starting_after")}});
    }
    QJsonArray data;
    for (qsizetype i = start; i < items.size() && data.size() < limit; ++i)
        data.append(items.at(i));
    const bool hasMore = start + data.size() < items.size();
    const QJsonObject page{{QStringLiteral("object"), QStringLiteral("list")},
                           {QStringLiteral("data"), data},
                           {QStringLiteral("has_more"), hasMore},
                           {QStringLiteral("url"), url}};
    return Answer{200, QJsonDocument(page).toJson(QJsonDocument::Compact), {}};
}

SandboxServer::Answer SandboxServer::searchPaymentIntents(const QString &query)
{
    // Enough of Stripe's search language for lookups by metadata: metadata['key']:'value'.
    static const QRegularExpression clause(QStringLiteral("^metadata\\['([^']+)'\\]:'([^']*)'$"));
    const QRegularExpressionMatch m = clause.match(query.trimmed());
    if (!m.hasMatch())
        return error(400, QStringLiteral("invalid_request_error"),
                     QStringLiteral("The sandbox understands only queries of the form metadata['key']:'value'."),
                     {{QStringLiteral("param"), QStringLiteral("query")}});
    QJsonArray data;
    for (auto it = m_paymentIntentOrder.crbegin(); it != m_paymentIntentOrder.crend(); ++it) {
        const QJsonObject pi = m_paymentIntents.value(*it);
        if (pi.value(QStringLiteral("metadata")).toObject().value(m.captured(1)).toString() == m.captured(2))
            data.append(pi);
    }
    const QJsonObject result{{QStringLiteral("object"), QStringLiteral("search_result")},
                             {QStringLiteral("data"), data},
                             {QStringLiteral("has_more"), false},
                             {QStringLiteral("url"), QStringLiteral("/v1/payment_intents/search")}};
    return Answer{200, QJsonDocument(result).toJson(QJsonDocument::Compact), {}};
}
