#include "webhooks/WebhookReceiver.h"

#include "events/EventProcessor.h"
#include "store/Database.h"
#include "webhooks/WebhookVerifier.h"

#include <QDateTime>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>

Q_LOGGING_CATEGORY(lcWebhooks, "reconsole.webhooks")

namespace {
QByteArray header(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void answer(QTcpSocket *socket, int status, const QByteArray &body)
{
    const QByteArray reason = status == 200 ? "OK"
        : status == 400                     ? "Bad Request"
        : status == 401                     ? "Unauthorized"
                                            : "Not Found";
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\n"
          "Content-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body);
}
} // namespace

WebhookReceiver::WebhookReceiver(const Database &db, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_db(db)
    , m_inserter(db)
{
    // Coalesced: a burst of deliveries is processed in batches, between answers, not before them.
    m_processTimer.setSingleShot(true);
    m_processTimer.setInterval(25);
    connect(&m_processTimer, &QTimer::timeout, this, &WebhookReceiver::processQueue);
}

quint16 WebhookReceiver::start(quint16 port)
{
    const quint16 bound = listen(QHostAddress::LocalHost, port);
    if (bound && m_processing)
        m_processTimer.start(); // whatever a previous run stored but never processed
    return bound;
}

QString WebhookReceiver::baseUrl() const
{
    const auto ports = const_cast<WebhookReceiver *>(this)->serverPorts();
    return ports.isEmpty() ? QString() : QStringLiteral("http://127.0.0.1:%1").arg(ports.first());
}

void WebhookReceiver::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    answer(socket, 404, R"({"error":"unknown path; POST /webhooks/<provider>"})");
}

void WebhookReceiver::reject(QTcpSocket *socket, const QString &providerId, int status, const QString &why)
{
    ++m_rejected;
    // The rejection stands whether or not its count can be kept (a full disk must not turn a
    // forged delivery into a 503 the sender would retry).
    if (Status counted = EventStore(m_db).countWebhook(providerId, QStringLiteral("rejected")); !counted)
        qCWarning(lcWebhooks).noquote() << "rejection not counted:" << counted.message();
    qCInfo(lcWebhooks).noquote() << QStringLiteral("rejected a delivery for %1: %2").arg(providerId, why);
    answer(
        socket, status, QJsonDocument(QJsonObject { { QStringLiteral("error"), why } }).toJson(QJsonDocument::Compact));
}

bool WebhookReceiver::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    if (request.method() != QHttpServerRequest::Method::Post || !path.startsWith(QLatin1String("/webhooks/"))) {
        missingHandler(request, socket);
        return true;
    }
    const QString providerId = path.mid(10);
    const QStringList secrets = m_secrets.value(providerId);
    if (secrets.isEmpty()) {
        reject(socket, providerId, 404, QStringLiteral("no webhook secret is configured for this provider"));
        return true;
    }
    const QByteArray body = request.body();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Event e;
    e.source = providerId;
    e.channel = QStringLiteral("webhook");
    e.payload = QString::fromUtf8(body);
    if (!header(request, "X-HubSpot-Signature-v3").isEmpty() || !header(request, "X-HubSpot-Signature").isEmpty()) {
        receiveHubSpot(request, socket, providerId, secrets);
        return true;
    }
    const QByteArray stripeSignature = header(request, "Stripe-Signature");
    Status verified = success();
    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(body, &parseError).object();
    if (!stripeSignature.isEmpty()) {
        verified = WebhookVerifier::verifyStripe(body, stripeSignature, secrets, now);
        e.externalId = json.value(QStringLiteral("id")).toString();
        e.type = json.value(QStringLiteral("type")).toString();
        e.occurredAt = json.value(QStringLiteral("created")).toInteger() * 1000;
    } else {
        const QByteArray id = header(request, "webhook-id");
        const QByteArray timestamp = header(request, "webhook-timestamp");
        verified
            = WebhookVerifier::verifyStandard(body, id, timestamp, header(request, "webhook-signature"), secrets, now);
        e.externalId = QString::fromUtf8(id);
        e.type = json.value(QStringLiteral("type")).toString();
        e.occurredAt = timestamp.toLongLong() * 1000;
    }
    if (!verified) {
        reject(socket, providerId, verified.error().errorClass == ErrorClass::Input ? 400 : 401, verified.message());
        return true;
    }
    if (parseError.error != QJsonParseError::NoError || e.externalId.isEmpty() || e.type.isEmpty()) {
        reject(socket, providerId, 400, QStringLiteral("the body is not an event (no id or type)"));
        return true;
    }
    if (e.occurredAt <= 0)
        e.occurredAt = nowMs();
    store(socket, { e });
    return true;
}

void WebhookReceiver::store(QTcpSocket *socket, const QList<Event> &events)
{
    bool anyNew = false;
    for (const Event &e : events) {
        auto inserted = m_inserter.insertIfNew(e);
        if (!inserted) {
            // Not stored: a 5xx makes the provider deliver again later (what was stored is
            // then a duplicate, counted once).
            qCWarning(lcWebhooks).noquote() << inserted.message();
            socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 5\r\n\r\n");
            return;
        }
        if (inserted.value())
            ++m_accepted;
        else
            ++m_duplicates;
        anyNew = anyNew || inserted.value();
    }
    answer(socket, 200,
        anyNew ? QByteArrayLiteral(R"({"received":true})")
               : QByteArrayLiteral(R"({"received":true,"duplicate":true})"));
    if (m_processing && !m_processTimer.isActive())
        m_processTimer.start();
}

void WebhookReceiver::receiveHubSpot(
    const QHttpServerRequest &request, QTcpSocket *socket, const QString &providerId, const QStringList &secrets)
{
    const QByteArray body = request.body();
    const QByteArray v3 = header(request, "X-HubSpot-Signature-v3");
    // v3 signs the URL HubSpot called; behind a proxy that is the public one, which the Host
    // header the proxy forwards still names.
    const Status verified = !v3.isEmpty()
        ? WebhookVerifier::verifyHubSpotV3("POST", request.url().toString(QUrl::FullyDecoded).toUtf8(), body,
            header(request, "X-HubSpot-Request-Timestamp"), v3, secrets, nowMs())
        : WebhookVerifier::verifyHubSpotV1(body, header(request, "X-HubSpot-Signature"), secrets);
    if (!verified) {
        reject(socket, providerId, verified.error().errorClass == ErrorClass::Input ? 400 : 401, verified.message());
        return;
    }
    // HubSpot batches: an array of events, each with its own id, time and one changed property.
    QJsonParseError parseError;
    const QJsonArray batch = QJsonDocument::fromJson(body, &parseError).array();
    QList<Event> events;
    for (const QJsonValue &v : batch) {
        const QJsonObject o = v.toObject();
        Event e;
        e.source = providerId;
        e.channel = QStringLiteral("webhook");
        e.externalId = o.value(QStringLiteral("eventId")).toVariant().toString();
        e.type = o.value(QStringLiteral("subscriptionType")).toString();
        e.occurredAt = o.value(QStringLiteral("occurredAt")).toInteger();
        if (e.occurredAt <= 0)
            e.occurredAt = nowMs();
        e.payload = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
        if (e.externalId.isEmpty() || e.type.isEmpty()) {
            events.clear();
            break;
        }
        events << e;
    }
    if (parseError.error != QJsonParseError::NoError || events.isEmpty()) {
        reject(socket, providerId, 400,
            QStringLiteral("the body is not a batch of HubSpot events (eventId, subscriptionType)"));
        return;
    }
    store(socket, events);
}

void WebhookReceiver::processQueue()
{
    auto done = EventProcessor(m_db).processPending(2000);
    if (!done) {
        qCWarning(lcWebhooks).noquote() << done.message();
        return;
    }
    if (done.value() > 0) {
        Q_EMIT processed(done.value());
        m_processTimer.start(); // more may have arrived meanwhile
    }
}
