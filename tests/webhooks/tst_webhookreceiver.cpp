// The webhook receiver over real loopback HTTP: verification before storage, one row per
// event however often it is delivered, order by the event's own time, the unknown outcome
// settled by the provider's word, and nothing lost when the process dies after the answer.
#include "SandboxFixture.h"
#include "ServedWebhooks.h"
#include "TestSupport.h"
#include "events/EventStore.h"
#include "records/CustomerStore.h"
#include "timeline/Timeline.h"
#include "webhooks/WebhookVerifier.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QTest>

namespace {
const QString kSecret = QStringLiteral("whsec_receiverTestSecret_0123456789");

int post(QNetworkAccessManager &network, const QString &url, const QByteArray &body,
    const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request { QUrl(url) };
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = network.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

QByteArray stripeEvent(const QString &id, const QString &type, qint64 created, const QString &key, const QString &piId)
{
    const QJsonObject pi { { QStringLiteral("id"), piId },
        { QStringLiteral("object"), QStringLiteral("payment_intent") },
        { QStringLiteral("metadata"), QJsonObject { { QStringLiteral("reconsole_key"), key } } } };
    return QJsonDocument(
        QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("object"), QStringLiteral("event") },
            { QStringLiteral("type"), type }, { QStringLiteral("created"), created },
            { QStringLiteral("data"), QJsonObject { { QStringLiteral("object"), pi } } } })
        .toJson(QJsonDocument::Compact);
}

qint64 count(const Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
}

qint64 unknownOutcome(const Database &db, const QString &key)
{
    Operation op = SandboxFixture::payment(key);
    op.state = OperationState::UnknownOutcome;
    return OperationStore(db).insert(op).value();
}
} // namespace

class TestWebhookReceiver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void webhookSettlesUnknownOutcome_data() { ADD_BACKEND_ROWS(); }
    void webhookSettlesUnknownOutcome()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db, 700);
        ServedWebhooks served(db);
        WebhookReceiver &receiver = served.receiver;
        QVERIFY(served.start());
        receiver.setSecrets(QStringLiteral("stripe-sandbox"), { kSecret });
        // The answer is lost, the webhook arrives later (as real providers do).
        f.sandbox.setWebhooks(
            { served.baseUrl() + QStringLiteral("/webhooks/stripe-sandbox"), kSecret, 1500, false, false, 0 });
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("timeout_after_charge")).value());
        OperationStore store(db);
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("hook-1"))).value();
        std::optional<Result<Operation>> ran;
        f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { ran = r; });
        QTRY_VERIFY_WITH_TIMEOUT(ran.has_value(), 10000);
        QCOMPARE(store.get(id)->state, OperationState::UnknownOutcome);

        QTRY_COMPARE_WITH_TIMEOUT(store.get(id)->state, OperationState::Succeeded, 10000);
        QVERIFY(store.get(id)->externalId.startsWith(QLatin1String("pi_")));
        QCOMPARE(f.sandbox.chargesForKey(QStringLiteral("hook-1")), 1);
        auto events = EventStore(db).list(QStringLiteral("stripe-sandbox"), QStringLiteral("ORD-hook-1"), 10).value();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().operationId, id);
        QVERIFY(events.first().note.contains(QLatin1String("settled")));
    }

    // The provider's webhook arrives while our request is still waiting for its answer, and
    // then the answer is lost: the webhook already said what happened, so nothing stays unknown.
    void webhookBeforeALostAnswerSettlesIt()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db, 800); // the client gives up after 0.8 s
        ServedWebhooks served(db);
        WebhookReceiver &receiver = served.receiver;
        QVERIFY(served.start());
        receiver.setSecrets(QStringLiteral("stripe-sandbox"), { kSecret });
        f.sandbox.setWebhooks(
            { served.baseUrl() + QStringLiteral("/webhooks/stripe-sandbox"), kSecret, 0, false, false, 0 });
        f.sandbox.queueFaults({ SandboxFault { SandboxFault::Kind::Slow, 3000 } }); // charged at once, answered late
        const qint64 id = OperationStore(db).insert(SandboxFixture::payment(QStringLiteral("early-webhook"))).value();
        std::optional<Result<Operation>> ran;
        f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { ran = r; });
        QTRY_VERIFY_WITH_TIMEOUT(ran.has_value(), 10000);
        QVERIFY(receiver.accepted() >= 1);
        const Operation op = OperationStore(db).get(id).value();
        QCOMPARE(op.state, OperationState::Succeeded);
        QVERIFY(op.externalId.startsWith(QLatin1String("pi_")));
        QCOMPARE(f.sandbox.chargesForKey(QStringLiteral("early-webhook")), 1);
        QCOMPARE(OperationStore(db).attempts(id)->size(), 1); // nothing was sent twice
    }

    void duplicatesAreStoredOnce()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        ServedWebhooks served(db);
        WebhookReceiver &receiver = served.receiver;
        QVERIFY(served.start());
        receiver.setSecrets(QStringLiteral("stripe-sandbox"), { kSecret });
        f.sandbox.setWebhooks(
            { served.baseUrl() + QStringLiteral("/webhooks/stripe-sandbox"), kSecret, 0, true, true, 0 });
        OperationStore store(db);
        for (int i = 0; i < 4; ++i) {
            const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("dup-%1").arg(i))).value();
            std::optional<Result<Operation>> ran;
            f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { ran = r; });
            QTRY_VERIFY_WITH_TIMEOUT(ran.has_value(), 10000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(receiver.accepted() + receiver.duplicates(), 8, 10000);
        QCOMPARE(receiver.accepted(), 4);
        QCOMPARE(receiver.duplicates(), 4);
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE channel = 'webhook'")), 4);
        QTRY_COMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE processed_at IS NULL")), 0);
        QCOMPARE(
            count(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE channel = 'webhook' AND deliveries = 2")), 4);
        const auto timeline = Timeline::forEntity(db, QStringLiteral("ORD-dup-0")).value();
        QVERIFY(std::any_of(timeline.cbegin(), timeline.cend(),
            [](const TimelineEntry &t) { return t.anomaly.contains(QLatin1String("delivered 2 times")); }));
    }

    void orderComesFromTheEventsOwnTime()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        ServedWebhooks served(db);
        WebhookReceiver &receiver = served.receiver;
        QVERIFY(served.start());
        receiver.setSecrets(QStringLiteral("stripe-sandbox"), { kSecret });
        const qint64 id = unknownOutcome(db, QStringLiteral("order-1"));
        const QString url = served.baseUrl() + QStringLiteral("/webhooks/stripe-sandbox");
        QNetworkAccessManager network;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        auto send = [&](const QString &eventId, const QString &type, qint64 created) {
            const QByteArray body
                = stripeEvent(eventId, type, created, QStringLiteral("order-1"), QStringLiteral("pi_order1"));
            return post(
                network, url, body, { { "Stripe-Signature", WebhookVerifier::signStripe(body, kSecret, now) } });
        };
        // Delivered newest first: the later-arriving, older failure must not override.
        QCOMPARE(send(QStringLiteral("evt_2"), QStringLiteral("payment_intent.succeeded"), now - 10), 200);
        QTRY_COMPARE(OperationStore(db).get(id)->state, OperationState::Succeeded);
        QCOMPARE(send(QStringLiteral("evt_1"), QStringLiteral("payment_intent.payment_failed"), now - 60), 200);
        QCOMPARE(send(QStringLiteral("evt_0"), QStringLiteral("payment_intent.processing"), now - 90), 200);
        QTRY_COMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE processed_at IS NULL")), 0);
        QCOMPARE(OperationStore(db).get(id)->state, OperationState::Succeeded);
        const auto events = EventStore(db).list(QStringLiteral("stripe-sandbox"), {}, 10).value();
        QCOMPARE(events.size(), 3);
        for (const Event &e : events) {
            if (e.externalId != QLatin1String("evt_2"))
                QVERIFY2(e.note.contains(QLatin1String("out of order")), qPrintable(e.note));
        }
    }

    // The CRM's signed batches: one stored event per HubSpot event, on our customer's timeline,
    // and the last heard value of each property is the diff's third column.
    void hubSpotBatchesFromTheSandboxCrm()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        ServedWebhooks served(db);
        WebhookReceiver &receiver = served.receiver;
        QVERIFY(served.start());
        const QString secret = QStringLiteral("hubspot-client-secret-1234");
        receiver.setSecrets(QStringLiteral("crm-sandbox"), { secret });
        SandboxWebhooks hooks;
        hooks.target = served.baseUrl() + QStringLiteral("/webhooks/crm-sandbox");
        hooks.secret = secret;
        f.sandbox.setCrmWebhooks(hooks);

        const QString contact
            = f.sandbox.crm().addContact({ { QStringLiteral("email"), QStringLiteral("ann@example.com") },
                { QStringLiteral("phone"), QStringLiteral("+1") } });
        EXPECT_OK(CustomerStore(db).upsert(QStringLiteral("CUS-1"),
            { { QStringLiteral("email"), QStringLiteral("ann@example.com") },
                { QStringLiteral("phone"), QStringLiteral("+1") } }));
        EXPECT_OK(CustomerStore(db).linkExternal(
            QStringLiteral("customer"), QStringLiteral("CUS-1"), QStringLiteral("crm-sandbox"), contact));
        QTRY_COMPARE(receiver.accepted(), 3); // creation, email, phone
        f.sandbox.crm().changeContact(contact,
            { { QStringLiteral("phone"), QStringLiteral("+2") },
                { QStringLiteral("email"), QStringLiteral("ann@example.com") } });
        QTRY_COMPARE(receiver.accepted(), 4); // only what changed is announced
        QTRY_COMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE processed_at IS NULL")), 0);
        QCOMPARE(
            count(
                db, QStringLiteral("SELECT COUNT(*) FROM events WHERE source = 'crm-sandbox' AND entity_id = 'CUS-1'")),
            4);

        // We heard +2; ours still says +1 and the CRM has moved on to +3: a conflict, not drift.
        f.sandbox.crm().changeContact(contact, { { QStringLiteral("phone"), QStringLiteral("+3") } });
        QTRY_COMPARE(receiver.accepted(), 5);
        QTRY_COMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE processed_at IS NULL")), 0);
        EXPECT_OK(CustomerStore(db).upsert(QStringLiteral("CUS-1"),
            { { QStringLiteral("email"), QStringLiteral("ann@example.com") },
                { QStringLiteral("phone"), QStringLiteral("+0") } }));
        f.sandbox.setCrmWebhooks({}); // the next change reaches the CRM only
        f.sandbox.crm().changeContact(contact, { { QStringLiteral("phone"), QStringLiteral("+4") } });
        std::optional<Result<RecordComparison>> c;
        f.records->compare(
            QStringLiteral("contact"), QStringLiteral("CUS-1"), {}, [&](Result<RecordComparison> r) { c = r; });
        QTRY_VERIFY_WITH_TIMEOUT(c.has_value(), 10000);
        QVERIFY2(*c, qPrintable(c->message()));
        const FieldDiff *phone = c->value().field(QStringLiteral("phone"));
        QCOMPARE(phone->lastWebhook.toString(), QStringLiteral("+3"));
        QCOMPARE(phone->verdict, FieldDiff::Verdict::Conflict);
        QCOMPARE(c->value().field(QStringLiteral("email"))->verdict, FieldDiff::Verdict::InSync);

        // A forged batch is refused and stores nothing.
        QNetworkAccessManager network;
        const QByteArray forged = R"([{"eventId":999,"subscriptionType":"contact.propertyChange","objectId":1}])";
        QCOMPARE(post(network, hooks.target, forged,
                     { { "X-HubSpot-Signature-v3", "Zm9yZ2Vk" },
                         { "X-HubSpot-Request-Timestamp", QByteArray::number(nowMs()) } }),
            401);
        QCOMPARE(post(network, hooks.target, "{}",
                     { { "X-HubSpot-Signature",
                         QCryptographicHash::hash(secret.toUtf8() + "{}", QCryptographicHash::Sha256).toHex() } }),
            400);
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE external_id = '999'")), 0);
    }

    void rejectionsAreCountedNeverStored()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        ServedWebhooks served(db);
        WebhookReceiver &receiver = served.receiver;
        QVERIFY(served.start());
        receiver.setSecrets(QStringLiteral("stripe-sandbox"), { QStringLiteral("whsec_old_secret_abcdef"), kSecret });
        const QString url = served.baseUrl() + QStringLiteral("/webhooks/stripe-sandbox");
        QNetworkAccessManager network;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QByteArray body = stripeEvent(QStringLiteral("evt_r"), QStringLiteral("payment_intent.succeeded"), now,
            QStringLiteral("x"), QStringLiteral("pi_x"));
        QCOMPARE(post(network, url, body,
                     { { "Stripe-Signature",
                         WebhookVerifier::signStripe(body, QStringLiteral("whsec_wrong_one_xx"), now) } }),
            401);
        QCOMPARE(post(network, url, body,
                     { { "Stripe-Signature", WebhookVerifier::signStripe(body, kSecret, now - 3600) } }),
            401);
        QCOMPARE(post(network, url, body, { { "Stripe-Signature", "v1=abc" } }), 400);
        QCOMPARE(
            post(network, url, body + ' ', { { "Stripe-Signature", WebhookVerifier::signStripe(body, kSecret, now) } }),
            401);
        QCOMPARE(post(network, served.baseUrl() + QStringLiteral("/webhooks/nobody"), body,
                     { { "Stripe-Signature", WebhookVerifier::signStripe(body, kSecret, now) } }),
            404);
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events")), 0);
        QCOMPARE(EventStore(db).webhookCount(QStringLiteral("stripe-sandbox"), QStringLiteral("rejected")).value(), 4);
        QCOMPARE(receiver.rejected(), 5);

        // The old secret still works during a rotation; Standard Webhooks are accepted too.
        QCOMPARE(post(network, url, body,
                     { { "Stripe-Signature",
                         WebhookVerifier::signStripe(body, QStringLiteral("whsec_old_secret_abcdef"), now) } }),
            200);
        const QByteArray standard
            = R"({"type":"contact.updated","timestamp":"2026-11-27T10:00:00Z","data":{"id":"c1"}})";
        QCOMPARE(post(network, url, standard,
                     { { "webhook-id", "msg_1" }, { "webhook-timestamp", QByteArray::number(now) },
                         { "webhook-signature", WebhookVerifier::signStandard(standard, "msg_1", now, kSecret) } }),
            200);
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events")), 2);
    }

    void crashAfterAnswerLosesNothing()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        const qint64 id = unknownOutcome(db, QStringLiteral("crash-1"));
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QByteArray body = stripeEvent(QStringLiteral("evt_c"), QStringLiteral("payment_intent.succeeded"), now,
            QStringLiteral("crash-1"), QStringLiteral("pi_crash"));
        {
            ServedWebhooks servedDying(db);
            WebhookReceiver &dying = servedDying.receiver;
            dying.setProcessing(false); // answers, then "dies" before processing
            QVERIFY(servedDying.start());
            dying.setSecrets(QStringLiteral("stripe-sandbox"), { kSecret });
            QNetworkAccessManager network;
            QCOMPARE(post(network, servedDying.baseUrl() + QStringLiteral("/webhooks/stripe-sandbox"), body,
                         { { "Stripe-Signature", WebhookVerifier::signStripe(body, kSecret, now) } }),
                200);
        }
        QCOMPARE(OperationStore(db).get(id)->state, OperationState::UnknownOutcome);
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE processed_at IS NULL")), 1);
        ServedWebhooks servedRestarted(db);
        WebhookReceiver &restarted = servedRestarted.receiver;
        QVERIFY(servedRestarted.start()); // works the queue the dead one left
        QTRY_COMPARE(OperationStore(db).get(id)->state, OperationState::Succeeded);
    }
};

QTEST_GUILESS_MAIN(TestWebhookReceiver)
#include "tst_webhookreceiver.moc"
