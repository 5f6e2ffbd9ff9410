// The point of bulk retries: a long run against a provider that times out after charging one
// request in ten, its agent killed with SIGKILL at random moments and started again, and at the
// end no one charged twice (the sandbox's own per-key counters), nothing lost, nothing stuck.
// Real processes throughout: `reconsolectl sandbox`, `reconsolectl serve`, `reconsolectl ops …`.
// Short by default; RECONSOLE_CRASH_OPERATIONS and RECONSOLE_CRASH_KILLS make the long form
// (2,000 and 50, as the closing note reports).
#include "CtlRunner.h"
#include "HttpClient.h"
#include "TestSupport.h"
#include "operations/OperationStore.h"
#include "operations/RetryRunStore.h"
#include "sandbox/DemoData.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlQuery>

namespace {
int fromEnvironment(const char *name, int fallback)
{
    const int value = qEnvironmentVariableIntValue(name);
    return value > 0 ? value : fallback;
}

// Plans a retry of `filter` (ops plan options), confirms it and returns the run's id (0 on failure).
qint64 planAndConfirm(const QString &db, const QStringList &filter)
{
    const CtlRun planned = ctl(QStringList { QStringLiteral("ops"), QStringLiteral("plan"), QStringLiteral("--json"),
                                   QStringLiteral("--database"), db }
        + filter);
    const qint64 id = QJsonDocument::fromJson(planned.out.toUtf8()).object().value(QStringLiteral("id")).toInteger();
    if (planned.code != 0 || id == 0) {
        qWarning().noquote() << planned.err;
        return 0;
    }
    const CtlRun confirmed = ctl({ QStringLiteral("ops"), QStringLiteral("runs"), QStringLiteral("confirm"),
        QString::number(id), QStringLiteral("--database"), db });
    if (confirmed.code != 0)
        qWarning().noquote() << confirmed.err;
    return confirmed.code == 0 ? id : 0;
}

bool startAgent(QProcess &agent, const QString &db)
{
    agent.start(QStringLiteral(RECONSOLECTL),
        { QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--sync-interval"),
            QStringLiteral("0"), QStringLiteral("--database"), db });
    return agent.waitForReadyRead(10000);
}
} // namespace

class TestRetryCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedAgentsChargeNoOneTwice()
    {
        REQUIRE_SECRET_SERVICE();
        const int operations = fromEnvironment("RECONSOLE_CRASH_OPERATIONS", 300);
        const int kills = fromEnvironment("RECONSOLE_CRASH_KILLS", 4);
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("crash.sqlite"));
        QProcess sandbox;
        const QString url = startSandbox(sandbox);
        QVERIFY(!url.isEmpty());
        QCOMPARE(seedDemo(db, url, 20).code, 0); // the provider, its key in the keychain
        const QString provider = QString::fromLatin1(DemoData::kProviderId);
        // Fast enough for a test, with no room kept for live traffic, no approval, a short timeout.
        const CtlRun edited = ctl({ QStringLiteral("providers"), QStringLiteral("edit"), provider,
            QStringLiteral("--rate"), QStringLiteral("400"), QStringLiteral("--burst"), QStringLiteral("40"),
            QStringLiteral("--headroom"), QStringLiteral("0"), QStringLiteral("--timeout-ms"), QStringLiteral("800"),
            QStringLiteral("--approve-bulk-above"), QStringLiteral("1000000"), QStringLiteral("--database"), db });
        QVERIFY2(edited.code == 0, qPrintable(edited.err));
        QStringList keys;
        {
            auto opened = Database::open(db);
            QVERIFY(opened);
            QList<Operation> failed;
            for (int i = 0; i < operations; ++i) {
                Operation op;
                op.action = QStringLiteral("capture_payment");
                op.entityType = QStringLiteral("order");
                op.entityId = QStringLiteral("CRASH-%1").arg(i);
                op.providerId = provider;
                op.payload
                    = { { QStringLiteral("amount"), 1000 + i }, { QStringLiteral("currency"), QStringLiteral("eur") },
                          { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") } };
                op.idempotencyKey = QStringLiteral("crash-%1").arg(i);
                op.state = OperationState::RetryScheduled;
                op.lastErrorClass = ErrorClass::Server;
                op.lastError = QStringLiteral("api_error: The provider had an outage (req_%1x9Qa)").arg(i);
                op.nextAttemptAt = nowMs() + 24 * 3600 * 1000; // the bulk run, not the due worker, sends them
                keys << op.idempotencyKey;
                failed << op;
            }
            QVERIFY(OperationStore(*opened.value()).insertMany(failed));
        }
        TestHttpClient http(url);
        QCOMPARE(http.send("POST", QStringLiteral("/_sandbox/faults"), "spec=timeout_after_charge%2510").status, 200);

        const qint64 run = planAndConfirm(
            db, { QStringLiteral("--provider"), provider, QStringLiteral("--search"), QStringLiteral("CRASH-") });
        QVERIFY(run != 0);
        QProcess agent;
        for (int k = 0; k < kills; ++k) {
            QVERIFY(startAgent(agent, db));
            QTest::qWait(200 + static_cast<int>(QRandomGenerator::global()->bounded(1200)));
            agent.kill(); // SIGKILL: requests in flight, claims held, nothing finished
            QVERIFY(agent.waitForFinished(5000));
        }
        QVERIFY(startAgent(agent, db));
        auto finished = [&](qint64 id) {
            auto opened = Database::open(db);
            return opened && RetryRunStore(*opened.value()).get(id)->state == RetryRun::State::Finished;
        };
        QTRY_VERIFY_WITH_TIMEOUT(finished(run), 120000);

        // The faults end; what timed out after charging is looked up and settled, not charged again.
        QCOMPARE(http.send("POST", QStringLiteral("/_sandbox/faults"), "clear=1").status, 200);
        const qint64 settle = planAndConfirm(db,
            { QStringLiteral("--provider"), provider, QStringLiteral("--search"), QStringLiteral("CRASH-"),
                QStringLiteral("--state"), QStringLiteral("failed") });
        if (settle != 0) // nothing left to settle is fine too
            QTRY_VERIFY_WITH_TIMEOUT(finished(settle), 120000);
        agent.terminate();
        QVERIFY(agent.waitForFinished(10000));

        const QJsonObject charges = http.send("GET", QStringLiteral("/_sandbox/charges")).json();
        QCOMPARE(charges.value(QStringLiteral("max_per_key")).toInt(), 1);
        const QJsonObject byKey = charges.value(QStringLiteral("keys")).toObject();
        auto opened = Database::open(db);
        QVERIFY(opened);
        OperationStore store(*opened.value());
        for (const QString &key : keys) {
            auto op = store.byIdempotencyKey(key);
            QVERIFY(op);
            QVERIFY2(op->state == OperationState::Succeeded,
                qPrintable(QStringLiteral("%1 is %2: %3").arg(key, OperationStates::name(op->state), op->lastError)));
            QVERIFY2(byKey.value(key).toInt() == 1, qPrintable(key + QStringLiteral(" was not charged once")));
        }
        QSqlQuery stuck(opened.value()->connection());
        QVERIFY(stuck.exec(QStringLiteral("SELECT COUNT(*) FROM retry_run_items WHERE state IN ('waiting', 'claimed')"))
            && stuck.next());
        QCOMPARE(stuck.value(0).toInt(), 0);
        qInfo().noquote() << QStringLiteral("%1 operations, %2 kills, %3 charges, none twice")
                                 .arg(operations)
                                 .arg(kills)
                                 .arg(charges.value(QStringLiteral("total")).toInt());
        sandbox.terminate();
        sandbox.waitForFinished(10000);
    }
};

QTEST_GUILESS_MAIN(TestRetryCrash)
#include "tst_retrycrash.moc"
