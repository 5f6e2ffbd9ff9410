// The sandbox's balance transactions and payouts over real HTTP, in Stripe's shapes: every
// charge and refund moves the balance with Stripe's fee, a payout carries what it paid out, and
// the lists page both ways as Stripe's do.
#include "HttpClient.h"
#include "sandbox/SandboxServer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTest>

namespace {
const QByteArray kCharge = "amount=2000&currency=eur&payment_method=pm_card_visa&confirm=true&description=Order%201";

QStringList ids(const QJsonObject &list)
{
    QStringList out;
    for (const QJsonValue &v : list.value(QStringLiteral("data")).toArray())
        out << v.toObject().value(QStringLiteral("id")).toString();
    return out;
}
} // namespace

class TestSandboxBalance : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<TestHttpClient> m_http;

    QString charge(const QByteArray &body = kCharge)
    {
        return m_http->send("POST", QStringLiteral("/v1/payment_intents"), body).json()["id"].toString();
    }

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

    void chargesAndRefundsMoveTheBalance()
    {
        const QString pi = charge();
        const QJsonObject refund
            = m_http->send("POST", QStringLiteral("/v1/refunds"), "payment_intent=" + pi.toUtf8() + "&amount=500")
                  .json();
        const TestReply declined = m_http->send("POST", QStringLiteral("/v1/payment_intents"),
            "amount=700&currency=eur&payment_method=pm_card_chargeDeclined&confirm=true");
        QCOMPARE(declined.status, 402); // a decline moves no money

        const TestReply listed = m_http->send("GET", QStringLiteral("/v1/balance_transactions"));
        QCOMPARE(listed.status, 200);
        const QJsonObject list = listed.json();
        QCOMPARE(list["object"].toString(), QStringLiteral("list"));
        QCOMPARE(list["url"].toString(), QStringLiteral("/v1/balance_transactions"));
        QCOMPARE(list["has_more"].toBool(), false);
        const QJsonArray data = list["data"].toArray();
        QCOMPARE(data.size(), 2);

        const QJsonObject re = data[0].toObject(); // newest first
        QCOMPARE(re["object"].toString(), QStringLiteral("balance_transaction"));
        QCOMPARE(re["type"].toString(), QStringLiteral("refund"));
        QCOMPARE(re["reporting_category"].toString(), QStringLiteral("refund"));
        QCOMPARE(re["amount"].toInteger(), -500);
        QCOMPARE(re["fee"].toInteger(), 0); // Stripe keeps the charge's fee
        QCOMPARE(re["net"].toInteger(), -500);
        QCOMPARE(re["source"].toString(), refund["id"].toString());
        QCOMPARE(refund["balance_transaction"].toString(), re["id"].toString());

        const QJsonObject ch = data[1].toObject();
        QVERIFY(ch["id"].toString().startsWith(QLatin1String("txn_")));
        QCOMPARE(ch["type"].toString(), QStringLiteral("charge"));
        QCOMPARE(ch["reporting_category"].toString(), QStringLiteral("charge"));
        QCOMPARE(ch["amount"].toInteger(), 2000);
        QCOMPARE(ch["fee"].toInteger(), 88); // 2.9 % of 20.00 = 0.58, + 0.30
        QCOMPARE(ch["net"].toInteger(), 2000 - 88);
        QCOMPARE(ch["currency"].toString(), QStringLiteral("eur"));
        QCOMPARE(ch["description"].toString(), QStringLiteral("Order 1"));
        QCOMPARE(ch["status"].toString(), QStringLiteral("pending")); // available in two days
        QVERIFY(ch["source"].toString().startsWith(QLatin1String("ch_")));
        const qint64 created = ch["created"].toInteger();
        QVERIFY(qAbs(created - QDateTime::currentSecsSinceEpoch()) < 60);
        QVERIFY(ch["available_on"].toInteger() > created + 86400);
        const QJsonArray fees = ch["fee_details"].toArray();
        QCOMPARE(fees.size(), 1);
        QCOMPARE(fees[0].toObject()["amount"].toInteger(), 88);
        QCOMPARE(fees[0].toObject()["type"].toString(), QStringLiteral("stripe_fee"));
        QCOMPARE(fees[0].toObject()["currency"].toString(), QStringLiteral("eur"));

        const TestReply one = m_http->send("GET", QStringLiteral("/v1/balance_transactions/") + ch["id"].toString());
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json()["amount"].toInteger(), 2000);
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/balance_transactions/txn_nope")).status, 404);
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/balance_transactions"), {}, {}).status, 401);

        const QJsonObject charges = m_http->send("GET", QStringLiteral("/v1/balance_transactions?type=charge")).json();
        QCOMPARE(ids(charges), QStringList { ch["id"].toString() });
    }

    void pagesBothWays()
    {
        for (int i = 0; i < 5; ++i)
            charge();
        const QStringList all = ids(m_http->send("GET", QStringLiteral("/v1/balance_transactions?limit=100")).json());
        QCOMPARE(all.size(), 5);
        const QJsonObject first = m_http->send("GET", QStringLiteral("/v1/balance_transactions?limit=2")).json();
        QCOMPARE(ids(first), all.mid(0, 2));
        QVERIFY(first["has_more"].toBool());
        const QJsonObject next
            = m_http->send("GET", QStringLiteral("/v1/balance_transactions?limit=2&starting_after=") + all[1]).json();
        QCOMPARE(ids(next), all.mid(2, 2));
        QVERIFY(next["has_more"].toBool());
        const QJsonObject last
            = m_http->send("GET", QStringLiteral("/v1/balance_transactions?limit=2&starting_after=") + all[3]).json();
        QCOMPARE(ids(last), all.mid(4, 1));
        QVERIFY(!last["has_more"].toBool());
        // Backwards, toward the newest: the two just before the cursor, and whether there are more.
        const QJsonObject newer
            = m_http->send("GET", QStringLiteral("/v1/balance_transactions?limit=2&ending_before=") + all[4]).json();
        QCOMPARE(ids(newer), all.mid(2, 2));
        QVERIFY(newer["has_more"].toBool());
        const QJsonObject newest
            = m_http->send("GET", QStringLiteral("/v1/balance_transactions?limit=2&ending_before=") + all[1]).json();
        QCOMPARE(ids(newest), all.mid(0, 1));
        QVERIFY(!newest["has_more"].toBool());
        const QJsonObject none
            = m_http->send("GET", QStringLiteral("/v1/balance_transactions?ending_before=") + all[0]).json();
        QVERIFY(ids(none).isEmpty());
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/balance_transactions?starting_after=txn_nope")).status, 400);
        QCOMPARE(
            m_http
                ->send("GET",
                    QStringLiteral("/v1/balance_transactions?starting_after=%1&ending_before=%2").arg(all[0], all[1]))
                .status,
            400);
    }

    void filtersByCreated()
    {
        SandboxBalance &balance = m_sandbox->balance();
        const qint64 jan = QDateTime(QDate(2026, 1, 10), QTime(12, 0), Qt::UTC).toSecsSinceEpoch();
        const qint64 mar = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC).toSecsSinceEpoch();
        const QString old = balance.charge(QStringLiteral("ch_old"), 1000, QStringLiteral("eur"), {}, jan);
        const QString newer = balance.charge(QStringLiteral("ch_new"), 1000, QStringLiteral("eur"), {}, mar);
        const QJsonObject since
            = m_http
                  ->send("GET",
                      QStringLiteral("/v1/balance_transactions?created[gte]=%1")
                          .arg(QDateTime(QDate(2026, 2, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch()))
                  .json();
        QCOMPARE(ids(since), QStringList { newer });
        QCOMPARE(ids(m_http->send("GET", QStringLiteral("/v1/balance_transactions?created[lt]=%1").arg(mar)).json()),
            QStringList { old });
    }

    void payoutCarriesItsTransactions()
    {
        const QString pi = charge();
        charge("amount=1000&currency=eur&payment_method=pm_card_visa&confirm=true");
        m_http->send("POST", QStringLiteral("/v1/refunds"), "payment_intent=" + pi.toUtf8() + "&amount=300");
        // Now, only the refund is available (charges take two days): a negative balance waits.
        QVERIFY(m_sandbox->runPayouts().isEmpty());
        const qint64 later = QDateTime::currentSecsSinceEpoch() + 3 * 86400;
        const TestReply run
            = m_http->send("POST", QStringLiteral("/_sandbox/payouts"), "until=" + QByteArray::number(later));
        QCOMPARE(run.status, 200);
        const QJsonArray made = run.json()["payouts"].toArray();
        QCOMPARE(made.size(), 1);
        const QString po = made[0].toString();
        QVERIFY(po.startsWith(QLatin1String("po_")));
        const qint64 net = (2000 - 88) + (1000 - 59) - 300; // 1000: 29 + 30 of fee
        const QJsonObject payout = m_http->send("GET", QStringLiteral("/v1/payouts/") + po).json();
        QCOMPARE(payout["object"].toString(), QStringLiteral("payout"));
        QCOMPARE(payout["amount"].toInteger(), net);
        QCOMPARE(payout["status"].toString(), QStringLiteral("paid"));
        QCOMPARE(payout["currency"].toString(), QStringLiteral("eur"));
        QVERIFY(payout["automatic"].toBool());
        QVERIFY(payout["arrival_date"].toInteger() > payout["created"].toInteger());
        const QString own = payout["balance_transaction"].toString();

        const QJsonObject carried = m_http->send("GET", QStringLiteral("/v1/balance_transactions?payout=") + po).json();
        const QJsonArray lines = carried["data"].toArray();
        QCOMPARE(lines.size(), 4); // two charges, the refund and the payout's own
        qint64 sum = 0;
        for (const QJsonValue &v : lines) {
            const QJsonObject txn = v.toObject();
            if (txn["id"].toString() == own) {
                QCOMPARE(txn["type"].toString(), QStringLiteral("payout"));
                QCOMPARE(txn["amount"].toInteger(), -net);
                QCOMPARE(txn["source"].toString(), po);
            } else
                sum += txn["net"].toInteger();
        }
        QCOMPARE(sum, net);

        const QJsonObject payouts = m_http->send("GET", QStringLiteral("/v1/payouts")).json();
        QCOMPARE(payouts["object"].toString(), QStringLiteral("list"));
        QCOMPARE(payouts["url"].toString(), QStringLiteral("/v1/payouts"));
        QCOMPARE(ids(payouts), QStringList { po });
        QVERIFY(m_sandbox->runPayouts(later).isEmpty()); // nothing is paid out twice
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/payouts/po_nope")).status, 404);
        QCOMPARE(m_http->send("POST", QStringLiteral("/_sandbox/payouts"), "until=soon").status, 400);
    }

    void faultsForPaging()
    {
        auto faults = SandboxFault::parse(QStringLiteral("pass,list_without_data"));
        QVERIFY(faults);
        m_sandbox->queueFaults(faults.value());
        QCOMPARE(m_http->send("GET", QStringLiteral("/v1/balance_transactions")).json()["object"].toString(),
            QStringLiteral("list"));
        const QJsonObject broken = m_http->send("GET", QStringLiteral("/v1/balance_transactions")).json();
        QCOMPARE(broken["object"].toString(), QStringLiteral("list"));
        QVERIFY(!broken.contains(QStringLiteral("data")));
        QVERIFY(
            m_http->send("GET", QStringLiteral("/v1/balance_transactions")).json().contains(QStringLiteral("data")));
    }
};

QTEST_GUILESS_MAIN(TestSandboxBalance)
#include "tst_sandboxbalance.moc"
