// The demo's history is one that happened: run against a real sandbox over loopback, every
// attempt in the journal is a request the adapter sent and the answer that came back.
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "keychain/Keychain.h"
#include "operations/OperationStore.h"
#include "providers/PaymentsAdapter.h"
#include "providers/ProviderStore.h"
#include "sandbox/DemoData.h"
#include "sandbox/DemoSetup.h"
#include "sandbox/SandboxServer.h"
#include "store/Database.h"
#include "transport/HttpTransport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSqlQuery>
#include <QTest>

namespace {
constexpr int kOrders = 300;

// Every operation of the database, a page at a time.
QList<Operation> allOperations(const Database &db)
{
    QList<Operation> all;
    for (const char *action : { "capture_payment", "refund", "upsert_contact" }) {
        for (qint64 after = 0;;) {
            auto page = OperationStore(db).byAction(QString::fromLatin1(action), std::nullopt, after, 500);
            if (!page || page->isEmpty())
                break;
            all << page.value();
            after = page->last().id;
        }
    }
    return all;
}
} // namespace

class TestDemoHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void historyIsRunNotWritten_data() { ADD_BACKEND_ROWS(); }
    void historyIsRunNotWritten()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxServer sandbox;
        QVERIFY(DemoSetup::startSandbox(sandbox, 0));
        QNetworkAccessManager network;
        HttpTransport transport(&network);
        MemoryKeychain keychain;
        DemoSetup setup(db, keychain, transport, QStringLiteral("agent@test"));
        std::optional<Status> ready;
        const qint64 started = QDateTime::currentMSecsSinceEpoch();
        setup.run(sandbox.baseUrl(), kOrders, [&](Status s) { ready = s; });
        QTRY_VERIFY_WITH_TIMEOUT(ready.has_value(), 60000);
        QVERIFY2(*ready, qPrintable(ready->message()));
        QVERIFY2(qAbs(nowMs() - QDateTime::currentMSecsSinceEpoch()) < 1000, "the clock was not given back");

        const QList<Operation> ops = allOperations(db);
        QVERIFY(ops.size() > kOrders * 8 / 10);
        auto provider = ProviderStore(db).get(QString::fromLatin1(DemoData::kProviderId));
        QVERIFY(provider);
        const PaymentsAdapter adapter(provider.value(), transport, keychain);
        QMap<OperationState, int> states;
        qint64 oldest = std::numeric_limits<qint64>::max();
        int chargedAndLost = 0;
        for (const Operation &op : ops) {
            ++states[op.state];
            oldest = qMin(oldest, op.createdAt);
            const QList<Attempt> attempts = OperationStore(db).attempts(op.id).value();
            QVERIFY2(!attempts.isEmpty(), qPrintable(op.entityId));
            QCOMPARE(attempts.size(), op.attempts); // sends only: no lookup was needed yet
            for (const Attempt &a : attempts) {
                QCOMPARE(a.kind, Attempt::Kind::Send);
                QVERIFY(a.startedAt >= op.createdAt);
                QVERIFY(a.finishedAt >= a.startedAt);
                QVERIFY(a.startedAt < started); // dated in the month, not when the test ran
                // Under one idempotency key the body is the same every time, as Stripe requires,
                // and it is what the adapter sends for the operation (unless we amended it since).
                QCOMPARE(a.request, attempts.first().request);
                if (op.providerId == QLatin1String(DemoData::kProviderId)
                    && !DemoData::describedOnBothSides(DemoData::indexOf(op)))
                    QCOMPARE(a.request, adapter.describeRequest(op));
                QVERIFY(a.errorClass != ErrorClass::Conflict);
            }
            const Attempt &last = attempts.last();
            const QJsonObject answer = QJsonDocument::fromJson(last.response.toUtf8()).object();
            switch (op.state) {
            case OperationState::Succeeded:
                QCOMPARE(last.status, Attempt::Status::Succeeded);
                QCOMPARE(last.httpStatus, 200);
                QCOMPARE(answer.value(QStringLiteral("id")).toString(), op.externalId);
                break;
            case OperationState::FailedPermanent:
                QCOMPARE(last.httpStatus, 402);
                QVERIFY(op.externalId.startsWith(QLatin1String("pi_"))); // the declined PaymentIntent
                break;
            case OperationState::NeedsAttention:
                // Either 3-D Secure left pending, or five 500s in a row.
                if (last.httpStatus == 200)
                    QCOMPARE(answer.value(QStringLiteral("status")).toString(), QStringLiteral("requires_action"));
                else
                    QVERIFY(attempts.size() == 5 && last.httpStatus == 500);
                break;
            case OperationState::UnknownOutcome: {
                QCOMPARE(last.httpStatus, 0);
                const int charges = sandbox.chargesForKey(op.idempotencyKey);
                QCOMPARE(charges, DemoData::lostAfterCharge(DemoData::indexOf(op)) ? 1 : 0);
                chargedAndLost += charges;
                break;
            }
            case OperationState::RetryScheduled:
                QVERIFY(last.httpStatus == 429 || last.httpStatus == 503);
                QVERIFY(op.nextAttemptAt > 0);
                break;
            default:
                QFAIL(qPrintable(QStringLiteral("unexpected state %1").arg(OperationStates::name(op.state))));
            }
        }
        // Every charge the sandbox made is one we know of.
        int charges = chargedAndLost;
        for (const Operation &op : ops)
            charges += op.action == QLatin1String("capture_payment") && op.state == OperationState::Succeeded;
        QCOMPARE(sandbox.totalCharges(), charges);
        QVERIFY(states.value(OperationState::Succeeded) > ops.size() * 8 / 10);
        QVERIFY(states.value(OperationState::FailedPermanent) > 0);
        QVERIFY(states.value(OperationState::RetryScheduled) >= 4); // the CRM's four, at least
        QVERIFY(oldest < nowMs() - qint64(25) * 86400000); // a month of it

        // Each run audited as the agent that made it; a send that failed again is a retry, not a refusal.
        auto audit = AuditLog(db).entries();
        QVERIFY(audit);
        int retries = 0;
        for (const AuditEntry &e : audit.value()) {
            if (e.action.startsWith(QLatin1String("operation.retry"))) {
                QCOMPARE(e.action, QStringLiteral("operation.retry"));
                QCOMPARE(e.actor, QStringLiteral("agent@test"));
                ++retries;
            }
        }
        int sends = 0;
        for (const Operation &op : ops)
            sends += op.attempts;
        QCOMPARE(retries, sends);

        // Run once: a second start finds the history and sends nothing.
        const int requests = sandbox.requestCount();
        ready.reset();
        setup.run(sandbox.baseUrl(), kOrders, [&](Status s) { ready = s; });
        QTRY_VERIFY_WITH_TIMEOUT(ready.has_value(), 10000);
        QVERIFY2(*ready, qPrintable(ready->message()));
        QCOMPARE(allOperations(db).size(), ops.size());
        QCOMPARE(sandbox.requestCount(), requests);
    }

    // A sandbox that is not there: a clear message, and no half a month left behind.
    void noSandboxNoHistory()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QNetworkAccessManager network;
        HttpTransport transport(&network);
        MemoryKeychain keychain;
        DemoSetup setup(*scratch.db(), keychain, transport, QStringLiteral("agent@test"));
        std::optional<Status> ready;
        setup.run(QStringLiteral("http://127.0.0.1:9"), 50, [&](Status s) { ready = s; });
        QTRY_VERIFY_WITH_TIMEOUT(ready.has_value(), 30000);
        QVERIFY(!*ready);
        QVERIFY2(ready->message().contains(QLatin1String("http://127.0.0.1:9")), qPrintable(ready->message()));
        QCOMPARE(OperationStore(*scratch.db()).count().value(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDemoHistory)
#include "tst_demohistory.moc"
