// The sandbox provider over real HTTP: Stripe's shapes, auth, test cards, idempotency,
// pagination and every fault it can inject.
#include "HttpClient.h"
#include "sandbox/DemoSetup.h"
#include "sandbox/SandboxServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

namespace {
const QByteArray kCharge = "amount=2000&currency=eur&payment_method=pm_card_visa&confirm=true&metadata[order]=ORD-1";
}

class TestSandbox : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<TestHttpClient> m_http;

private Q_SLOTS:
    void init()
    {
        m_sandbox = std::make_unique<SandboxServer>();
        QVERIFY(m_sandbox->start() != 0);
        m_http = std::make_unique<TestHttpClient>(m_sandbox->baseUrl());
    }
    void cleanup()
    {
        m_http.reset();
        m_sandbox.reset();
    }

    void requiresAnApiKey()
    {
        TestReply none = m_http->send("GET", QStringLiteral("/v1/payment_intents"), {}, {});
        QCOMPARE(none.status, 401);
        QCOMPARE(none.json()["error"].toObject()["type"].toString(), QStringLiteral("invalid_request_error"));
        TestReply live = m_http->send("GET", QStringLiteral("/v1/payment_intents"), {}, "sk_live_nope1234");
        QCOMPARE(live.status, 401);
        QVERIFY(live.json()["error"].toObject()["message"].toString().contains(QLatin1String("Invalid API Key")));
        QVERIFY(!live.body.contains("nope1234") || live.body.contains("****"));

        m_sandbox->setAcceptedKeys({ QStringLiteral("sk_test_only") });
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/payment_intents"), {}, "sk_test_other").status, 401);
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/payment_intents"), {}, "sk_test_only").status, 200);
    }

    // The demo's sandbox, like a real provider, knows only the key and token it handed out.
    void demoSandboxAcceptsOnlyItsOwnKeys()
    {
        SandboxServer demo;
        QVERIFY(DemoSetup::startSandbox(demo, 0));
        TestHttpClient http(demo.baseUrl());
        QCOMPARE(http.send("GET", QStringLiteral("/v1/balance"), {}, "sk_test_madeup000000000000000000").status, 401);
        QCOMPARE(http.send("GET", QStringLiteral("/v1/balance"), {}, DemoSetup::kTestKey).status, 200);
        QCOMPARE(http.send("GET", QStringLiteral("/crm/v3/objects/contacts"), {}, "pat-na1-madeup").status, 401);
        QCOMPARE(http.send("GET", QStringLiteral("/crm/v3/objects/contacts"), {}, DemoSetup::kCrmToken).status, 200);
    }

    void chargesAndDeclines()
    {
        TestReply ok = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge);
        QCOMPARE(ok.status, 200);
        const QJsonObject pi = ok.json();
        QVERIFY(pi["id"].toString().startsWith(QLatin1String("pi_")));
        QCOMPARE(pi["object"].toString(), QStringLiteral("payment_intent"));
        QCOMPARE(pi["status"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(pi["amount"].toInt(), 2000);
        QCOMPARE(pi["metadata"].toObject()["order"].toString(), QStringLiteral("ORD-1"));
        QCOMPARE(m_sandbox->totalCharges(), 1);

        TestReply declined = m_http->send("POST", QStringLiteral("/v1/payment_intents"),
            "amount=500&currency=eur&payment_method=pm_card_chargeDeclined&confirm=true");
        QCOMPARE(declined.status, 402);
        QJsonObject err = declined.json()["error"].toObject();
        QCOMPARE(err["type"].toString(), QStringLiteral("card_error"));
        QCOMPARE(err["code"].toString(), QStringLiteral("card_declined"));
        QCOMPARE(err["decline_code"].toString(), QStringLiteral("generic_decline"));
        QCOMPARE(err["payment_intent"].toObject()["status"].toString(), QStringLiteral("requires_payment_method"));

        TestReply poor = m_http->send("POST", QStringLiteral("/v1/payment_intents"),
            "amount=500&currency=eur&payment_method=pm_card_chargeDeclinedInsufficientFunds&confirm=true");
        QCOMPARE(poor.status, 402);
        QCOMPARE(poor.json()["error"].toObject()["decline_code"].toString(), QStringLiteral("insufficient_funds"));
        QCOMPARE(m_sandbox->totalCharges(), 1);

        TestReply missing = m_http->send("POST", QStringLiteral("/v1/payment_intents"), "currency=eur");
        QCOMPARE(missing.status, 400);
        QCOMPARE(missing.json()["error"].toObject()["param"].toString(), QStringLiteral("amount"));

        TestReply fetched = m_http->send("GET", QStringLiteral("/v1/payment_intents/") + pi["id"].toString());
        QCOMPARE(fetched.json()["id"], pi["id"]);
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/payment_intents/pi_missing")).status, 404);
    }

    void idempotencyReplaysAndRejects()
    {
        TestReply first
            = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge, "sk_test_tests", "key-1");
        TestReply again
            = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge, "sk_test_tests", "key-1");
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json()["id"], first.json()["id"]);
        QCOMPARE(again.header("Idempotent-Replayed"), QByteArray("true"));
        QCOMPARE(m_sandbox->chargesForKey(QStringLiteral("key-1")), 1);

        TestReply other = m_http->send("POST", QStringLiteral("/v1/payment_intents"),
            "amount=9999&currency=eur&payment_method=pm_card_visa&confirm=true", "sk_test_tests", "key-1");
        QCOMPARE(other.status, 400);
        QCOMPARE(other.json()["error"].toObject()["type"].toString(), QStringLiteral("idempotency_error"));
        QCOMPARE(m_sandbox->totalCharges(), 1);

        // A decline is replayed too: the same key cannot turn it into a charge.
        const QByteArray decline = "amount=500&currency=eur&payment_method=pm_card_chargeDeclined&confirm=true";
        QCOMPARE(
            m_http->send("POST", QStringLiteral("/v1/payment_intents"), decline, "sk_test_tests", "key-2").status, 402);
        QCOMPARE(
            m_http->send("POST", QStringLiteral("/v1/payment_intents"), decline, "sk_test_tests", "key-2").status, 402);
    }

    void listsPageWithCursor()
    {
        QStringList created;
        for (int i = 0; i < 5; ++i)
            created.prepend(
                m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge).json()["id"].toString());
        QStringList seen;
        QString after;
        for (int page = 0; page < 5; ++page) {
            QString path = QStringLiteral("/v1/payment_intents?limit=2");
            if (!after.isEmpty())
                path += QStringLiteral("&starting_after=") + after;
            const QJsonObject list = m_http->send("GET", path).json();
            QCOMPARE(list["object"].toString(), QStringLiteral("list"));
            for (const QJsonValue &v : list["data"].toArray())
                seen << v.toObject()["id"].toString();
            after = seen.last();
            if (!list["has_more"].toBool())
                break;
        }
        QCOMPARE(seen, created); // newest first, each once
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/payment_intents?limit=0")).status, 400);
    }

    void searchesByMetadataAndRefunds()
    {
        const QString id
            = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge + "&metadata[reconsole_key]=abc")
                  .json()["id"]
                  .toString();
        const QJsonObject found
            = m_http->send(
                        "GET", QStringLiteral("/v1/payment_intents/search?query=metadata%5B'reconsole_key'%5D:'abc'"))
                  .json();
        QCOMPARE(found["data"].toArray().size(), 1);
        QCOMPARE(found["data"].toArray().first().toObject()["id"].toString(), id);

        TestReply refund
            = m_http->send("POST", QStringLiteral("/v1/refunds"), "payment_intent=" + id.toUtf8() + "&amount=500");
        QCOMPARE(refund.status, 200);
        QCOMPARE(refund.json()["object"].toString(), QStringLiteral("refund"));
        TestReply tooMuch
            = m_http->send("POST", QStringLiteral("/v1/refunds"), "payment_intent=" + id.toUtf8() + "&amount=5000");
        QCOMPARE(tooMuch.status, 400);
        QCOMPARE(tooMuch.json()["error"].toObject()["code"].toString(), QStringLiteral("amount_too_large"));
        QCOMPARE(
            m_http->send("GET", QStringLiteral("/v1/refunds?payment_intent=") + id).json()["data"].toArray().size(), 1);
    }

    void faults()
    {
        m_sandbox->queueFaults(
            SandboxFault::parse(QStringLiteral("rate_limit=7,server_error,unavailable,malformed")).value());
        TestReply limited = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge);
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.header("Retry-After"), QByteArray("7"));
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/payment_intents")).status, 500);
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/payment_intents")).status, 503);
        TestReply garbage = m_http->send("GET", QStringLiteral("/v1/payment_intents"));
        QCOMPARE(garbage.status, 200);
        QVERIFY(garbage.json().isEmpty());
        QCOMPARE(m_sandbox->totalCharges(), 0);

        m_sandbox->queueFaults(SandboxFault::parse(QStringLiteral("reset")).value());
        TestReply reset = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge);
        QCOMPARE(reset.error, QNetworkReply::RemoteHostClosedError);
        QCOMPARE(m_sandbox->totalCharges(), 0);

        m_sandbox->queueFaults(SandboxFault::parse(QStringLiteral("slow=400")).value());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/payment_intents")).status, 200);
        QVERIFY(clock.elapsed() >= 380);

        m_sandbox->queueFaults(SandboxFault::parse(QStringLiteral("timeout_after_charge")).value());
        TestReply lost
            = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge, "sk_test_tests", "lost", 500);
        QCOMPARE(lost.status, 0);
        QCOMPARE(m_sandbox->chargesForKey(QStringLiteral("lost")), 1); // charged, answer never came
        TestReply replay
            = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge, "sk_test_tests", "lost");
        QCOMPARE(replay.status, 200);
        QCOMPARE(m_sandbox->chargesForKey(QStringLiteral("lost")), 1);
    }

    // What the demo's history needs: faults queued over HTTP, a charge whose answer is cut off,
    // each API failing in its own words, and Stripe's 3-D Secure test card.
    void faultsOverHttpAndTheirShapes()
    {
        QCOMPARE(m_http->send("POST", QStringLiteral("/_sandbox/faults"), "spec=bogus").status, 400);
        QCOMPARE(m_http->send("POST", QStringLiteral("/_sandbox/faults"), "spec=drop_after_charge").status, 200);
        TestReply dropped
            = m_http->send("POST", QStringLiteral("/v1/payment_intents"), kCharge, "sk_test_tests", "dropped");
        QCOMPARE(dropped.error, QNetworkReply::RemoteHostClosedError);
        QCOMPARE(m_sandbox->chargesForKey(QStringLiteral("dropped")), 1); // made, though no answer came

        QCOMPARE(
            m_http->send("POST", QStringLiteral("/_sandbox/faults"), "spec=rate_limit%3D3%2Cserver_error").status, 200);
        const QByteArray token = "pat-na1-sandbox";
        TestReply limited = m_http->send("GET", QStringLiteral("/crm/v3/objects/contacts"), {}, token);
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.json()["errorType"].toString(), QStringLiteral("RATE_LIMIT"));
        QCOMPARE(limited.header("Retry-After"), QByteArray("3"));
        TestReply failed = m_http->send("GET", QStringLiteral("/crm/v3/objects/contacts"), {}, token);
        QCOMPARE(failed.status, 500);
        QCOMPARE(failed.json()["status"].toString(), QStringLiteral("error"));
        QVERIFY(!failed.json().contains(QStringLiteral("error"))); // not Stripe's error object

        TestReply pending = m_http->send("POST", QStringLiteral("/v1/payment_intents"),
            "amount=900&currency=eur&payment_method=pm_card_threeDSecure2Required&confirm=true");
        QCOMPARE(pending.status, 200);
        QCOMPARE(pending.json()["status"].toString(), QStringLiteral("requires_action"));
        QCOMPARE(pending.json()["amount_received"].toInt(), 0);
    }

    // HubSpot's CRM v3 contacts, with its rate-limit headers and 429.
    void crmContacts()
    {
        const QByteArray token = "pat-na1-sandbox";
        QCOMPARE(m_http->send("GET", QStringLiteral("/crm/v3/objects/contacts"), {}, "sk_test_tests").status, 401);
        TestReply created = m_http->send("POST", QStringLiteral("/crm/v3/objects/contacts"),
            R"({"properties":{"email":"anna@example.com","firstname":"Anna"}})", token);
        QCOMPARE(created.status, 201);
        const QString id = created.json()[QStringLiteral("id")].toString();
        QCOMPARE(
            created.json()[QStringLiteral("properties")].toObject()[QStringLiteral("hs_object_id")].toString(), id);
        QCOMPARE(m_http
                     ->send("POST", QStringLiteral("/crm/v3/objects/contacts"),
                         R"({"properties":{"email":"ANNA@example.com"}})", token)
                     .status,
            409);
        QCOMPARE(m_http
                     ->send("PATCH", QStringLiteral("/crm/v3/objects/contacts/") + id,
                         R"({"properties":{"phone":"+49 30 1"}})", token)
                     .json()[QStringLiteral("properties")]
                     .toObject()[QStringLiteral("phone")]
                     .toString(),
            QStringLiteral("+49 30 1"));
        QCOMPARE(m_http->send("GET", QStringLiteral("/crm/v3/objects/contacts/999999"), {}, token).status, 404);
        for (int i = 0; i < 4; ++i)
            m_sandbox->crm().addContact({ { QStringLiteral("email"), QStringLiteral("c%1@example.com").arg(i) } });
        QStringList seen;
        QString after;
        for (int page = 0; page < 5; ++page) {
            const QJsonObject list = m_http
                                         ->send("GET",
                                             QStringLiteral("/crm/v3/objects/contacts?limit=2")
                                                 + (after.isEmpty() ? QString() : QStringLiteral("&after=") + after),
                                             {}, token)
                                         .json();
            for (const QJsonValue &c : list[QStringLiteral("results")].toArray())
                seen << c.toObject()[QStringLiteral("id")].toString();
            after = list[QStringLiteral("paging")]
                        .toObject()[QStringLiteral("next")]
                        .toObject()[QStringLiteral("after")]
                        .toString();
            if (after.isEmpty())
                break;
        }
        QCOMPARE(seen.size(), 5);
        QCOMPARE(seen.first(), id);
        const QJsonObject found
            = m_http
                  ->send("POST", QStringLiteral("/crm/v3/objects/contacts/search"),
                      R"({"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"c2@example.com"}]}]})",
                      token)
                  .json();
        QCOMPARE(found[QStringLiteral("total")].toInt(), 1);

        m_sandbox->crm().setRateLimit(100, 10000, 3);
        QTest::qWait(1100); // the requests above still count for a second
        TestReply limited;
        int ok = 0;
        for (int i = 0; i < 5; ++i) {
            limited = m_http->send("GET", QStringLiteral("/crm/v3/objects/contacts/") + id, {}, token);
            ok += limited.status == 200 ? 1 : 0;
        }
        QCOMPARE(ok, 3);
        QCOMPARE(limited.status, 429);
        QCOMPARE(limited.json()[QStringLiteral("policyName")].toString(), QStringLiteral("SECONDLY"));
        QCOMPARE(limited.header("X-HubSpot-RateLimit-Max"), QByteArray("100"));
        QCOMPARE(limited.header("X-HubSpot-RateLimit-Secondly"), QByteArray("3"));
        QCOMPARE(limited.header("X-HubSpot-RateLimit-Secondly-Remaining"), QByteArray("0"));
        QCOMPARE(limited.header("X-HubSpot-RateLimit-Interval-Milliseconds"), QByteArray("10000"));
    }

    void faultSpecsAreChecked()
    {
        auto many = SandboxFault::parse(QStringLiteral("rate_limit=2*3, server_error"));
        QVERIFY(many);
        QCOMPARE(many->size(), 4);
        QCOMPARE(many->at(2).arg, 2);
        QCOMPARE(many->at(3).kind, SandboxFault::Kind::ServerError);
        auto unknown = SandboxFault::parse(QStringLiteral("explode"));
        QVERIFY(!unknown);
        QVERIFY(unknown.message().contains(QLatin1String("known faults")));
        QVERIFY(!SandboxFault::parse(QStringLiteral("slow=abc")));
        QVERIFY(!SandboxFault::parse(QStringLiteral("reset*0")));
    }
};

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
