// reconsolectl's work end to end, as an operator runs it: the sandbox and the agent as real
// processes, the demo's month, retries after a crash or a kill, contacts fixed from the terminal.
#include "CtlRunner.h"
#include "HttpClient.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "events/EventStore.h"
#include "operations/OperationRunner.h"
#include "operations/OperationStore.h"
#include "providers/ProviderStore.h"
#include "records/CustomerStore.h"
#include "sandbox/DemoData.h"
#include "sandbox/DemoSetup.h"
#include "store/Database.h"
#include "webhooks/WebhookVerifier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using Run = CtlRun;

class TestCtlWorkflows : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sandboxStopsOnSigterm()
    {
        const Run badFaults = ctl({ QStringLiteral("sandbox"), QStringLiteral("--port"), QStringLiteral("0"),
            QStringLiteral("--faults"), QStringLiteral("explode") });
        QCOMPARE(badFaults.code, 2);
        QProcess sandbox;
        sandbox.start(
            QStringLiteral(RECONSOLECTL), { QStringLiteral("sandbox"), QStringLiteral("--port"), QStringLiteral("0") });
        QVERIFY(sandbox.waitForReadyRead(10000));
        QVERIFY(QString::fromUtf8(sandbox.readAllStandardOutput()).contains(QLatin1String("http://127.0.0.1:")));
        sandbox.terminate();
        QVERIFY(sandbox.waitForFinished(10000));
        QCOMPARE(sandbox.exitStatus(), QProcess::NormalExit);
        QCOMPARE(sandbox.exitCode(), 0);
    }

    // Contacts from the command line: a sandbox process's CRM, the demo's customers linked to
    // its contacts, a drift scan, then the drifted field accepted and another pushed.
    void contactDriftFromTheCommandLine()
    {
        REQUIRE_SECRET_SERVICE();
        START_CTL_DEMO(world, QStringLiteral("demo.sqlite"), 50);
        TestHttpClient crm(world.url);
        const QList<QJsonObject> people = DemoData::customers(3);
        {
            auto opened = Database::open(world.db);
            for (int i = 0; i < people.size(); ++i) {
                const QJsonObject &c = people.at(i);
                const QJsonObject props { { QStringLiteral("email"), c[QStringLiteral("email")] },
                    { QStringLiteral("firstname"), c[QStringLiteral("first_name")] },
                    { QStringLiteral("lastname"), c[QStringLiteral("last_name")] },
                    { QStringLiteral("phone"),
                        i == 1 ? QStringLiteral("+1 999") : c[QStringLiteral("phone")].toString() },
                    { QStringLiteral("reconsole_access"), c[QStringLiteral("access")] } };
                const TestReply created = crm.send("POST", QStringLiteral("/crm/v3/objects/contacts"),
                    QJsonDocument(QJsonObject { { QStringLiteral("properties"), props } }).toJson(),
                    QByteArray(DemoSetup::kCrmToken));
                QCOMPARE(created.status, 201);
                QVERIFY(CustomerStore(*opened.value())
                            .linkExternal(QStringLiteral("customer"), c[QStringLiteral("id")].toString(),
                                QStringLiteral("crm-sandbox"), created.json()[QStringLiteral("id")].toString()));
            }
        }
        const Run scan = ctl(
            { QStringLiteral("drift"), QStringLiteral("scan"), QStringLiteral("contact"), QStringLiteral("--provider"),
                QStringLiteral("crm-sandbox"), QStringLiteral("--json"), QStringLiteral("--database"), world.db });
        QVERIFY2(scan.code == 0, qPrintable(scan.err));
        const QJsonArray drifted = QJsonDocument::fromJson(scan.out.toUtf8()).array();
        QCOMPARE(drifted.size(), 1);
        QCOMPARE(drifted.first()[QStringLiteral("entity")].toString(), QStringLiteral("CUS-0002"));
        QCOMPARE(
            drifted.first()[QStringLiteral("fields")][0][QStringLiteral("field")].toString(), QStringLiteral("phone"));

        const QString email = people.at(1)[QStringLiteral("email")].toString();
        const Run accepted = ctl({ QStringLiteral("diff"), QStringLiteral("contact"), email, QStringLiteral("--accept"),
            QStringLiteral("phone"), QStringLiteral("--database"), world.db });
        QVERIFY2(accepted.code == 0 && accepted.out.contains(QLatin1String("agrees")),
            qPrintable(accepted.out + accepted.err));
        // We own access: pushing it makes an operation the CRM accepts.
        {
            auto opened = Database::open(world.db);
            QSqlQuery q(opened.value()->connection());
            QVERIFY(q.exec(QStringLiteral("UPDATE customers SET access = 'premium' WHERE id = 'CUS-0001'")));
        }
        const Run pushed = ctl({ QStringLiteral("diff"), QStringLiteral("contact"), QStringLiteral("CUS-0001"),
            QStringLiteral("--push"), QStringLiteral("subscription access"), QStringLiteral("--database"), world.db });
        QVERIFY2(
            pushed.code == 0 && pushed.err.contains(QLatin1String("succeeded")), qPrintable(pushed.out + pushed.err));
        const Run clean = ctl({ QStringLiteral("diff"), QStringLiteral("contact"), QStringLiteral("CUS-0001"),
            QStringLiteral("--json"), QStringLiteral("--database"), world.db });
        QCOMPARE(QJsonDocument::fromJson(clean.out.toUtf8()).array().size(), 0);
        QCOMPARE(
            ctl({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--database"), world.db }).code, 0);
        world.sandbox.terminate();
        QVERIFY(world.sandbox.waitForFinished(10000));
    }

    // The whole path with real processes and the real keychain: a sandbox process, the demo
    // storing its key in the Secret Service, and a retry of every unknown outcome.
    void demoThenRetryUnknownOutcomes()
    {
        REQUIRE_SECRET_SERVICE();
        START_CTL_DEMO(world, QStringLiteral("demo.sqlite"), 1500);

        const Run unknown = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"),
            QStringLiteral("unknown_outcome"), QStringLiteral("--json"), QStringLiteral("--database"), world.db });
        QStringList ids;
        for (const QJsonValue &row : QJsonDocument::fromJson(unknown.out.toUtf8()).array())
            ids << QString::number(row.toObject()[QStringLiteral("id")].toInteger());
        QVERIFY(ids.size() >= 2);
        const Run retry = ctl(QStringList { QStringLiteral("ops"), QStringLiteral("retry") } + ids
            + QStringList { QStringLiteral("--database"), world.db });
        QVERIFY2(retry.code == 0, qPrintable(retry.err));
        QCOMPARE(retry.out.count(QLatin1String(": succeeded")), ids.size());

        // Our record beside the provider's: in agreement, until our copy of the amount drifts.
        const Run agree = ctl(
            { QStringLiteral("diff"), QStringLiteral("payment"), ids.first(), QStringLiteral("--database"), world.db });
        QVERIFY2(agree.code == 0 && agree.out.contains(QLatin1String("agrees")), qPrintable(agree.out + agree.err));
        {
            auto opened = Database::open(world.db);
            QSqlQuery q(opened.value()->connection());
            QVERIFY(
                q.exec(QStringLiteral("UPDATE operations SET payload = replace(payload, '\"amount\":', '\"amount\":1') "
                                      "WHERE id = %1")
                           .arg(ids.first())));
        }
        const Run drift = ctl({ QStringLiteral("diff"), QStringLiteral("payment"), ids.first(),
            QStringLiteral("--json"), QStringLiteral("--database"), world.db });
        QCOMPARE(drift.code, 0);
        const QJsonArray fields = QJsonDocument::fromJson(drift.out.toUtf8()).array();
        QCOMPARE(fields.size(), 1);
        QCOMPARE(fields.first().toObject()[QStringLiteral("field")].toString(), QStringLiteral("amount"));
        QCOMPARE(fields.first().toObject()[QStringLiteral("owner")].toString(), QStringLiteral("provider"));
        QCOMPARE(fields.first().toObject()[QStringLiteral("verdict")].toString(), QStringLiteral("ours_is_wrong"));
        QVERIFY(fields.first().toObject()[QStringLiteral("explanation")].toString().startsWith(
            QLatin1String("ours is wrong")));
        // Fixed from the command line the way the owner says: our amount takes the provider's.
        const Run accepted = ctl({ QStringLiteral("diff"), QStringLiteral("payment"), ids.first(),
            QStringLiteral("--accept"), QStringLiteral("amount"), QStringLiteral("--database"), world.db });
        QVERIFY2(accepted.code == 0 && accepted.out.contains(QLatin1String("agrees")),
            qPrintable(accepted.out + accepted.err));
        const Run refused = ctl({ QStringLiteral("diff"), QStringLiteral("payment"), ids.first(),
            QStringLiteral("--push"), QStringLiteral("amount"), QStringLiteral("--database"), world.db });
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(QLatin1String("already agrees")), qPrintable(refused.err));

        const Run again = ctl(QStringList {
            QStringLiteral("ops"), QStringLiteral("retry"), ids.first(), QStringLiteral("--database"), world.db });
        QCOMPARE(again.code, 1);
        QVERIFY(again.err.contains(QLatin1String("already succeeded")));
        QCOMPARE(
            ctl({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--database"), world.db }).code, 0);
        world.sandbox.terminate();
        QVERIFY(world.sandbox.waitForFinished(10000));
        // Each payment charged once, the demo's month and the retries alike: the sandbox reports
        // its count on the way out.
        int paid = 0;
        {
            auto opened = Database::open(world.db);
            QSqlQuery q(opened.value()->connection());
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM operations WHERE action = 'capture_payment' AND "
                                          "state = 'succeeded'"))
                && q.next());
            paid = q.value(0).toInt();
        }
        const QString summary = QString::fromUtf8(world.sandbox.readAllStandardOutput());
        QVERIFY2(
            summary.contains(QStringLiteral(", %1 charges").arg(paid)), qPrintable(summary + QString::number(paid)));
    }

    // Killed while the request is in flight: the next start settles the operation as
    // unknown_outcome, and the retry finds the charge instead of making a second one.
    // The agent's automatic retries are audited as the agent, not as whoever runs it.
    void agentRetriesAreAuditedAsTheAgent()
    {
        REQUIRE_SECRET_SERVICE();
        START_CTL_DEMO(world, QStringLiteral("agent.sqlite"), 400);
        const QString &db = world.db;
        QProcess &sandbox = world.sandbox;
        qint64 id = 0;
        {
            auto opened = Database::open(db);
            QVERIFY(opened);
            QSqlQuery q(opened.value()->connection());
            QVERIFY(q.exec(QStringLiteral("SELECT id FROM operations WHERE state = 'retry_scheduled' AND "
                                          "action = 'capture_payment' LIMIT 1"))
                && q.next());
            id = q.value(0).toLongLong();
            QVERIFY(q.exec(QStringLiteral("UPDATE operations SET next_attempt_at = 0 WHERE id = %1").arg(id)));
        }
        QProcess agent;
        agent.start(QStringLiteral(RECONSOLECTL),
            { QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--database"),
                db });
        QVERIFY(agent.waitForStarted());
        const QString target = QStringLiteral("operation:%1").arg(id);
        auto retriedBy = [&]() -> QString {
            auto opened = Database::open(db);
            if (!opened)
                return {};
            for (const AuditEntry &e : AuditLog(*opened.value()).entriesFor(target).value_or({}))
                if (e.action == QLatin1String("operation.retry"))
                    return e.actor;
            return {};
        };
        QTRY_VERIFY_WITH_TIMEOUT(!retriedBy().isEmpty(), 20000);
        agent.terminate();
        QVERIFY(agent.waitForFinished(10000));
        sandbox.terminate();
        QVERIFY(sandbox.waitForFinished(10000));
        QCOMPARE(retriedBy(), QStringLiteral("agent@") + QSysInfo::machineHostName());
    }

    void crashMidRetryChargesOnce()
    {
        REQUIRE_SECRET_SERVICE();
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("crash.sqlite"));
        QProcess seedSandbox;
        const QString seedUrl = startSandbox(seedSandbox);
        QCOMPARE(seedDemo(db, seedUrl, 400).code, 0);
        seedSandbox.terminate();
        seedSandbox.waitForFinished(10000);

        // A provider that takes 30 s to answer its next request, and a client that waits 1 s.
        QProcess sandbox;
        const QString url = startSandbox(sandbox, { QStringLiteral("--faults"), QStringLiteral("slow=30000") });
        qint64 id = 0;
        {
            auto opened = Database::open(db);
            QVERIFY(opened);
            ProviderStore providers(*opened.value());
            ProviderConfig p = providers.get(QString::fromLatin1(DemoData::kProviderId)).value();
            p.baseUrl = url;
            p.timeoutMs = 1000;
            QVERIFY(providers.upsert(p));
            QSqlQuery q(opened.value()->connection());
            QVERIFY(q.exec(QStringLiteral("SELECT id FROM operations WHERE state = 'retry_scheduled' LIMIT 1"))
                && q.next());
            id = q.value(0).toLongLong();
        }

        QProcess retry;
        retry.start(QStringLiteral(RECONSOLECTL),
            { QStringLiteral("ops"), QStringLiteral("retry"), QString::number(id), QStringLiteral("--database"), db });
        QVERIFY(retry.waitForStarted());
        {
            auto opened = Database::open(db);
            QTRY_VERIFY_WITH_TIMEOUT(OperationStore(*opened.value()).get(id)->state == OperationState::Sending, 10000);
        }
        QTest::qWait(300); // the request is on its way to the slow provider
        retry.kill();
        QVERIFY(retry.waitForFinished(5000));

        QTest::qWait(OperationRunner::kLeaseMs + 600); // the dead process's claim runs out, unrenewed
        const Run list = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"),
            QStringLiteral("unknown_outcome"), QStringLiteral("--json"), QStringLiteral("--database"), db });
        bool listed = false;
        for (const QJsonValue &row : QJsonDocument::fromJson(list.out.toUtf8()).array())
            listed = listed || row.toObject()[QStringLiteral("id")].toInteger() == id;
        QVERIFY2(listed, "the interrupted operation was not settled as unknown_outcome");

        const Run again = ctl(
            { QStringLiteral("ops"), QStringLiteral("retry"), QString::number(id), QStringLiteral("--database"), db });
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QVERIFY(again.out.contains(QLatin1String("succeeded")));
        sandbox.terminate();
        QVERIFY(sandbox.waitForFinished(10000));
        const QString summary = QString::fromUtf8(sandbox.readAllStandardOutput());
        QVERIFY2(summary.contains(QLatin1String(" 1 charges")), qPrintable(summary));
    }

    // The agent dies right after answering a webhook: the event was stored before the answer,
    // so the next start processes it.
    void agentKilledAfterAnswerLosesNothing()
    {
        REQUIRE_SECRET_SERVICE();
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("agent.sqlite"));
        const QStringList onDb { QStringLiteral("--database"), db };
        QProcess seedSandbox;
        const QString seedUrl = startSandbox(seedSandbox);
        QCOMPARE(ctl(QStringList { QStringLiteral("demo"), QStringLiteral("--operations"), QStringLiteral("300"),
                         QStringLiteral("--sandbox-url"), seedUrl }
                     + onDb)
                     .code,
            0);
        seedSandbox.terminate();
        seedSandbox.waitForFinished(10000);
        const QByteArray secret = "whsec_agentCrashTest_0123456789";
        const Run added = ctl(QStringList { QStringLiteral("credentials"), QStringLiteral("add"),
                                  QStringLiteral("--provider"), QStringLiteral("stripe-sandbox"),
                                  QStringLiteral("--environment"), QStringLiteral("test"), QStringLiteral("--label"),
                                  QStringLiteral("hooks"), QStringLiteral("--kind"), QStringLiteral("webhook-secret") }
                + onDb,
            secret + '\n');
        QVERIFY2(added.code == 0, qPrintable(added.err));
        const QJsonArray unknown = QJsonDocument::fromJson(
            ctl(QStringList { QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"),
                    QStringLiteral("unknown_outcome"), QStringLiteral("--json") }
                + onDb)
                .out.toUtf8())
                                       .array();
        QVERIFY(!unknown.isEmpty());
        const qint64 id = unknown.first().toObject()[QStringLiteral("id")].toInteger();
        QString key;
        {
            auto opened = Database::open(db);
            key = OperationStore(*opened.value()).get(id)->idempotencyKey;
        }

        auto startAgent = [&](QProcess &agent, const QString &window) {
            agent.start(QStringLiteral(RECONSOLECTL),
                QStringList { QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"),
                    QStringLiteral("--sync-interval"), QStringLiteral("0"), QStringLiteral("--batch-window"), window }
                    + onDb);
            if (!agent.waitForReadyRead(10000))
                return QString();
            return QRegularExpression(QStringLiteral("http://127\\.0\\.0\\.1:\\d+"))
                .match(QString::fromUtf8(agent.readAllStandardOutput()))
                .captured();
        };
        QProcess agent;
        const QString url = startAgent(agent, QStringLiteral("60000")); // would work the queue only after a minute
        QVERIFY(!url.isEmpty());
        const QByteArray body
            = QStringLiteral(R"({"id":"evt_agent_crash","object":"event","type":"payment_intent.succeeded",)"
                             R"("created":%1,"data":{"object":{"id":"pi_agent_crash","object":"payment_intent",)"
                             R"("metadata":{"reconsole_key":"%2"}}}})")
                  .arg(QDateTime::currentSecsSinceEpoch())
                  .arg(key)
                  .toUtf8();
        QNetworkAccessManager network;
        QNetworkRequest request { QUrl(url + QStringLiteral("/webhooks/stripe-sandbox")) };
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        request.setRawHeader("Stripe-Signature",
            WebhookVerifier::signStripe(body, QString::fromLatin1(secret), QDateTime::currentSecsSinceEpoch()));
        QNetworkReply *reply = network.post(request, body);
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        agent.kill(); // SIGKILL: no chance to finish anything
        QVERIFY(agent.waitForFinished(5000));
        {
            auto opened = Database::open(db);
            QCOMPARE(OperationStore(*opened.value()).get(id)->state, OperationState::UnknownOutcome);
            QCOMPARE(EventStore(*opened.value()).pending(10)->size(), 1);
        }

        QProcess restarted;
        QVERIFY(!startAgent(restarted, QStringLiteral("25")).isEmpty());
        auto opened = Database::open(db);
        QTRY_COMPARE_WITH_TIMEOUT(OperationStore(*opened.value()).get(id)->state, OperationState::Succeeded, 10000);
        restarted.terminate();
        QVERIFY(restarted.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestCtlWorkflows)
#include "tst_ctlworkflows.moc"
