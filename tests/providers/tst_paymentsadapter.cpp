// The payments adapter against the sandbox over real loopback HTTP: every answer becomes the
// right state and error class, and real Stripe objects parse.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "providers/PaymentsAdapter.h"
#include "transport/HttpTransport.h"

#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

namespace {
ProviderOutcome execute(PaymentsAdapter &adapter, const Operation &op)
{
    std::optional<ProviderOutcome> outcome;
    adapter.prepare([&](Status) {});
    adapter.execute(op, [&](ProviderOutcome o) { outcome = o; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10000); }();
    return outcome.value_or(ProviderOutcome {});
}
} // namespace

class TestPaymentsAdapter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classifiesAnswers_data()
    {
        QTest::addColumn<QString>("faults");
        QTest::addColumn<QString>("paymentMethod");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<OperationState>("state");
        QTest::addColumn<ErrorClass>("errorClass");
        QTest::addColumn<QString>("messagePart");
        const QByteArray good = SandboxFixture::kKey;
        QTest::newRow("success") << ""
                                 << "pm_card_visa" << good << OperationState::Succeeded << ErrorClass::None << "Done";
        QTest::newRow("decline") << ""
                                 << "pm_card_chargeDeclined" << good << OperationState::FailedPermanent
                                 << ErrorClass::Client << "retrying will not help";
        QTest::newRow("insufficient funds")
            << ""
            << "pm_card_chargeDeclinedInsufficientFunds" << good << OperationState::FailedPermanent
            << ErrorClass::Client
            << "Card declined (insufficient funds): retrying will not help; contact the customer.";
        QTest::newRow("unknown payment method")
            << ""
            << "pm_nope" << good << OperationState::FailedPermanent << ErrorClass::Client << "No such PaymentMethod";
        QTest::newRow("rate limited") << "rate_limit=3"
                                      << "pm_card_visa" << good << OperationState::RetryScheduled
                                      << ErrorClass::RateLimited << "Retry-After 3 s";
        QTest::newRow("server 500") << "server_error"
                                    << "pm_card_visa" << good << OperationState::RetryScheduled << ErrorClass::Server
                                    << "500";
        QTest::newRow("server 503") << "unavailable"
                                    << "pm_card_visa" << good << OperationState::RetryScheduled << ErrorClass::Server
                                    << "503";
        QTest::newRow("timeout after charge")
            << "timeout_after_charge"
            << "pm_card_visa" << good << OperationState::UnknownOutcome << ErrorClass::Timeout << "may have acted";
        QTest::newRow("connection reset")
            << "reset"
            << "pm_card_visa" << good << OperationState::UnknownOutcome << ErrorClass::Timeout << "may have acted";
        QTest::newRow("malformed body") << "malformed"
                                        << "pm_card_visa" << good << OperationState::UnknownOutcome
                                        << ErrorClass::Server << "cannot read";
        QTest::newRow("bad key") << ""
                                 << "pm_card_visa" << QByteArray("sk_test_wrong") << OperationState::NeedsAttention
                                 << ErrorClass::Auth << "rejected the credential";
    }

    void classifiesAnswers()
    {
        QFETCH(QString, faults);
        QFETCH(QString, paymentMethod);
        QFETCH(QByteArray, key);
        QFETCH(OperationState, state);
        QFETCH(ErrorClass, errorClass);
        QFETCH(QString, messagePart);

        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db(), 800);
        f.sandbox.setAcceptedKeys({ QString::fromLatin1(SandboxFixture::kKey) });
        f.credentials.write(QStringLiteral("cred-1"), QString::fromLatin1(key), [](Status) {});
        if (!faults.isEmpty())
            f.sandbox.queueFaults(SandboxFault::parse(faults).value());
        PaymentsAdapter adapter(
            ProviderStore(*scratch.db()).get(QStringLiteral("stripe-sandbox")).value(), f.transport, f.credentials);
        const ProviderOutcome o = execute(adapter, SandboxFixture::payment(QStringLiteral("k1"), paymentMethod));
        QCOMPARE(o.state, state);
        QCOMPARE(o.errorClass, errorClass);
        QVERIFY2(o.message.contains(messagePart), qPrintable(o.message));
        QVERIFY(!o.response.contains(QString::fromLatin1(key)));
        // A decline made a PaymentIntent too: ours is linked to it.
        if (state == OperationState::Succeeded || paymentMethod.startsWith(QLatin1String("pm_card_chargeDeclined")))
            QVERIFY2(o.externalId.startsWith(QLatin1String("pi_")), qPrintable(o.externalId));
    }

    void unreachableProviderMeansNothingWasSent()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        ProviderConfig p = ProviderStore(*scratch.db()).get(QStringLiteral("stripe-sandbox")).value();
        for (QTcpServer *server : f.sandbox.servers())
            server->close(); // nobody listens any more
        PaymentsAdapter adapter(p, f.transport, f.credentials);
        const ProviderOutcome o = execute(adapter, SandboxFixture::payment(QStringLiteral("k1")));
        QCOMPARE(o.errorClass, ErrorClass::Network);
        QCOMPARE(o.state, OperationState::RetryScheduled);
    }

    void requestJournalHasNoSecrets()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        PaymentsAdapter adapter(
            ProviderStore(*scratch.db()).get(QStringLiteral("stripe-sandbox")).value(), f.transport, f.credentials);
        const QString journal = adapter.describeRequest(SandboxFixture::payment(QStringLiteral("k9")));
        QVERIFY(journal.contains(QLatin1String("Idempotency-Key: k9")));
        QVERIFY(journal.contains(QLatin1String("amount=2599")));
        QVERIFY(!journal.contains(QLatin1String("Authorization")));
        QVERIFY(!journal.contains(QLatin1String(SandboxFixture::kKey)));
    }

    void parsesRealStripeObjects()
    {
        QFile file(QStringLiteral(RECONSOLE_FIXTURES "/stripe/fixtures3.json"));
        QVERIFY2(file.open(QIODevice::ReadOnly), "tests/fixtures/stripe/fixtures3.json is missing");
        const QJsonObject resources = QJsonDocument::fromJson(file.readAll()).object()["resources"].toObject();
        const QJsonObject pi = resources["payment_intent"].toObject();
        const QJsonObject refund = resources["refund"].toObject();
        QVERIFY(!pi.isEmpty() && !refund.isEmpty());

        HttpResponse r;
        r.status = 200;
        r.body = QJsonDocument(refund).toJson();
        ProviderOutcome o = PaymentsAdapter::classify(r);
        QCOMPARE(o.externalId, refund["id"].toString());
        QCOMPARE(o.state,
            refund["status"].toString() == QLatin1String("succeeded") ? OperationState::Succeeded
                                                                      : OperationState::NeedsAttention);

        QJsonObject succeeded = pi;
        succeeded["status"] = QStringLiteral("succeeded");
        r.body = QJsonDocument(succeeded).toJson();
        o = PaymentsAdapter::classify(r);
        QCOMPARE(o.state, OperationState::Succeeded);
        QCOMPARE(o.externalId, pi["id"].toString());

        // The fixture's own status (a PaymentIntent waiting for a payment method) needs a person.
        r.body = QJsonDocument(pi).toJson();
        o = PaymentsAdapter::classify(r);
        QCOMPARE(o.state, OperationState::NeedsAttention);
        QVERIFY(o.message.contains(pi["status"].toString()));
    }
};

QTEST_GUILESS_MAIN(TestPaymentsAdapter)
#include "tst_paymentsadapter.moc"
