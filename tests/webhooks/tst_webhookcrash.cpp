// The agent (`reconsolectl serve`, a real process) dies inside a group commit: between the
// commit and the answers, and halfway through the batch's inserts. What it answered 2xx is
// stored, once; what it did not answer, delivered again to the restarted agent, is stored once.
// The crash point is RECONSOLE_TEST_CRASH (test only, see WebhookReceiver.cpp).
#include "CtlRunner.h"
#include "KeepAliveSenders.h"
#include "TestSupport.h"
#include "events/EventStore.h"
#include "providers/ProviderStore.h"
#include "store/Database.h"
#include "webhooks/WebhookVerifier.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <vector>

namespace {
const QByteArray kSecret = "whsec_groupCommitCrash_0123456789";
const QString kProvider = QStringLiteral("stripe-sandbox");

QByteArray eventBody(int n)
{
    return QStringLiteral(R"({"id":"evt_crash_%1","object":"event","type":"payment_intent.succeeded",)"
                          R"("created":%2,"data":{"object":{"id":"pi_crash_%1","object":"payment_intent"}}})")
        .arg(n)
        .arg(QDateTime::currentSecsSinceEpoch())
        .toUtf8();
}

QByteArray request(int n)
{
    const QByteArray body = eventBody(n);
    return "POST /webhooks/" + kProvider.toUtf8()
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nStripe-Signature: "
        + WebhookVerifier::signStripe(body, QString::fromLatin1(kSecret), QDateTime::currentSecsSinceEpoch())
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// Delivers events 0…n-1 over `senders` keep-alive connections, each sending its next once the
// last is answered, until all are answered or the agent is gone. Returns the answer per event
// (0: none).
QList<int> deliver(quint16 port, const QList<int> &events, int senders)
{
    const QList<KeepAliveAnswer> answers = sendKeepAlive(
        port, int(events.size()), senders, [&](int i) { return request(events.at(i)); }, {}, 30000);
    QList<int> status(events.isEmpty() ? 0 : *std::max_element(events.cbegin(), events.cend()) + 1, 0);
    for (qsizetype i = 0; i < events.size(); ++i)
        status[events.at(i)] = answers.at(i).status;
    return status;
}

qint64 scalar(const Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
}

// How often event n is stored (0 or 1: the key is unique) and how many deliveries it counts.
QPair<int, int> stored(const Database &db, int n)
{
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(MAX(deliveries), 0) FROM events WHERE source = ? AND "
                             "external_id = ?"));
    q.addBindValue(kProvider);
    q.addBindValue(QStringLiteral("evt_crash_%1").arg(n));
    if (!q.exec() || !q.next())
        return { -1, -1 };
    return { q.value(0).toInt(), q.value(1).toInt() };
}
} // namespace

class TestWebhookCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killedBetweenCommitAndAnswers() { crashAndRedeliver(QStringLiteral("after-commit")); }
    void killedMidBatch() { crashAndRedeliver(QStringLiteral("mid-batch")); }

private:
    QString startAgent(QProcess &agent, const QString &db, const QString &crash)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (!crash.isEmpty())
            env.insert(QStringLiteral("RECONSOLE_TEST_CRASH"), crash);
        agent.setProcessEnvironment(env);
        agent.start(QStringLiteral(RECONSOLECTL),
            { QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--sync-interval"),
                QStringLiteral("0"), QStringLiteral("--database"), db });
        if (!agent.waitForReadyRead(10000))
            return {};
        return QRegularExpression(QStringLiteral("http://127\\.0\\.0\\.1:\\d+"))
            .match(QString::fromUtf8(agent.readAllStandardOutput()))
            .captured();
    }

    void crashAndRedeliver(const QString &point)
    {
        REQUIRE_SECRET_SERVICE();
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("agent.sqlite"));
        {
            auto created = Database::open(db);
            QVERIFY2(created, qPrintable(created.message()));
            ProviderConfig stripe;
            stripe.id = kProvider;
            stripe.kind = QStringLiteral("payments");
            stripe.displayName = QStringLiteral("Payments sandbox");
            stripe.baseUrl = QStringLiteral("http://127.0.0.1:9");
            EXPECT_OK(ProviderStore(*created.value()).upsert(stripe));
        }
        const CtlRun added = ctl({ QStringLiteral("credentials"), QStringLiteral("add"), QStringLiteral("--provider"),
                                     kProvider, QStringLiteral("--environment"), QStringLiteral("test"),
                                     QStringLiteral("--label"), QStringLiteral("hooks"), QStringLiteral("--kind"),
                                     QStringLiteral("webhook-secret"), QStringLiteral("--database"), db },
            kSecret + '\n');
        QVERIFY2(added.code == 0, qPrintable(added.err));

        // The third group commit is where it dies: the first two are answered by then.
        QProcess agent;
        const QString url = startAgent(agent, db, point + QStringLiteral(":3"));
        QVERIFY(!url.isEmpty());
        constexpr int kEvents = 200;
        QList<int> all;
        for (int n = 0; n < kEvents; ++n)
            all << n;
        const QList<int> first = deliver(QUrl(url).port(), all, 16);
        QVERIFY(agent.state() == QProcess::NotRunning || agent.waitForFinished(10000));
        QCOMPARE(agent.exitStatus(), QProcess::CrashExit); // abort(), not a clean exit

        QList<int> answered;
        QList<int> unanswered;
        for (int n = 0; n < kEvents; ++n) {
            QVERIFY2(first.value(n) == 0 || first.value(n) == 200, qPrintable(QString::number(first.value(n))));
            (first.value(n) == 200 ? answered : unanswered) << n;
        }
        QVERIFY(!answered.isEmpty());
        QVERIFY(!unanswered.isEmpty());
        int storedUnanswered = 0;
        {
            auto opened = Database::open(db, {}, Database::IfMissing::Refuse);
            QVERIFY2(opened, qPrintable(opened.message()));
            for (int n : std::as_const(answered))
                QCOMPARE(stored(*opened.value(), n), qMakePair(1, 1));
            for (int n : std::as_const(unanswered))
                storedUnanswered += stored(*opened.value(), n).first;
        }
        // Killed after the commit, the batch is on disk unanswered; killed mid-batch, none of it is.
        if (point == QLatin1String("after-commit"))
            QVERIFY(storedUnanswered > 0);
        else
            QCOMPARE(storedUnanswered, 0);

        QProcess restarted;
        const QString again = startAgent(restarted, db, {});
        QVERIFY(!again.isEmpty());
        const QList<int> second = deliver(QUrl(again).port(), unanswered, 16);
        for (int n : std::as_const(unanswered))
            QCOMPARE(second.value(n), 200);
        restarted.terminate();
        QVERIFY(restarted.waitForFinished(10000));

        auto opened = Database::open(db, {}, Database::IfMissing::Refuse);
        QVERIFY2(opened, qPrintable(opened.message()));
        for (int n = 0; n < kEvents; ++n)
            QCOMPARE(stored(*opened.value(), n).first, 1);
        QCOMPARE(
            scalar(*opened.value(), QStringLiteral("SELECT COUNT(*) FROM events WHERE channel = 'webhook'")), kEvents);
        // A redelivered event that the dead agent had committed is counted as delivered twice.
        QCOMPARE(scalar(*opened.value(), QStringLiteral("SELECT COUNT(*) FROM events WHERE deliveries = 2")),
            storedUnanswered);
    }
};

QTEST_GUILESS_MAIN(TestWebhookCrash)
#include "tst_webhookcrash.moc"
