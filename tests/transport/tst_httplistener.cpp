// The agent's listener over real loopback TCP, probed as an attacker and as a busy provider
// would: every limit answers with its status and a JSON error before a route sees anything,
// keep-alive and pipelined answers keep their order, half-open connections delay no one.
#include "transport/HttpListener.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <optional>
#include <vector>

namespace {
struct Response
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// A raw HTTP/1.1 client: sends exactly the bytes it is given, reads answers one by one.
class Client
{
public:
    bool connectTo(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.flush();
    }
    std::optional<Response> read(int timeoutMs = 5000)
    {
        std::optional<Response> r;
        const bool arrived = QTest::qWaitFor(
            [&] {
                buffer += socket.readAll();
                r = take();
                return r.has_value();
            },
            timeoutMs);
        Q_UNUSED(arrived); // r says it
        return r;
    }
    bool closedByServer(int timeoutMs = 5000)
    {
        return QTest::qWaitFor(
            [&] {
                buffer += socket.readAll();
                return socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
    }

    QTcpSocket socket;
    QByteArray buffer;

private:
    std::optional<Response> take()
    {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return std::nullopt;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        Response r;
        r.status = lines.first().split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            r.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
        }
        const qsizetype length = r.headers.value("content-length").toLongLong();
        if (buffer.size() < end + 4 + length)
            return std::nullopt;
        r.body = buffer.mid(end + 4, length);
        buffer.remove(0, end + 4 + length);
        return r;
    }
};

// Answers at once with what it saw, or holds the answers for the test to give in any order.
class EchoRoute : public HttpRoute
{
public:
    bool serves(const QString &path) const override { return path.startsWith(QLatin1String("/echo")); }
    qint64 bodyLimit(const QString &) const override { return limit; }
    void handle(const HttpExchange &exchange, HttpReplier reply) override
    {
        seen << exchange;
        if (hold) {
            held << reply;
            return;
        }
        reply(HttpReply::json(200,
            { { QStringLiteral("n"), int(seen.size()) }, { QStringLiteral("bytes"), int(exchange.body.size()) },
                { QStringLiteral("url"), exchange.url.toString() },
                { QStringLiteral("body"), QString::fromUtf8(exchange.body) } }));
    }

    qint64 limit = 1024;
    bool hold = false;
    QList<HttpExchange> seen;
    QList<HttpReplier> held;
};

QByteArray post(const QByteArray &path, const QByteArray &body, const QByteArray &extra = {})
{
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n" + extra + "\r\n" + body;
}

struct Served
{
    explicit Served(const HttpListener::Options &options = {})
        : listener(options)
    {
        listener.addRoute(route);
        port = listener.listen();
    }
    EchoRoute route;
    HttpListener listener;
    quint16 port = 0;
};
} // namespace

class TestHttpListener : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oversizedByContentLengthIsRefusedUnread()
    {
        Served s;
        QVERIFY(s.port);
        Client c;
        QVERIFY(c.connectTo(s.port));
        // 50 MB announced, not one byte of it sent: the answer comes from the header alone.
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n\r\n");
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QVERIFY(r->json().value(QStringLiteral("error")).toString().contains(QLatin1String("1024")));
        QVERIFY(c.closedByServer());
        QVERIFY(s.route.seen.isEmpty());
        QCOMPARE(s.listener.refused(), 1);
    }

    void chunkedBodiesAreJoinedAndCutOffAtTheLimit()
    {
        Served s;
        Client ok;
        QVERIFY(ok.connectTo(s.port));
        ok.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
        auto r = ok.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json().value(QStringLiteral("body")).toString(), QStringLiteral("hello, world"));

        Client big;
        QVERIFY(big.connectTo(s.port));
        big.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        const QByteArray chunk = "200\r\n" + QByteArray(512, 'a') + "\r\n";
        big.send(chunk + chunk); // exactly the limit: still reading
        QVERIFY(!big.read(200));
        big.send("1\r\nb\r\n"); // one byte past it, the end never sent
        r = big.read();
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QVERIFY(big.closedByServer());
        QCOMPARE(s.route.seen.size(), 1); // only the first, well-formed one
    }

    void slowBodiesAndSlowHeadersTimeOut()
    {
        HttpListener::Options o;
        o.readTimeoutMs = 300;
        Served s(o);
        Client slowBody;
        QVERIFY(slowBody.connectTo(s.port));
        slowBody.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
        Client slowloris;
        QVERIFY(slowloris.connectTo(s.port));
        QElapsedTimer clock;
        clock.start();
        const QByteArray head = "POST /echo HTTP/1.1\r\nHost: x\r\nX-A: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        std::optional<Response> dripped;
        for (qsizetype i = 0; i < head.size() && !dripped; ++i) {
            slowloris.send(head.mid(i, 1)); // a byte every 50 ms: busy, never done
            dripped = slowloris.read(50);
        }
        QVERIFY(dripped);
        QCOMPARE(dripped->status, 408);
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        const auto r = slowBody.read();
        QVERIFY(r);
        QCOMPARE(r->status, 408);
        QVERIFY(slowBody.closedByServer());
        QVERIFY(s.route.seen.isEmpty());
    }

    void idleConnectionsAreClosed()
    {
        HttpListener::Options o;
        o.idleTimeoutMs = 200;
        Served s(o);
        Client c;
        QVERIFY(c.connectTo(s.port));
        c.send(post("/echo", "x"));
        QVERIFY(c.read());
        QVERIFY(c.closedByServer(3000));
        QTRY_COMPARE(s.listener.connectionCount(), 0);
    }

    void tooManyOrTooLargeHeaders()
    {
        Served s;
        Client many;
        QVERIFY(many.connectTo(s.port));
        QByteArray headers;
        for (int i = 0; i < 100; ++i)
            headers += "X-H" + QByteArray::number(i) + ": v\r\n";
        many.send(post("/echo", "x", headers));
        auto r = many.read();
        QVERIFY(r);
        QCOMPARE(r->status, 431);
        QVERIFY(r->json().value(QStringLiteral("error")).toString().contains(QLatin1String("64")));

        // One huge header that never ends: refused once it passes the limit, not when it ends.
        Client huge;
        QVERIFY(huge.connectTo(s.port));
        huge.send("POST /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20000, 'b'));
        r = huge.read();
        QVERIFY(r);
        QCOMPARE(r->status, 431);
        QVERIFY(huge.closedByServer());
        QVERIFY(s.route.seen.isEmpty());
    }

    void malformedRequestsAndTheRefusalLimit()
    {
        HttpListener::Options o;
        o.refusalLimit = 4;
        Served s(o);
        const QList<QByteArray> malformed { "GET /echo HTTP/1.1 extra\r\n\r\n", "GET echo HTTP/1.1\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\n folded: no\r\n\r\n",
            "POST /echo HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n" };
        for (int i = 0; i < 4; ++i) {
            Client c;
            QVERIFY(c.connectTo(s.port));
            c.send(malformed.at(i));
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 400);
            QVERIFY(!r->json().value(QStringLiteral("error")).toString().isEmpty());
        }
        // Over the limit: even a well-formed request from this address is held off for a while.
        Client c;
        QVERIFY(c.connectTo(s.port));
        c.send(post("/echo", "fine"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 429);
        QVERIFY(r->headers.value("retry-after").toInt() > 0);
        QVERIFY(s.route.seen.isEmpty());
    }

    void keepAliveServesSeveralRequests()
    {
        Served s;
        Client c;
        QVERIFY(c.connectTo(s.port));
        for (int i = 1; i <= 5; ++i) {
            c.send("POST /echo?i=" + QByteArray::number(i)
                + " HTTP/1.1\r\nHost: hooks.example.com:8443\r\nContent-Length: 2\r\n\r\nhi");
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            QCOMPARE(r->json().value(QStringLiteral("n")).toInt(), i);
            // The URL the sender addressed, as HubSpot's v3 signature covers it.
            QCOMPARE(r->json().value(QStringLiteral("url")).toString(),
                QStringLiteral("http://hooks.example.com:8443/echo?i=%1").arg(i));
        }
        QCOMPARE(s.listener.connectionCount(), 1);
        QCOMPARE(c.socket.state(), QAbstractSocket::ConnectedState);
        c.send("GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n");
        const auto missing = c.read();
        QVERIFY(missing);
        QCOMPARE(missing->status, 404);
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        const auto last = c.read();
        QVERIFY(last);
        QCOMPARE(last->status, 200);
        QCOMPARE(last->headers.value("connection"), QByteArray("close"));
        QVERIFY(c.closedByServer());
    }

    void pipelinedAnswersKeepRequestOrder()
    {
        Served s;
        s.route.hold = true;
        Client c;
        QVERIFY(c.connectTo(s.port));
        c.send(post("/echo", "first") + post("/echo", "second") + post("/echo", "third"));
        QTRY_COMPARE(s.route.held.size(), 3);
        // Answered last to first: nothing may leave before the first is answered.
        s.route.held.at(2)(HttpReply::json(200, { { QStringLiteral("body"), QStringLiteral("third") } }));
        s.route.held.at(1)(HttpReply::json(201, { { QStringLiteral("body"), QStringLiteral("second") } }));
        QVERIFY(!c.read(200));
        s.route.held.at(0)(HttpReply::json(202, { { QStringLiteral("body"), QStringLiteral("first") } }));
        s.route.held.at(0)(HttpReply::json(500, {})); // a second answer to one request is ignored
        const QStringList expected { QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("third") };
        for (int i = 0; i < 3; ++i) {
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 202 - i);
            QCOMPARE(r->json().value(QStringLiteral("body")).toString(), expected.at(i));
        }
        QVERIFY(!c.read(100));
    }

    void bufferedBodiesShareOneBudget()
    {
        HttpListener::Options o;
        o.maxBufferedBodyBytes = 4096;
        Served s(o);
        s.route.limit = 4096;
        Client first;
        QVERIFY(first.connectTo(s.port));
        first.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\npartial");
        QTRY_COMPARE(s.listener.connectionCount(), 1);
        Client second;
        QVERIFY(second.connectTo(s.port));
        second.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n");
        const auto r = second.read();
        QVERIFY(r);
        QCOMPARE(r->status, 503);
        QCOMPARE(r->headers.value("retry-after"), QByteArray("1"));
        // The first finishes its body and is served; its share of the budget is free again.
        first.send(QByteArray(3000 - 7, 'p'));
        const auto done = first.read();
        QVERIFY(done);
        QCOMPARE(done->status, 200);
        QCOMPARE(done->json().value(QStringLiteral("bytes")).toInt(), 3000);
        Client third;
        QVERIFY(third.connectTo(s.port));
        third.send(post("/echo", QByteArray(3000, 't')));
        const auto again = third.read();
        QVERIFY(again);
        QCOMPARE(again->status, 200);
    }

    // Today's receiver was not delayed by them, and this keeps it so: 1,000 connections that
    // sent half a request line cost a well-formed request nothing noticeable.
    void halfOpenConnectionsDelayNoOne()
    {
        Served s;
        std::vector<std::unique_ptr<QTcpSocket>> halfOpen;
        for (int i = 0; i < 1000; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, s.port);
            halfOpen.push_back(std::move(socket));
        }
        QTRY_COMPARE_WITH_TIMEOUT(s.listener.connectionCount(), 1000, 20000);
        for (auto &socket : halfOpen)
            socket->write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Le");
        QTest::qWait(100);
        Client c;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(c.connectTo(s.port));
        c.send(post("/echo", "on time"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
        QCOMPARE(s.listener.connectionCount(), 1001); // they were waited for, not dropped
        QCOMPARE(s.route.seen.size(), 1);
    }

    // At the connection cap the stalest idle connection makes room: a flood cannot lock anyone out.
    void theConnectionCapDropsTheStalest()
    {
        HttpListener::Options o;
        o.maxConnections = 100;
        Served s(o);
        std::vector<std::unique_ptr<QTcpSocket>> flood;
        for (int i = 0; i < 300; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, s.port);
            flood.push_back(std::move(socket));
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            std::count_if(flood.cbegin(), flood.cend(),
                [](const auto &socket) { return socket->state() == QAbstractSocket::UnconnectedState; })
                >= 200,
            20000);
        QVERIFY(s.listener.connectionCount() <= 100);
        Client c;
        QVERIFY(c.connectTo(s.port));
        c.send(post("/echo", "let in"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
    }
};

QTEST_GUILESS_MAIN(TestHttpListener)
#include "tst_httplistener.moc"
