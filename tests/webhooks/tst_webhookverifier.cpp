// Webhook signatures against the public vectors of Standard Webhooks and Stripe's own cases.
#include "webhooks/WebhookVerifier.h"

#include <QTest>

namespace {
// The Standard Webhooks specification's published vector, from its libraries' tests.
const QString kStandardSecret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
const QByteArray kStandardId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const QByteArray kStandardTimestamp = "1614265330";
const QByteArray kStandardPayload = R"({"test": 2432232314})";
const QByteArray kStandardSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
constexpr qint64 kStandardNow = 1614265330;

const QString kStripeSecret = QStringLiteral("whsec_test_secret");
const QByteArray kStripePayload = R"({"id":"evt_test_webhook","object":"event"})";
} // namespace

class TestWebhookVerifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void standardVector()
    {
        QVERIFY(WebhookVerifier::verifyStandard(
            kStandardPayload, kStandardId, kStandardTimestamp, kStandardSignature, { kStandardSecret }, kStandardNow));
        QCOMPARE(WebhookVerifier::signStandard(kStandardPayload, kStandardId, kStandardNow, kStandardSecret),
            kStandardSignature);
    }

    void standardRejections()
    {
        auto verify = [](const QByteArray &payload, const QByteArray &id, const QByteArray &signatures, qint64 now,
                          const QStringList &secrets = { kStandardSecret }) {
            return bool(WebhookVerifier::verifyStandard(payload, id, kStandardTimestamp, signatures, secrets, now));
        };
        QVERIFY(!verify(R"({"test": 2432232315})", kStandardId, kStandardSignature, kStandardNow)); // tampered
        QVERIFY(!verify(kStandardPayload, "msg_other", kStandardSignature, kStandardNow));
        QVERIFY(!verify(kStandardPayload, kStandardId, kStandardSignature, kStandardNow + 301)); // expired
        QVERIFY(!verify(kStandardPayload, kStandardId, kStandardSignature, kStandardNow - 301)); // future
        QVERIFY(verify(kStandardPayload, kStandardId, kStandardSignature, kStandardNow + 299));
        QVERIFY(!verify(kStandardPayload, kStandardId, "v1,bm90IGEgc2lnbmF0dXJl", kStandardNow));
        QVERIFY(
            !verify(kStandardPayload, kStandardId, "v2," + kStandardSignature.mid(3), kStandardNow)); // other scheme
        QVERIFY(
            verify(kStandardPayload, kStandardId, "v1,bm9wZQ== " + kStandardSignature, kStandardNow)); // any of several
        QVERIFY(verify(kStandardPayload, kStandardId, kStandardSignature, kStandardNow,
            { QStringLiteral("whsec_b3RoZXJzZWNyZXRvdGhlcnNlY3JldA=="), kStandardSecret })); // rotation
        QVERIFY(!WebhookVerifier::verifyStandard(
            kStandardPayload, {}, kStandardTimestamp, kStandardSignature, { kStandardSecret }, kStandardNow));
    }

    // HubSpot's own v1 example (developers.hubspot.com, "v1 request validation").
    void hubSpotV1Vector()
    {
        const QByteArray body
            = R"([{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,)"
              R"("subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM",)"
              R"("changeFlag":"NEW","appId":54321}])";
        const QString secret = QStringLiteral("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy");
        const QByteArray signature = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de";
        QVERIFY(WebhookVerifier::verifyHubSpotV1(body, signature, { secret }));
        QVERIFY(WebhookVerifier::verifyHubSpotV1(body, signature.toUpper(), { QStringLiteral("old"), secret }));
        QVERIFY(!WebhookVerifier::verifyHubSpotV1(body + " ", signature, { secret }));
        QVERIFY(!WebhookVerifier::verifyHubSpotV1(body, signature, { QStringLiteral("other") }));
        QCOMPARE(WebhookVerifier::verifyHubSpotV1(body, {}, { secret }).error().errorClass, ErrorClass::Input);
    }

    void hubSpotV3()
    {
        const QByteArray uri = "https://hooks.example.com/webhooks/crm?portal=62515";
        const QByteArray body = R"([{"eventId":7,"subscriptionType":"contact.propertyChange","objectId":101}])";
        const qint64 now = 1764000000000;
        const QString secret = QStringLiteral("client-secret-0000");
        const QByteArray signature = WebhookVerifier::signHubSpotV3("POST", uri, body, now - 1000, secret);
        // Base64 of a 32-byte HMAC.
        QCOMPARE(QByteArray::fromBase64(signature).size(), 32);
        const QByteArray t = QByteArray::number(now - 1000);
        QVERIFY(WebhookVerifier::verifyHubSpotV3("POST", uri, body, t, signature, { secret }, now));
        QVERIFY(WebhookVerifier::verifyHubSpotV3(
            "POST", uri, body, t, signature, { QStringLiteral("rotated"), secret }, now));
        QVERIFY(!WebhookVerifier::verifyHubSpotV3(
            "POST", uri + "&x=1", body, t, signature, { secret }, now)); // another URL
        QVERIFY(
            !WebhookVerifier::verifyHubSpotV3("POST", uri, body, QByteArray::number(now), signature, { secret }, now));
        QVERIFY(!WebhookVerifier::verifyHubSpotV3("POST", uri, body + " ", t, signature, { secret }, now));
        const Status old = WebhookVerifier::verifyHubSpotV3("POST", uri, body, t, signature, { secret }, now + 300000);
        QVERIFY(old.message().contains(QLatin1String("older than 300 seconds")));
        QCOMPARE(
            WebhookVerifier::verifyHubSpotV3("POST", uri, body, "soon", signature, { secret }, now).error().errorClass,
            ErrorClass::Input);
    }

    void stripeCases()
    {
        const qint64 now = 1700000000;
        const QByteArray header = WebhookVerifier::signStripe(kStripePayload, kStripeSecret, now);
        QVERIFY(header.startsWith("t=1700000000,v1="));
        QVERIFY(WebhookVerifier::verifyStripe(kStripePayload, header, { kStripeSecret }, now));

        Status noTimestamp = WebhookVerifier::verifyStripe(
            kStripePayload, header.mid(header.indexOf(',') + 1), { kStripeSecret }, now);
        QVERIFY(!noTimestamp);
        QVERIFY(noTimestamp.message().contains(QLatin1String("Unable to extract timestamp")));

        Status onlyV0 = WebhookVerifier::verifyStripe(kStripePayload, "t=1700000000,v0=abc", { kStripeSecret }, now);
        QVERIFY(onlyV0.message().contains(QLatin1String("No signatures found with expected scheme")));

        Status bad = WebhookVerifier::verifyStripe(kStripePayload, "t=1700000000,v1=bad", { kStripeSecret }, now);
        QVERIFY(bad.message().contains(QLatin1String("No signatures found matching")));

        Status old = WebhookVerifier::verifyStripe(kStripePayload, header, { kStripeSecret }, now + 301);
        QVERIFY(old.message().contains(QLatin1String("tolerance")));
        QVERIFY(WebhookVerifier::verifyStripe(kStripePayload, header, { kStripeSecret }, now + 1000, 1200));

        QVERIFY(
            WebhookVerifier::verifyStripe(kStripePayload, "t=1700000000,v1=bad," + header.mid(header.indexOf(',') + 1),
                { kStripeSecret }, now)); // an extra wrong v1 beside a right one
        QVERIFY(
            WebhookVerifier::verifyStripe(kStripePayload, header, { QStringLiteral("whsec_old"), kStripeSecret }, now));
        QVERIFY(!WebhookVerifier::verifyStripe(kStripePayload + " ", header, { kStripeSecret }, now)); // tampered
        QVERIFY(!WebhookVerifier::verifyStripe(kStripePayload, "garbage", { kStripeSecret }, now));
    }

    void constantTimeComparison()
    {
        QVERIFY(WebhookVerifier::constantTimeEquals("abc", "abc"));
        QVERIFY(!WebhookVerifier::constantTimeEquals("abc", "abd"));
        QVERIFY(!WebhookVerifier::constantTimeEquals("abc", "abcd"));
    }
};

QTEST_GUILESS_MAIN(TestWebhookVerifier)
#include "tst_webhookverifier.moc"
