#include "webhooks/WebhookReceiver.h"

#include "events/EventProcessor.h"
#include "store/Database.h"
#include "webhooks/WebhookVerifier.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cstdlib>

Q_LOGGING_CATEGORY(lcWebhooks, "reconsole.webhooks")

namespace {
const QLatin1String kPrefix("/webhooks/");

HttpReply error(int status, const QString &why)
{
    return HttpReply::json(status, QJsonObject { { QStringLiteral("error"), why } });
}
} // namespace

WebhookReceiver::WebhookReceiver(const Database &db, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_inserter(db)
{
    // Coalesced: a burst of deliveries is processed in batches, between answers, not before them.
    m_processTimer.setSingleShot(true);
    m_processTimer.setInterval(25);
    connect(&m_processTimer, &QTimer::timeout, this, &WebhookReceiver::processQueue);
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_commitTimer, &QTimer::timeout, this, &WebhookReceiver::commitBatch);

    // TEST ONLY: RECONSOLE_TEST_CRASH=mid-batch[:N] | after-commit[:N] makes the process abort()
    // in its N-th group commit (default 1): halfway through the inserts, or once the commit is
    // on disk and before any answer. tests/webhooks/tst_webhookcrash kills the agent there to
    // show that what was answered 2xx is kept and the rest is stored once when delivered again.
    const QString crash = qEnvironmentVariable("RECONSOLE_TEST_CRASH");
    if (!crash.isEmpty()) {
        const QString point = crash.section(QLatin1Char(':'), 0, 0);
        m_crashPoint = point == QLatin1String("mid-batch") ? CrashPoint::MidBatch
            : point == QLatin1String("after-commit")       ? CrashPoint::AfterCommit
                                                           : CrashPoint::None;
        m_crashInBatch = qMax(1, crash.section(QLatin1Char(':'), 1, 1).toInt());
        if (m_crashPoint != CrashPoint::None)
            qCWarning(lcWebhooks).noquote()
                << "RECONSOLE_TEST_CRASH is set: this process will abort() in commit" << m_crashInBatch;
    }
}

void WebhookReceiver::start()
{
    if (m_processing)
        m_processTimer.start(); // whatever a previous run stored but never processed
}

void WebhookReceiver::setGroupCommit(const GroupCommit &groupCommit)
{
    m_groupCommit = groupCommit;
    m_groupCommit.windowMs = qMax(0, groupCommit.windowMs);
    m_groupCommit.maxDeliveries = qMax(1, groupCommit.maxDeliveries);
}

bool WebhookReceiver::serves(const QString &path) const
{
    return path.startsWith(kPrefix);
}

qint64 WebhookReceiver::bodyLimit(const QString &path) const
{
    // No provider we verify documents a larger delivery than the listener's default (1 MiB):
    // Stripe's events and HubSpot's batches of at most 100 changes are a few kilobytes.
    return HttpRoute::bodyLimit(path);
}

void WebhookReceiver::reject(const HttpReplier &reply, const QString &providerId, int status, const QString &why)
{
    ++m_rejected;
    // The rejection stands whether or not its count can be kept (a full disk must not turn a
    // forged delivery into a 503 the sender would retry).
    if (Status counted = EventStore(m_db).countWebhook(providerId, QStringLiteral("rejected")); !counted)
        qCWarning(lcWebhooks).noquote() << "rejection not counted:" << counted.message();
    qCInfo(lcWebhooks).noquote() << QStringLiteral("rejected a delivery for %1: %2").arg(providerId, why);
    reply(error(status, why));
}

void WebhookReceiver::handle(const HttpExchange &exchange, HttpReplier reply)
{
    const QString path = exchange.url.path();
    if (exchange.method != "POST") {
        reply(error(404, QStringLiteral("unknown path; POST /webhooks/<provider>")));
        return;
    }
    const QString providerId = path.mid(kPrefix.size());
    const QStringList secrets = m_secrets.value(providerId);
    if (secrets.isEmpty()) {
        reject(reply, providerId, 404, QStringLiteral("no webhook secret is configured for this provider"));
        return;
    }
    if (!exchange.header("x-hubspot-signature-v3").isEmpty() || !exchange.header("x-hubspot-signature").isEmpty()) {
        receiveHubSpot(exchange, reply, providerId, secrets);
        return;
    }
    const QByteArray &body = exchange.body;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Event e;
    e.source = providerId;
    e.channel = QStringLiteral("webhook");
    e.payload = QString::fromUtf8(body);
    const QByteArray stripeSignature = exchange.header("stripe-signature");
    Status verified = success();
    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(body, &parseError).object();
    if (!stripeSignature.isEmpty()) {
        verified = WebhookVerifier::verifyStripe(body, stripeSignature, secrets, now);
        e.externalId = json.value(QStringLiteral("id")).toString();
        e.type = json.value(QStringLiteral("type")).toString();
        e.occurredAt = json.value(QStringLiteral("created")).toInteger() * 1000;
    } else {
        const QByteArray id = exchange.header("webhook-id");
        const QByteArray timestamp = exchange.header("webhook-timestamp");
        verified
            = WebhookVerifier::verifyStandard(body, id, timestamp, exchange.header("webhook-signature"), secrets, now);
        e.externalId = QString::fromUtf8(id);
        e.type = json.value(QStringLiteral("type")).toString();
        e.occurredAt = timestamp.toLongLong() * 1000;
    }
    if (!verified) {
        reject(reply, providerId, verified.error().errorClass == ErrorClass::Input ? 400 : 401, verified.message());
        return;
    }
    if (parseError.error != QJsonParseError::NoError || e.externalId.isEmpty() || e.type.isEmpty()) {
        reject(reply, providerId, 400, QStringLiteral("the body is not an event (no id or type)"));
        return;
    }
    if (e.occurredAt <= 0)
        e.occurredAt = nowMs();
    enqueue({ e }, reply);
}

void WebhookReceiver::receiveHubSpot(
    const HttpExchange &exchange, const HttpReplier &reply, const QString &providerId, const QStringList &secrets)
{
    const QByteArray &body = exchange.body;
    const QByteArray v3 = exchange.header("x-hubspot-signature-v3");
    // v3 signs the URL HubSpot called; behind a proxy that is the public one, which the Host
    // header the proxy forwards still names (and X-Forwarded-Proto its https).
    QUrl called = exchange.url;
    if (exchange.header("x-forwarded-proto").toLower() == "https")
        called.setScheme(QStringLiteral("https"));
    const Status verified = !v3.isEmpty()
        // toString() as before: QUrl turns FullyDecoded into this for a whole URL (with a warning).
        ? WebhookVerifier::verifyHubSpotV3("POST", called.toString().toUtf8(), body,
            exchange.header("x-hubspot-request-timestamp"), v3, secrets, nowMs())
        : WebhookVerifier::verifyHubSpotV1(body, exchange.header("x-hubspot-signature"), secrets);
    if (!verified) {
        reject(reply, providerId, verified.error().errorClass == ErrorClass::Input ? 400 : 401, verified.message());
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
        reject(reply, providerId, 400,
            QStringLiteral("the body is not a batch of HubSpot events (eventId, subscriptionType)"));
        return;
    }
    enqueue(events, reply);
}

void WebhookReceiver::enqueue(const QList<Event> &events, const HttpReplier &reply)
{
    m_batch << Delivery { events, reply };
    if (m_batch.size() >= m_groupCommit.maxDeliveries)
        commitBatch();
    else if (!m_commitTimer.isActive())
        m_commitTimer.start(m_groupCommit.windowMs);
}

void WebhookReceiver::commitBatch()
{
    m_commitTimer.stop();
    if (m_batch.isEmpty())
        return;
    const QList<Delivery> batch = std::exchange(m_batch, {});
    QList<Event> events;
    for (const Delivery &d : batch)
        events << d.events;
    const bool crashHere = m_crashPoint != CrashPoint::None && m_commits + 1 == m_crashInBatch;
    auto inserted = m_inserter.insertDurably(events, [&](qsizetype i) {
        if (crashHere && m_crashPoint == CrashPoint::MidBatch && i == events.size() / 2)
            std::abort(); // test only: see the constructor
    });
    if (!inserted) {
        // Nothing of the batch is stored: a 5xx makes each provider deliver again later.
        qCWarning(lcWebhooks).noquote() << inserted.message();
        HttpReply unavailable = error(503, QStringLiteral("the event could not be stored; deliver it again"));
        unavailable.headers << qMakePair(QByteArray("Retry-After"), QByteArray("5"));
        for (const Delivery &d : batch)
            d.reply(unavailable);
        return;
    }
    ++m_commits;
    if (crashHere && m_crashPoint == CrashPoint::AfterCommit)
        std::abort(); // test only: see the constructor
    qsizetype at = 0;
    for (const Delivery &d : batch) {
        bool anyNew = false;
        for (qsizetype i = 0; i < d.events.size(); ++i, ++at) {
            const bool isNew = inserted->at(at);
            ++(isNew ? m_accepted : m_duplicates);
            anyNew = anyNew || isNew;
        }
        d.reply({ 200,
            anyNew ? QByteArrayLiteral(R"({"received":true})")
                   : QByteArrayLiteral(R"({"received":true,"duplicate":true})"),
            "application/json", {} });
    }
    if (m_processing && !m_processTimer.isActive())
        m_processTimer.start();
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
