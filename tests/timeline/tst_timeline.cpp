// Timelines and the event sync: one ordered history per entity from events, attempts and
// people; the provider's event list paged back to a durable cursor.
#include "HttpClient.h"
#include "SandboxFixture.h"
#include "ServedWebhooks.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "events/ActivityMonitor.h"
#include "events/EventProcessor.h"
#include "events/EventStore.h"
#include "events/EventSync.h"
#include "sandbox/DemoData.h"
#include "timeline/TimelineModel.h"

#include <QAbstractItemModelTester>
#include <QSqlQuery>
#include <QTest>

class TestTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void historyAcrossSystemsInOrder_data() { ADD_BACKEND_ROWS(); }
    void historyAcrossSystemsInOrder()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        ServedWebhooks served(db);
        WebhookReceiver &receiver = served.receiver;
        QVERIFY(served.start());
        const QString secret = QStringLiteral("whsec_timelineTestSecret_0001");
        receiver.setSecrets(QStringLiteral("stripe-sandbox"), { secret });
        f.sandbox.setWebhooks(
            { served.baseUrl() + QStringLiteral("/webhooks/stripe-sandbox"), secret, 0, false, false, 0 });

        OperationStore store(db);
        const qint64 declined
            = store.insert(SandboxFixture::payment(QStringLiteral("tl-1"), QStringLiteral("pm_card_chargeDeclined")))
                  .value();
        std::optional<Result<Operation>> ran;
        f.runner->run(declined, QStringLiteral("tester"), [&](Result<Operation> r) { ran = r; });
        QTRY_VERIFY_WITH_TIMEOUT(ran.has_value(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(receiver.accepted() == 1, 10000);
        QTRY_COMPARE(EventStore(db).pending(10)->size(), 0);
        QVERIFY(f.service->resolve(declined, QStringLiteral("customer paid by bank transfer")));

        TimelineModel model(db);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY2(model.load(QStringLiteral("ORD-tl-1")), qPrintable(model.lastError()));
        QStringList types;
        qint64 previous = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            types << model.data(model.index(row, TimelineModel::Type)).toString();
            const qint64 at = model.data(model.index(row, 0), TimelineModel::SortValueRole).toLongLong();
            QVERIFY(at >= previous);
            previous = at;
        }
        QVERIFY2(types.contains(QStringLiteral("operation.created")), qPrintable(types.join(QLatin1Char(','))));
        QVERIFY(types.contains(QStringLiteral("attempt.failed")));
        QVERIFY(types.contains(QStringLiteral("payment_intent.payment_failed")));
        QVERIFY(types.contains(QStringLiteral("operation.retry.refused"))
            || types.contains(QStringLiteral("operation.retry")));
        QCOMPARE(types.last(), QStringLiteral("operation.resolve"));

        // The same history by the provider's id, and channel filters.
        const QString externalId = store.get(declined)->externalId;
        if (!externalId.isEmpty())
            QVERIFY(model.load(externalId) && model.rowCount() == types.size());
        model.setChannelShown(QStringLiteral("audit"), false);
        QCOMPARE(model.rowCount(),
            types.size() - types.count(QLatin1String("operation.resolve"))
                - types.count(QLatin1String("operation.retry"))
                - types.count(QLatin1String("operation.retry.refused")));
        const QString csv = Timeline::toCsv(model.shownEntries());
        QCOMPARE(csv.count(QLatin1Char('\n')), model.rowCount() + 1);
        QVERIFY(csv.startsWith(QLatin1String("time,source,channel,type")));
    }

    void customerTimelineCoversAllTheirOrders()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        const QList<Operation> ops = DemoData().operations(200);
        QVERIFY(OperationStore(db).insertMany(ops));
        const QString customer = QStringLiteral("anna@example.com");
        const auto theirs = std::count_if(ops.cbegin(), ops.cend(), [&](const Operation &op) {
            return op.payload.value(QStringLiteral("customer_email")).toString() == customer;
        });
        QVERIFY(theirs > 2);
        const auto entries = Timeline::forEntity(db, customer).value();
        QCOMPARE(std::count_if(entries.cbegin(), entries.cend(),
                     [](const TimelineEntry &t) { return t.type == QLatin1String("operation.created"); }),
            theirs);
    }

    void contradictionsAreFlagged()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        Operation op = SandboxFixture::payment(QStringLiteral("tl-2"));
        op.state = OperationState::Succeeded;
        op.externalId = QStringLiteral("pi_tl2");
        const qint64 id = OperationStore(db).insert(op).value();
        Event e;
        e.source = QStringLiteral("stripe-sandbox");
        e.externalId = QStringLiteral("evt_tl2");
        e.type = QStringLiteral("payment_intent.payment_failed");
        e.channel = QStringLiteral("webhook");
        e.occurredAt = nowMs();
        e.payload = QStringLiteral(R"({"data":{"object":{"id":"pi_tl2","object":"payment_intent"}}})");
        QVERIFY(EventStore(db).insertIfNew(e).value());
        QVERIFY(EventProcessor(db).processPending());
        TimelineModel model(db);
        QVERIFY(model.load(QStringLiteral("ORD-tl-2")));
        QCOMPARE(model.anomalies(), 1);
        QCOMPARE(OperationStore(db).get(id)->state, OperationState::Succeeded);
    }

    void silentProviderRaisesAnAlert()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        OperationStore store(db);
        const qint64 now = nowMs();
        const qint64 id = store.insert(SandboxFixture::payment(QStringLiteral("quiet"))).value();
        // Attempts for the last 40 minutes, no webhook at all.
        for (int minutes : { 40, 20, 1 })
            QVERIFY(store.beginAttempt(id, Attempt::Kind::Send, QStringLiteral("POST"), now - minutes * 60000LL));
        auto alerts = ActivityMonitor(db).check(now, 30);
        QVERIFY2(alerts, qPrintable(alerts.message()));
        QCOMPARE(alerts->size(), 1);
        QCOMPARE(alerts->first().providerId, QStringLiteral("stripe-sandbox"));
        QVERIFY(alerts->first().message.contains(QLatin1String("never")));
        QVERIFY(ActivityMonitor(db).check(now, 60)->isEmpty()); // traffic younger than the window

        Event e;
        e.source = QStringLiteral("stripe-sandbox");
        e.externalId = QStringLiteral("evt_heard");
        e.type = QStringLiteral("payment_intent.succeeded");
        e.channel = QStringLiteral("webhook");
        e.occurredAt = now - 5 * 60000;
        e.receivedAt = now - 5 * 60000;
        QVERIFY(EventStore(db).insertIfNew(e).value());
        QVERIFY(ActivityMonitor(db).check(now, 30)->isEmpty());
    }

    // A backlog bigger than a round reads is caught up over several rounds, older gap first,
    // and nothing in it is skipped — not even what arrives meanwhile.
    void syncCatchesUpABacklogAcrossRounds()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        TestHttpClient http(f.sandbox.baseUrl());
        auto charge = [&](int n) {
            for (int i = 0; i < n; ++i)
                QCOMPARE(
                    http.send("POST", QStringLiteral("/v1/payment_intents"),
                            "amount=100&currency=eur&payment_method=pm_card_visa&confirm=true", SandboxFixture::kKey)
                        .status,
                    200);
        };
        auto events = [&] {
            QSqlQuery q(db.connection());
            return q.exec(QStringLiteral("SELECT COUNT(*) FROM events")) && q.next() ? q.value(0).toInt() : -1;
        };
        EventSync sync(db, *f.registry, 1); // one page of 100 per round
        auto round = [&] {
            std::optional<Result<int>> r;
            sync.syncOnce(QStringLiteral("stripe-sandbox"), [&](Result<int> result) { r = result; });
            QTRY_VERIFY_WITH_TIMEOUT(r.has_value(), 10000);
            QVERIFY2(*r, qPrintable(r->message()));
        };
        charge(50);
        round();
        QCOMPARE(events(), 50);
        const QString caughtUp = EventStore(db).cursor(QStringLiteral("stripe-sandbox")).value();

        charge(250); // webhooks lost for all of them
        round();
        QCOMPARE(events(), 150);
        QVERIFY(EventStore(db).cursor(QStringLiteral("stripe-sandbox"))->contains(QLatin1String("resume")));
        charge(30); // meanwhile, more
        round();
        QCOMPARE(events(), 250);
        round(); // reaches the old position: the gap is closed
        QCOMPARE(events(), 300);
        QVERIFY(!EventStore(db).cursor(QStringLiteral("stripe-sandbox"))->contains(QLatin1String("resume")));
        QVERIFY(EventStore(db).cursor(QStringLiteral("stripe-sandbox")).value() != caughtUp);
        round(); // then what came meanwhile
        QCOMPARE(events(), 330);
        round();
        QCOMPARE(events(), 330);

        // A round that fails part-way keeps its gap too.
        charge(120);
        f.sandbox.queueFaults({ SandboxFault { SandboxFault::Kind::ServerError } });
        std::optional<Result<int>> failed;
        sync.syncOnce(QStringLiteral("stripe-sandbox"), [&](Result<int> r) { failed = r; });
        QTRY_VERIFY_WITH_TIMEOUT(failed.has_value(), 10000);
        QVERIFY(!*failed);
        QCOMPARE(events(), 330);
        round();
        round();
        QCOMPARE(events(), 450);
    }

    void syncCatchesWhatWebhooksMissed()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        ServedWebhooks served(db);
        WebhookReceiver &receiver = served.receiver;
        QVERIFY(served.start());
        const QString secret = QStringLiteral("whsec_syncTestSecret_0002");
        receiver.setSecrets(QStringLiteral("stripe-sandbox"), { secret });
        // Every second webhook is lost on the way.
        f.sandbox.setWebhooks(
            { served.baseUrl() + QStringLiteral("/webhooks/stripe-sandbox"), secret, 0, false, false, 2 });
        TestHttpClient http(f.sandbox.baseUrl());
        for (int i = 0; i < 250; ++i)
            QCOMPARE(http.send("POST", QStringLiteral("/v1/payment_intents"),
                             "amount=100&currency=eur&payment_method=pm_card_visa&confirm=true", SandboxFixture::kKey)
                         .status,
                200);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.accepted(), 125, 10000);

        const int before = f.sandbox.requestCount();
        EventSync sync(db, *f.registry);
        std::optional<Result<int>> first;
        sync.syncOnce(QStringLiteral("stripe-sandbox"), [&](Result<int> r) { first = r; });
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), 10000);
        QVERIFY2(*first, qPrintable(first->message()));
        QCOMPARE(first->value(), 125); // the lost ones; the delivered ones deduplicated
        QCOMPARE(f.sandbox.requestCount() - before, 3); // three pages of 100 with has_more
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM events")) && q.next());
        QCOMPARE(q.value(0).toInt(), 250);
        QVERIFY(!EventStore(db).cursor(QStringLiteral("stripe-sandbox"))->isEmpty());

        // Next round: only what is new since the cursor.
        QCOMPARE(http.send("POST", QStringLiteral("/v1/payment_intents"),
                         "amount=100&currency=eur&payment_method=pm_card_visa&confirm=true", SandboxFixture::kKey)
                     .status,
            200);
        std::optional<Result<int>> second;
        const int beforeSecond = f.sandbox.requestCount();
        sync.syncOnce(QStringLiteral("stripe-sandbox"), [&](Result<int> r) { second = r; });
        QTRY_VERIFY_WITH_TIMEOUT(second.has_value(), 10000);
        QCOMPARE(f.sandbox.requestCount() - beforeSecond, 1);
        QVERIFY(second->value() <= 1); // its webhook may have arrived first
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM events")) && q.next());
        QCOMPARE(q.value(0).toInt(), 251);
    }
};

QTEST_GUILESS_MAIN(TestTimeline)
#include "tst_timeline.moc"
