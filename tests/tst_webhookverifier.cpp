// Webhook signatures against the public vectors of Standard Webhooks and Stripe's own cases.
#include "WebhookVerifier.h"

#include <QTest>

namespace {
// ../shared/fixtures/README.md, from the standard-webhooks libraries' tests.
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
        QVERIFY(WebhookVerifier::verifyStandard(kStandardPayload, kStandardId, kStandardTimestamp, kStandardSignature,
                                                {kStandardSecret}, kStandardNow));
        QCOMPARE(WebhookVerifier::signStandard(kStandardPayload, kStandardId, kStandardNow, kStandardSecret), kStandardSignature);
    }

    void standardRejections()
    {
        auto verify = [](const QByteArray &payload, const QByteArray &id, const QByteArray &signatures, qint64 now,
                         const QStringList &secrets = {kStandardSecret}) {
            return bool(WebhookVerifier::verifyStandard(payload, id, kStandardTimestamp, signatures, secrets, now));
        };
        QVERIFY(!verify(R"({"test": 2432232315})", kStandardId, kStandardSignature, kStandardNow)); // tampered
        QVERIFY(!verify(kStandardPayload, "msg_other", kStandardSignature, kStandardNow));
        QVERIFY(!verify(kStandardPayload, kStandardId, kStandardSignature, kStandardNow + 301));  // expired
        QVERIFY(!verify(kStandardPayload, kStandardId, kStandardSignature, kStandardNow - 301));  // future
        QVERIFY(verify(kStandardPayload, kStandardId, kStandardSignature, kStandardNow + 299));
        QVERIFY(!verify(kStandardPayload, kStandardId, "v1,bm90IGEgc2lnbmF0dXJl", kStandardNow));
        QVERIFY(!verify(kStandardPayload, kStandardId, "v2," + kStandardSignature.mid(3), kStandardNow)); // other scheme
        QVERIFY(verify(kStandardPayload, kStandardId, "v1,bm9wZQ== " + kStandardSignature, kStandardNow)); // any of several
        QVERIFY(verify(kStandardPayload, kStandardId, kStandardSignature, kStandardNow,
                       {QStringLiteral("whsec_b3RoZXJzZWNyZXRvdGhlcnNlY3JldA=="), kStandardSecret})); // rotation
        QVERIFY(!WebhookVerifier::verifyStandard(kStandardPayload, {}, kStandardTimestamp, kStandardSignature,
                                                 {kStandardSecret}, kStandardNow));
    }

    void stripeCases()
    {
        const qint64 now = 1700000000;
        const QByteArray header = WebhookVerifier::signStripe(kStripePayload, kStripeSecret, now);
        QVERIFY(header.startsWith("t=1700000000,v1="));
        QVERIFY(WebhookVerifier::verifyStripe(kStripePayload, header, {kStripeSecret}, now));

        Status noTimestamp = WebhookVerifier::verifyStripe(kStripePayload, header.mid(header.indexOf(',') + 1), {kStripeSecret}, now);
        QVERIFY(!noTimestamp);
        QVERIFY(noTimestamp.message().contains(QLatin1String("Unable to extract timestamp")));

        Status onlyV0 = WebhookVerifier::verifyStripe(kStripePayload, "t=1700000000,v0=abc", {kStripeSecret}, now);
        QVERIFY(onlyV0.message().contains(QLatin1String("No signatures found with expected scheme")));

        Status bad = WebhookVerifier::verifyStripe(kStripePayload, "t=1700000000,v1=bad", {kStripeSecret}, now);
        QVERIFY(bad.message().contains(QLatin1String("No signatures found matching")));

        Status old = WebhookVerifier::verifyStripe(kStripePayload, header, {kStripeSecret}, now + 301);
        QVERIFY(old.message().contains(QLatin1String("tolerance")));
        QVERIFY(WebhookVerifier::verifyStripe(kStripePayload, header, {kStripeSecret}, now + 1000, 1200));

        QVERIFY(WebhookVerifier::verifyStripe(kStripePayload, "t=1700000000,v1=bad," + header.mid(header.indexOf(',') + 1),
                                              {kStripeSecret}, now)); // an extra wrong v1 beside a right one
        QVERIFY(WebhookVerifier::verifyStripe(kStripePayload, header, {QStringLiteral("whsec_old"), kStripeSecret}, now));
        QVERIFY(!WebhookVerifier::verifyStripe(kStripePayload + " ", header, {kStripeSecret}, now)); // tampered
        QVERIFY(!WebhookVerifier::verifyStripe(kStripePayload, "garbage", {kStripeSecret}, now));
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
