#include "CtlRunner.h"
#include "HttpClient.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "agent/Agent.h"
#include "core/Redactor.h"
#include "credentials/CredentialStore.h"
#include "intake/IntakeApi.h"
#include "intake/IntakeOutbox.h"
#include "intake/IntakeService.h"
#include "intake/IntakeTokens.h"
#include "operations/IntakeStore.h"
#include "operations/OperationStore.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>
#include <optional>

namespace {
QByteArray paymentBody(
    const QString &key, int amount = 2599, const QString &provider = QStringLiteral("stripe-sandbox"))
{
    return QJsonDocument(QJsonObject { { QStringLiteral("action"), QStringLiteral("capture_payment") },
                             { QStringLiteral("provider"), provider },
                             { QStringLiteral("entity"),
                                 QJsonObject { { QStringLiteral("type"), QStringLiteral("order") },
                                     { QStringLiteral("id"), QStringLiteral("ORD-") + key } } },
                             { QStringLiteral("payload"),
                                 QJsonObject { { QStringLiteral("amount"), amount },
                                     { QStringLiteral("currency"), QStringLiteral("eur") },
                                     { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") } } },
                             { QStringLiteral("idempotency_key"), key } })
        .toJson(QJsonDocument::Compact);
}

qint64 countOf(const Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

// The paths, methods and statuses of an OpenAPI document, read line by line: enough for the
// shape docs/intake.openapi.yaml is written in (two-space indents, quoted statuses).
QSet<QString> documented(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QSet<QString> found;
    bool inPaths = false;
    QString path, method;
    bool inResponses = false;
    static const QRegularExpression status(QStringLiteral("^ {8}\"(\\d{3})\":"));
    for (const QString &line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1Char(' ')) && !line.isEmpty())
            inPaths = line == QLatin1String("paths:");
        if (!inPaths)
            continue;
        if (line.startsWith(QLatin1String("  /"))) {
            path = line.trimmed().chopped(1);
            method.clear();
        } else if (line.startsWith(QLatin1String("    ")) && !line.startsWith(QLatin1String("     "))) {
            method = line.trimmed().chopped(1).toUpper();
            inResponses = false;
        } else if (line == QLatin1String("      responses:")) {
            inResponses = true;
        } else if (line.startsWith(QLatin1String("      ")) && !line.startsWith(QLatin1String("       "))) {
            inResponses = false;
        } else if (inResponses) {
            if (const auto m = status.match(line); m.hasMatch())
                found << QStringLiteral("%1 %2 %3").arg(method, path, m.captured(1));
        }
    }
    return found;
}

QSet<QString> served()
{
    QSet<QString> s;
    for (const IntakeApi::Endpoint &e : IntakeApi::endpoints())
        for (int status : e.statuses)
            s << QStringLiteral("%1 %2 %3").arg(QString::fromLatin1(e.method), e.path).arg(status);
    return s;
}

// Whether `status` for `method path` is one the API declares (and so the document lists).
bool declared(const QByteArray &method, const QString &path, int status)
{
    QString templ = path.section(QLatin1Char('?'), 0, 0);
    templ.replace(QRegularExpression(QStringLiteral("^/v1/operations/[^/]+$")), QStringLiteral("/v1/operations/{id}"));
    for (const IntakeApi::Endpoint &e : IntakeApi::endpoints())
        if (e.method == method && e.path == templ)
            return e.statuses.contains(status);
    return false;
}

// POSTs each body in `bodies` over `senders` keep-alive connections, the next on a connection
// once the last is answered, until all are answered or the agent is gone. `answered` is called
// after each answer (it may kill the agent). Returns the status per body (0: no answer) and
// the id each 202 named.
struct Posted
{
    QList<int> status;
    QList<qint64> id;
};
Posted postAll(quint16 port, const QList<QByteArray> &bodies, const QByteArray &token, int senders,
    const std::function<void(int answeredSoFar)> &answered = {})
{
    Posted result { QList<int>(bodies.size(), 0), QList<qint64>(bodies.size(), 0) };
    struct Sender
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray buffer;
        int current = -1;
    };
    std::vector<Sender> pool(senders);
    qsizetype next = 0;
    int open = senders;
    int done = 0;
    QEventLoop loop;
    auto sendNext = [&](Sender &s) {
        if (next >= bodies.size()) {
            s.current = -1;
            return;
        }
        s.current = int(next++);
        const QByteArray &body = bodies.at(s.current);
        s.socket->write("POST /v1/operations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Authorization: Bearer "
            + token + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    };
    for (Sender &s : pool) {
        s.socket = std::make_unique<QTcpSocket>();
        Sender *sender = &s;
        QObject::connect(s.socket.get(), &QTcpSocket::readyRead, &loop, [&, sender] {
            sender->buffer += sender->socket->readAll();
            for (;;) {
                const qsizetype end = sender->buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QByteArray head = sender->buffer.left(end).toLower();
                const qsizetype at = head.indexOf("content-length:");
                const int length = at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toInt();
                if (sender->buffer.size() < end + 4 + length)
                    return;
                result.status[sender->current] = head.mid(9, 3).toInt();
                result.id[sender->current]
                    = QJsonDocument::fromJson(sender->buffer.mid(end + 4, length)).object().value(u"id").toInteger();
                sender->buffer.remove(0, end + 4 + length);
                ++done;
                if (answered)
                    answered(done);
                if (done == bodies.size())
                    loop.quit();
                sendNext(*sender);
            }
        });
        QObject::connect(s.socket.get(), &QTcpSocket::disconnected, &loop, [&] {
            if (--open == 0)
                loop.quit();
        });
        s.socket->connectToHost(QHostAddress::LocalHost, port);
        if (!s.socket->waitForConnected(5000))
            return result;
    }
    for (Sender &s : pool)
        sendNext(s);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loop.exec();
    return result;
}

QString startServe(QProcess &agent, const QString &db)
{
    agent.start(QStringLiteral(RECONSOLECTL),
        { QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--sync-interval"),
            QStringLiteral("0"), QStringLiteral("--database"), db });
    if (!agent.waitForReadyRead(10000))
        return {};
    return QRegularExpression(QStringLiteral("http://127\\.0\\.0\\.1:\\d+"))
        .match(QString::fromUtf8(agent.readAllStandardOutput()))
        .captured();
}
} // namespace

// The services the agent builds for intake, over a sandbox provider, with one token made.
struct IntakeFixture
{
    explicit IntakeFixture(const Database &db)
        : db(db)
        , fx(db)
        , service(db, *fx.registry)
        , tokens(db, fx.credentials)
        , api(db, service, tokens)
    {
        fx.credentialService->createIntakeToken(
            QStringLiteral("backend"), [this](Result<CredentialService::IntakeToken> made) {
                EXPECT_OK(made);
                if (made) {
                    token = made->token;
                    tokenId = made->credential.id;
                }
            });
    }

    HttpReply call(const QByteArray &method, const QString &path, const QByteArray &body = {},
        std::optional<QString> bearer = std::nullopt)
    {
        HttpExchange e;
        e.method = method;
        e.url = QUrl(path);
        e.body = body;
        e.headers.insert("authorization", "Bearer " + bearer.value_or(token).toUtf8());
        std::optional<HttpReply> answer;
        api.handle(e, [&answer](const HttpReply &r) { answer = r; });
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, 5000))
            return { 0, "no answer", {}, {} };
        if (!declared(method, path, answer->status))
            QTest::qFail(qPrintable(QStringLiteral("%1 %2 answered %3, which the API does not declare")
                                        .arg(QString::fromLatin1(method), path)
                                        .arg(answer->status)),
                __FILE__, __LINE__);
        return *answer;
    }

    static QJsonObject json(const HttpReply &r) { return QJsonDocument::fromJson(r.body).object(); }
    static QByteArray header(const HttpReply &r, const QByteArray &name)
    {
        for (const auto &[k, v] : r.headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }

    const Database &db;
    SandboxFixture fx;
    IntakeService service;
    IntakeTokens tokens;
    IntakeApi api;
    QString token;
    QString tokenId;
};

class TestIntake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsAndAnswersById_data() { ADD_BACKEND_ROWS(); }
    void acceptsAndAnswersById()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QVERIFY(in.token.startsWith(QLatin1String("rci_")));

        const HttpReply posted = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-1")));
        QCOMPARE(posted.status, 202);
        const qint64 id = IntakeFixture::json(posted).value(QStringLiteral("id")).toInteger();
        QVERIFY(id > 0);
        QCOMPARE(IntakeFixture::header(posted, "Location"), QByteArray("/v1/operations/") + QByteArray::number(id));
        QCOMPARE(IntakeFixture::json(posted).value(QStringLiteral("state")).toString(), QStringLiteral("pending"));

        const HttpReply byId = in.call("GET", QStringLiteral("/v1/operations/%1").arg(id));
        QCOMPARE(byId.status, 200);
        const QJsonObject op = IntakeFixture::json(byId);
        QCOMPARE(op.value(QStringLiteral("idempotency_key")).toString(), QStringLiteral("k-1"));
        QCOMPARE(op.value(QStringLiteral("attempts")).toInt(), 0);
        QVERIFY(op.value(QStringLiteral("last_error")).isNull());
        QVERIFY(op.value(QStringLiteral("external_id")).isNull());
        QCOMPARE(op.value(QStringLiteral("entity")).toObject().value(QStringLiteral("id")).toString(),
            QStringLiteral("ORD-k-1"));

        const HttpReply byKey = in.call("GET", QStringLiteral("/v1/operations?idempotency_key=k-1"));
        QCOMPARE(byKey.status, 200);
        QCOMPARE(IntakeFixture::json(byKey).value(QStringLiteral("id")).toInteger(), id);
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations?idempotency_key=nope")).status, 404);
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations")).status, 400);
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations/999999")).status, 404);
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations/abc")).status, 404);
        // An operation made inside Reconsole is not the backend's to read.
        auto own = OperationStore(*scratch.db()).insert(SandboxFixture::payment(QStringLiteral("inside")));
        QVERIFY2(own, qPrintable(own.message()));
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations/%1").arg(own.value())).status, 404);
    }

    void sameKeySameBodyIsTheSameOperation_data() { ADD_BACKEND_ROWS(); }
    void sameKeySameBodyIsTheSameOperation()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply first = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-2")));
        const HttpReply again = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-2")));
        QCOMPARE(first.status, 202);
        QCOMPARE(again.status, 202);
        QCOMPARE(IntakeFixture::json(again).value(QStringLiteral("id")),
            IntakeFixture::json(first).value(QStringLiteral("id")));
        QCOMPARE(IntakeFixture::header(again, "Idempotent-Replayed"), QByteArray("true"));
        QVERIFY(IntakeFixture::header(first, "Idempotent-Replayed").isEmpty());
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);
    }

    void sameKeyOtherBodyIs409_data() { ADD_BACKEND_ROWS(); }
    void sameKeyOtherBodyIs409()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QCOMPARE(
            in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-3"), 100)).status, 202);
        const HttpReply clash
            = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-3"), 200));
        QCOMPARE(clash.status, 409);
        const QJsonObject error = IntakeFixture::json(clash).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("idempotency_error"));
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("conflict")).value_or(0), 1);
    }

    void wrongOrRevokedTokenIs401AndCounted_data() { ADD_BACKEND_ROWS(); }
    void wrongOrRevokedTokenIs401AndCounted()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply wrong = in.call(
            "POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-4")), QStringLiteral("rci_wrong"));
        QCOMPARE(wrong.status, 401);
        QCOMPARE(IntakeFixture::json(wrong)
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("type"))
                     .toString(),
            QStringLiteral("authentication_error"));
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations/1"), {}, QString()).status, 401);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("unauthorized")).value_or(0), 2);

        // Works, then is revoked (as another process would: the database says so) and stops.
        QCOMPARE(in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-5"))).status, 202);
        bool revoked = false;
        in.fx.credentialService->revoke(in.tokenId, QStringLiteral("leaked"), [&](Status s) {
            EXPECT_OK(s);
            revoked = true;
        });
        QTRY_VERIFY(revoked);
        QTest::qWait(1100); // the verdict is read again once a second, not per request
        QCOMPARE(in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-6"))).status, 401);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("revoked_token")).value_or(0), 1);
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);
    }

    void tokenMadeLaterIsRead_data() { ADD_BACKEND_ROWS(); }
    void tokenMadeLaterIsRead()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QCOMPARE(in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-7"))).status, 202);
        QString second;
        in.fx.credentialService->createIntakeToken(QStringLiteral("billing"),
            [&](Result<CredentialService::IntakeToken> t) { second = t ? t->token : QString(); });
        QTRY_VERIFY(!second.isEmpty());
        QVERIFY(second != in.token);
        QCOMPARE(
            in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-8")), second).status, 202);
        // Never shown again, and never in a log line or a stored text.
        std::optional<Result<QString>> revealed;
        in.fx.credentialService->reveal(in.tokenId, [&](Result<QString> r) { revealed = r; });
        QTRY_VERIFY(revealed.has_value());
        QVERIFY(!revealed->ok());
        QVERIFY(!Redactor::redact(QStringLiteral("token=") + second).contains(second.mid(4)));
        QVERIFY(!CredentialStore(*scratch.db()).get(in.tokenId)->fingerprint.contains(in.token.mid(4, 8)));
    }

    void refusalsNameTheField_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("param");
        const QJsonObject good = QJsonDocument::fromJson(paymentBody(QStringLiteral("k-r"))).object();
        auto with = [&](const QString &key, const QJsonValue &value) {
            QJsonObject o = good;
            if (value.isUndefined())
                o.remove(key);
            else
                o.insert(key, value);
            return QJsonDocument(o).toJson(QJsonDocument::Compact);
        };
        for (const QString &b : TestSupport::backends()) {
            auto row = [&](const char *name) {
                return &QTest::newRow(qPrintable(b + QLatin1Char(':') + QLatin1String(name)));
            };
            *row("malformed JSON") << b << QByteArray("{\"action\": ") << 400 << QString();
            *row("not an object") << b << QByteArray("[1,2]") << 400 << QString();
            *row("missing action") << b << with(QStringLiteral("action"), QJsonValue::Undefined) << 400
                                   << QStringLiteral("action");
            *row("missing key") << b << with(QStringLiteral("idempotency_key"), QJsonValue::Undefined) << 400
                                << QStringLiteral("idempotency_key");
            *row("action not a string") << b << with(QStringLiteral("action"), 5) << 400 << QStringLiteral("action");
            *row("entity without id") << b
                                      << with(QStringLiteral("entity"),
                                             QJsonObject { { QStringLiteral("type"), QStringLiteral("order") } })
                                      << 400 << QStringLiteral("entity[id]");
            *row("payload not an object")
                << b << with(QStringLiteral("payload"), QStringLiteral("x")) << 400 << QStringLiteral("payload");
            *row("unknown parameter") << b << with(QStringLiteral("amount"), 5) << 400 << QStringLiteral("amount");
            *row("bad not_before") << b << with(QStringLiteral("not_before"), QStringLiteral("tomorrow")) << 400
                                   << QStringLiteral("not_before");
            *row("key too long") << b << with(QStringLiteral("idempotency_key"), QString(201, QLatin1Char('k'))) << 400
                                 << QStringLiteral("idempotency_key");
            *row("unknown provider") << b << with(QStringLiteral("provider"), QStringLiteral("paypal")) << 422
                                     << QStringLiteral("provider");
            *row("action the adapter has not") << b << with(QStringLiteral("action"), QStringLiteral("upsert_contact"))
                                               << 422 << QStringLiteral("action");
            *row("body over 1 MiB") << b << QByteArray((1 << 20) + 1, ' ') << 413 << QStringLiteral("body");
        }
    }
    void refusalsNameTheField()
    {
        QFETCH(QString, backend);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, param);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply r = in.call("POST", QStringLiteral("/v1/operations"), body);
        QCOMPARE(r.status, status);
        const QJsonObject error = IntakeFixture::json(r).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        QCOMPARE(error.value(QStringLiteral("param")).toString(), param);
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 0);
        QVERIFY(IntakeStore(*scratch.db())
                    .refusals(status == 413 ? QStringLiteral("too_large") : QStringLiteral("invalid"))
                    .value_or(0)
            == 1);
    }

    void aDisabledProviderIsRefused_data() { ADD_BACKEND_ROWS(); }
    void aDisabledProviderIsRefused()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        auto provider = ProviderStore(*scratch.db()).get(QStringLiteral("stripe-sandbox"));
        QVERIFY2(provider, qPrintable(provider.message()));
        ProviderConfig off = provider.value();
        off.enabled = false;
        EXPECT_OK(ProviderStore(*scratch.db()).upsert(off));
        const HttpReply r = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("off-1")));
        QCOMPARE(r.status, 422);
        const QJsonObject error = IntakeFixture::json(r).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("param")).toString(), QStringLiteral("provider"));
        QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QLatin1String("disabled")),
            qPrintable(error.value(QStringLiteral("message")).toString()));
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 0);
    }

    void acceptedOperationsRunThroughTheSandbox_data() { ADD_BACKEND_ROWS(); }
    void acceptedOperationsRunThroughTheSandbox()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply now = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("run-1")));
        QJsonObject later = QJsonDocument::fromJson(paymentBody(QStringLiteral("run-2"))).object();
        later.insert(QStringLiteral("not_before"), QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate));
        const HttpReply deferred
            = in.call("POST", QStringLiteral("/v1/operations"), QJsonDocument(later).toJson(QJsonDocument::Compact));
        QCOMPARE(now.status, 202);
        QCOMPARE(deferred.status, 202);
        const qint64 id = IntakeFixture::json(now).value(QStringLiteral("id")).toInteger();

        in.fx.service->runDue(QStringLiteral("agent:test"));
        QTRY_COMPARE(in.fx.service->dueInFlight(), 0);
        const QJsonObject done = IntakeFixture::json(in.call("GET", QStringLiteral("/v1/operations/%1").arg(id)));
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(done.value(QStringLiteral("attempts")).toInt(), 1);
        QVERIFY(done.value(QStringLiteral("external_id")).toString().startsWith(QLatin1String("pi_")));
        // Sent once, under the operation's own key, journaled.
        QCOMPARE(in.fx.sandbox.chargesForKey(IntakeStore::operationKey(QStringLiteral("run-1"))), 1);
        QCOMPARE(in.fx.sandbox.totalCharges(), 1);
        QCOMPARE(OperationStore(*scratch.db()).attempts(id)->size(), 1);
        // Not before its time.
        const qint64 deferredId = IntakeFixture::json(deferred).value(QStringLiteral("id")).toInteger();
        QCOMPARE(OperationStore(*scratch.db()).get(deferredId)->state, OperationState::Pending);
        in.fx.service->runDue(QStringLiteral("agent:test"));
        QCOMPARE(in.fx.service->dueInFlight(), 0);
        QCOMPARE(in.fx.sandbox.totalCharges(), 1);
    }

    void aFailedAttemptIsReportedWithItsClass_data() { ADD_BACKEND_ROWS(); }
    void aFailedAttemptIsReportedWithItsClass()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QJsonObject declined = QJsonDocument::fromJson(paymentBody(QStringLiteral("run-3"))).object();
        QJsonObject payload = declined.value(QStringLiteral("payload")).toObject();
        payload.insert(QStringLiteral("payment_method"), QStringLiteral("pm_card_chargeDeclinedInsufficientFunds"));
        declined.insert(QStringLiteral("payload"), payload);
        const HttpReply posted
            = in.call("POST", QStringLiteral("/v1/operations"), QJsonDocument(declined).toJson(QJsonDocument::Compact));
        QCOMPARE(posted.status, 202);
        in.fx.service->runDue(QStringLiteral("agent:test"));
        QTRY_COMPARE(in.fx.service->dueInFlight(), 0);
        const QJsonObject op = IntakeFixture::json(in.call("GET",
            QStringLiteral("/v1/operations/%1")
                .arg(IntakeFixture::json(posted).value(QStringLiteral("id")).toInteger())));
        QCOMPARE(op.value(QStringLiteral("state")).toString(), QStringLiteral("failed_permanent"));
        QCOMPARE(op.value(QStringLiteral("last_error")).toObject().value(QStringLiteral("class")).toString(),
            QStringLiteral("client"));
        QVERIFY(
            !op.value(QStringLiteral("last_error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
    }

    void outboxRowsBecomeOneOperationEachUnderTwoClaimers()
    {
        if (!TestSupport::backends().contains(QStringLiteral("postgresql")))
            QSKIP("The operation_requests outbox is PostgreSQL's; no server here.");
        SCRATCH_DATABASE(scratch, QStringLiteral("postgresql"));
        IntakeFixture in(*scratch.db());
        // A backend's own role: INSERT on the outbox, nothing else.
        QSqlQuery q(scratch.db()->connection());
        const QString role = QStringLiteral("intake_backend_%1").arg(QCoreApplication::applicationPid());
        QVERIFY(q.exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role)));
        QVERIFY2(q.exec(QStringLiteral("CREATE ROLE %1 NOLOGIN").arg(role)), qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("GRANT INSERT ON operation_requests TO %1").arg(role)));
        QVERIFY(q.exec(QStringLiteral("GRANT USAGE ON SEQUENCE operation_requests_id_seq TO %1").arg(role)));
        QVERIFY(q.exec(QStringLiteral("SET ROLE %1").arg(role)));
        const int rows = 400;
        QVERIFY(q.exec(QStringLiteral("BEGIN")));
        for (int i = 0; i < rows; ++i) {
            q.prepare(
                QStringLiteral("INSERT INTO operation_requests (action, provider, entity_type, entity_id, payload, "
                               "idempotency_key) VALUES (?, 'stripe-sandbox', 'order', ?, ?, ?)"));
            q.addBindValue(i == 7 ? QStringLiteral("teleport") : QStringLiteral("capture_payment"));
            q.addBindValue(QStringLiteral("ORD-%1").arg(i));
            q.addBindValue(
                QStringLiteral("{\"amount\": %1, \"currency\": \"eur\", \"payment_method\": \"pm_card_visa\"}")
                    .arg(100 + i));
            q.addBindValue(QStringLiteral("outbox-%1").arg(i));
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        QVERIFY(q.exec(QStringLiteral("COMMIT")));
        QVERIFY(!q.exec(QStringLiteral("SELECT COUNT(*) FROM operations"))); // the role reads nothing
        QVERIFY(q.exec(QStringLiteral("RESET ROLE")));

        // Two agents, each with its own connection, claiming at the same time.
        std::atomic<int> accepted { 0 }, rejected { 0 }, failures { 0 };
        auto claimer = [&](int n) {
            return QThread::create([&, n] {
                auto db = Database::open(scratch.url());
                if (!db) {
                    ++failures;
                    return;
                }
                // Everything network-side of its own too: an agent is a process of its own.
                QNetworkAccessManager network;
                HttpTransport transport(&network);
                MemoryKeychain keychain;
                ProviderRegistry registry(*db.value(), transport, keychain);
                IntakeService service(*db.value(), registry);
                IntakeOutbox outbox(*db.value(), service);
                for (;;) {
                    auto drained = outbox.drainOnce(QStringLiteral("agent-%1").arg(n), 7);
                    if (!drained) {
                        ++failures;
                        return;
                    }
                    if (drained->accepted + drained->rejected == 0)
                        return;
                    accepted += drained->accepted;
                    rejected += drained->rejected;
                }
            });
        };
        std::unique_ptr<QThread> a(claimer(1)), b(claimer(2));
        a->start();
        b->start();
        QVERIFY(a->wait(60000) && b->wait(60000));
        QCOMPARE(failures.load(), 0);
        QCOMPARE(accepted.load(), rows - 1);
        QCOMPARE(rejected.load(), 1);
        const Database &db = *scratch.db();
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM operations")), rows - 1);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(DISTINCT operation_id) FROM operation_requests")), rows - 1);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM operation_requests WHERE status = 'new'")), 0);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(DISTINCT processed_by) FROM operation_requests")), 2);
        QSqlQuery why(db.connection());
        QVERIFY(
            why.exec(QStringLiteral("SELECT error FROM operation_requests WHERE status = 'rejected'")) && why.next());
        QVERIFY2(why.value(0).toString().startsWith(QLatin1String("action:")), qPrintable(why.value(0).toString()));
        // A row again with a key already used for the same request is that operation, not another.
        QVERIFY(
            q.exec(QStringLiteral("INSERT INTO operation_requests (action, provider, entity_type, entity_id, payload, "
                                  "idempotency_key) SELECT action, provider, entity_type, entity_id, payload, "
                                  "idempotency_key FROM operation_requests WHERE idempotency_key = 'outbox-3'")));
        auto again = IntakeOutbox(db, in.service).drainOnce(QStringLiteral("agent-3"));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->accepted, 1);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM operations")), rows - 1);
        QCOMPARE(
            countOf(db,
                QStringLiteral(
                    "SELECT COUNT(DISTINCT operation_id) FROM operation_requests WHERE idempotency_key = 'outbox-3'")),
            1);
        QVERIFY(q.exec(QStringLiteral("DROP OWNED BY %1").arg(role)));
        QVERIFY(q.exec(QStringLiteral("DROP ROLE %1").arg(role)));
    }

    void servedOnTheAgentsPort_data() { ADD_BACKEND_ROWS(); }
    void servedOnTheAgentsPort()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        SandboxFixture fx(*scratch.db());
        QString token;
        fx.credentialService->createIntakeToken(QStringLiteral("backend"),
            [&](Result<CredentialService::IntakeToken> made) { token = made ? made->token : QString(); });
        QTRY_VERIFY(!token.isEmpty());
        Agent agent(*scratch.db(), fx.credentials, *fx.registry, *fx.service);
        Agent::Options options;
        options.port = 0;
        options.syncIntervalSeconds = 0;
        QVERIFY(agent.start(options));
        TestHttpClient http(agent.baseUrl());

        const TestReply posted = http.send(
            "POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("http-1")), token.toUtf8());
        QCOMPARE(posted.status, 202);
        const qint64 id = posted.json().value(QStringLiteral("id")).toInteger();
        QCOMPARE(posted.header("Location"), QByteArray("/v1/operations/") + QByteArray::number(id));
        // Started at once, not at the worker's next round.
        QTRY_COMPARE_WITH_TIMEOUT(http.send("GET", QStringLiteral("/v1/operations/%1").arg(id), {}, token.toUtf8())
                                      .json()
                                      .value(u"state")
                                      .toString(),
            QStringLiteral("succeeded"), 3000);
        QCOMPARE(fx.sandbox.chargesForKey(IntakeStore::operationKey(QStringLiteral("http-1"))), 1);
        const TestReply byKey
            = http.send("GET", QStringLiteral("/v1/operations?idempotency_key=http-1"), {}, token.toUtf8());
        QCOMPARE(byKey.status, 200);
        QCOMPARE(byKey.json().value(QStringLiteral("id")).toInteger(), id);
        QVERIFY(byKey.json().value(QStringLiteral("external_id")).toString().startsWith(QLatin1String("pi_")));

        QCOMPARE(http.send("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("http-2")), "rci_nope")
                     .status,
            401);
        // Over 1 MiB: refused by the listener from Content-Length, before the body is sent.
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, QUrl(agent.baseUrl()).port());
        QVERIFY(raw.waitForConnected(5000));
        raw.write("POST /v1/operations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token.toUtf8()
            + "\r\nContent-Type: application/json\r\nContent-Length: 1048577\r\n\r\n{");
        QTRY_VERIFY(raw.bytesAvailable() > 12 || raw.waitForReadyRead(100));
        QCOMPARE(raw.readAll().mid(9, 3), QByteArray("413"));
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);

        // On PostgreSQL the agent also drains the outbox a backend writes to, and runs what it made.
        if (backend == QLatin1String("postgresql")) {
            QSqlQuery q(scratch.db()->connection());
            QVERIFY2(
                q.exec(QStringLiteral(
                    "INSERT INTO operation_requests (action, provider, entity_type, entity_id, payload, "
                    "idempotency_key) VALUES ('capture_payment', 'stripe-sandbox', 'order', 'ORD-ob', '{\"amount\": "
                    "700, \"currency\": \"eur\", \"payment_method\": \"pm_card_visa\"}', 'outbox-agent')")),
                qPrintable(q.lastError().text()));
            QTRY_COMPARE_WITH_TIMEOUT(
                http.send("GET", QStringLiteral("/v1/operations?idempotency_key=outbox-agent"), {}, token.toUtf8())
                    .json()
                    .value(u"state")
                    .toString(),
                QStringLiteral("succeeded"), 5000);
            QCOMPARE(countOf(*scratch.db(),
                         QStringLiteral("SELECT COUNT(*) FROM operation_requests WHERE status = 'accepted'")),
                1);
            QCOMPARE(fx.sandbox.chargesForKey(IntakeStore::operationKey(QStringLiteral("outbox-agent"))), 1);
        }
        // The webhook receiver is still there on the same port.
        QVERIFY(http.send("POST", QStringLiteral("/webhooks/stripe-sandbox"), "{}", {}).status != 202);
    }

    // A real `reconsolectl serve` killed (SIGKILL) while answering a stream of POSTs: every
    // operation it answered 202 is in the database afterwards, and sending the unanswered ones
    // again to a new agent makes each exactly once.
    void killDuringIntakeLosesNothingAnswered()
    {
        REQUIRE_SECRET_SERVICE();
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("agent.sqlite"));
        {
            auto created = Database::open(db);
            QVERIFY2(created, qPrintable(created.message()));
            ProviderConfig stripe { QStringLiteral("stripe-sandbox"), QStringLiteral("payments"),
                QStringLiteral("Payments sandbox"), QStringLiteral("http://127.0.0.1:9") };
            EXPECT_OK(ProviderStore(*created.value()).upsert(stripe));
        }
        const CtlRun made = ctl({ QStringLiteral("intake-token"), QStringLiteral("create"), QStringLiteral("--label"),
            QStringLiteral("backend"), QStringLiteral("--database"), db });
        QVERIFY2(made.code == 0, qPrintable(made.err));
        const QByteArray token = made.out.trimmed().toUtf8();
        QVERIFY(token.startsWith("rci_"));
        QVERIFY2(!made.err.contains(QString::fromUtf8(token)), "the token is printed once, on stdout only");

        constexpr int kOperations = 600;
        QList<QByteArray> bodies;
        for (int n = 0; n < kOperations; ++n)
            bodies << paymentBody(QStringLiteral("kill-%1").arg(n), 100 + n);
        QProcess agent;
        const QString url = startServe(agent, db);
        QVERIFY(!url.isEmpty());
        const Posted first = postAll(QUrl(url).port(), bodies, token, 16, [&](int answered) {
            if (answered == kOperations / 3)
                agent.kill();
        });
        agent.waitForFinished(10000); // false when it is gone already
        QCOMPARE(agent.state(), QProcess::NotRunning);
        QCOMPARE(agent.exitStatus(), QProcess::CrashExit);
        QList<int> unanswered;
        int accepted = 0;
        {
            auto opened = Database::open(db, {}, Database::IfMissing::Refuse);
            QVERIFY2(opened, qPrintable(opened.message()));
            for (int n = 0; n < kOperations; ++n) {
                QVERIFY2(first.status.at(n) == 0 || first.status.at(n) == 202,
                    qPrintable(QString::number(first.status.at(n))));
                if (first.status.at(n) != 202) {
                    unanswered << n;
                    continue;
                }
                ++accepted;
                auto stored = IntakeStore(*opened.value()).byClientKey(QStringLiteral("kill-%1").arg(n));
                QVERIFY2(stored, qPrintable(stored.message()));
                QCOMPARE(stored->operation.id, first.id.at(n));
            }
        }
        QVERIFY(accepted >= kOperations / 3);
        QVERIFY(!unanswered.isEmpty());

        QProcess restarted;
        const QString again = startServe(restarted, db);
        QVERIFY(!again.isEmpty());
        QList<QByteArray> rest;
        for (int n : std::as_const(unanswered))
            rest << bodies.at(n);
        const Posted second = postAll(QUrl(again).port(), rest, token, 16);
        for (int status : second.status)
            QCOMPARE(status, 202);
        restarted.terminate();
        QVERIFY(restarted.waitForFinished(10000));
        auto opened = Database::open(db, {}, Database::IfMissing::Refuse);
        QVERIFY2(opened, qPrintable(opened.message()));
        QCOMPARE(countOf(*opened.value(), QStringLiteral("SELECT COUNT(*) FROM operations")), kOperations);
        QCOMPARE(
            countOf(*opened.value(), QStringLiteral("SELECT COUNT(DISTINCT client_key) FROM operations")), kOperations);
    }

    // `reconsolectl ops submit` for scripts: the same checks and idempotency as the API.
    void opsSubmitFromTheCommandLine()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("ops.sqlite"));
        {
            auto created = Database::open(db);
            QVERIFY2(created, qPrintable(created.message()));
            ProviderConfig stripe { QStringLiteral("stripe-sandbox"), QStringLiteral("payments"),
                QStringLiteral("Payments sandbox"), QStringLiteral("http://127.0.0.1:9") };
            EXPECT_OK(ProviderStore(*created.value()).upsert(stripe));
        }
        QFile payload(dir.filePath(QStringLiteral("charge.json")));
        QVERIFY(payload.open(QIODevice::WriteOnly));
        payload.write(R"({"amount": 2599, "currency": "eur", "payment_method": "pm_card_visa"})");
        payload.close();
        auto submit = [&](const QString &payloadArg, const QString &action = QStringLiteral("capture_payment")) {
            return ctl({ QStringLiteral("ops"), QStringLiteral("submit"), QStringLiteral("--action"), action,
                QStringLiteral("--provider"), QStringLiteral("stripe-sandbox"), QStringLiteral("--entity"),
                QStringLiteral("order:ORD-7"), QStringLiteral("--payload"), payloadArg,
                QStringLiteral("--idempotency-key"), QStringLiteral("script-7"), QStringLiteral("--database"), db });
        };
        const CtlRun first = submit(QLatin1Char('@') + payload.fileName());
        QVERIFY2(first.code == 0, qPrintable(first.err));
        const QJsonObject op = QJsonDocument::fromJson(first.out.toUtf8()).object();
        QCOMPARE(op.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QCOMPARE(op.value(QStringLiteral("entity")).toObject().value(QStringLiteral("type")).toString(),
            QStringLiteral("order"));
        const CtlRun again
            = submit(QStringLiteral(R"({"currency":"eur","amount":2599,"payment_method":"pm_card_visa"})"));
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QCOMPARE(QJsonDocument::fromJson(again.out.toUtf8()).object().value(QStringLiteral("id")),
            op.value(QStringLiteral("id")));
        const CtlRun clash
            = submit(QStringLiteral(R"({"amount": 1, "currency": "eur", "payment_method": "pm_card_visa"})"));
        QCOMPARE(clash.code, 1);
        QVERIFY2(clash.err.contains(QLatin1String("idempotency_key")), qPrintable(clash.err));
        const CtlRun unknown = submit(QStringLiteral("{}"), QStringLiteral("teleport"));
        QCOMPARE(unknown.code, 1);
        QVERIFY2(unknown.err.contains(QLatin1String("action")), qPrintable(unknown.err));
        const CtlRun malformed = submit(QStringLiteral("{amount"));
        QCOMPARE(malformed.code, 2);
        auto opened = Database::open(db, {}, Database::IfMissing::Refuse);
        QVERIFY2(opened, qPrintable(opened.message()));
        QCOMPARE(countOf(*opened.value(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);
    }

    void documentAndServerAgree()
    {
        const QSet<QString> doc = documented(QStringLiteral(INTAKE_OPENAPI));
        QVERIFY2(!doc.isEmpty(), INTAKE_OPENAPI);
        const QSet<QString> server = served();
        QStringList onlyServer = QStringList(server.begin(), server.end());
        onlyServer.removeIf([&](const QString &s) { return doc.contains(s); });
        QStringList onlyDoc = QStringList(doc.begin(), doc.end());
        onlyDoc.removeIf([&](const QString &s) { return server.contains(s); });
        QVERIFY2(onlyServer.isEmpty(), qPrintable(QStringLiteral("not in the document: ") + onlyServer.join(u", ")));
        QVERIFY2(onlyDoc.isEmpty(), qPrintable(QStringLiteral("not served: ") + onlyDoc.join(u", ")));
    }
};

QTEST_GUILESS_MAIN(TestIntake)
#include "tst_intake.moc"
