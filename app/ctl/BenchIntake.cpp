#include "BenchIntake.h"

#include "Console.h"
#include "access/AccessPolicy.h"
#include "credentials/CredentialService.h"
#include "credentials/CredentialStore.h"
#include "intake/IntakeApi.h"
#include "intake/IntakeService.h"
#include "intake/IntakeTokens.h"
#include "keychain/Keychain.h"
#include "operations/IntakeStore.h"
#include "operations/OperationRunner.h"
#include "operations/OperationService.h"
#include "operations/OperationStore.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "sandbox/SandboxServer.h"
#include "store/Database.h"
#include "transport/HttpListener.h"
#include "transport/HttpTransport.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>
#include <vector>

namespace {
using namespace Console;

const QString kProvider = QStringLiteral("bench-payments");

// The intake side of an agent on its own thread, database and port, as `serve` runs it.
struct IntakeServer
{
    std::shared_ptr<Database> db;
    QNetworkAccessManager *network = nullptr;
    HttpTransport *transport = nullptr;
    MemoryKeychain keychain;
    ProviderRegistry *registry = nullptr;
    IntakeService *service = nullptr;
    IntakeTokens *tokens = nullptr;
    IntakeApi *api = nullptr;
    HttpListener *listener = nullptr;

    ~IntakeServer()
    {
        delete listener;
        delete api;
        delete tokens;
        delete service;
        delete registry;
        delete transport;
        delete network;
    }
};

QByteArray operationBody(const QString &run, int n, bool due)
{
    QJsonObject body { { QStringLiteral("action"), QStringLiteral("capture_payment") },
        { QStringLiteral("provider"), kProvider },
        { QStringLiteral("entity"),
            QJsonObject { { QStringLiteral("type"), QStringLiteral("order") },
                { QStringLiteral("id"), QStringLiteral("ORD-%1").arg(n) } } },
        { QStringLiteral("payload"),
            QJsonObject { { QStringLiteral("amount"), 1000 + n % 5000 },
                { QStringLiteral("currency"), QStringLiteral("eur") },
                { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") } } },
        { QStringLiteral("idempotency_key"), QStringLiteral("%1-%2").arg(run).arg(n) } };
    // Only the operations the execution phase sends are due now; the rest wait a day.
    if (!due)
        body.insert(QStringLiteral("not_before"), QDateTime::currentSecsSinceEpoch() + 86400);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

struct Submitted
{
    int accepted = 0;
    int refused = 0;
    qint64 elapsedUs = 0;
    QList<qint64> latenciesUs;
};

// POSTs every body over `senders` raw keep-alive connections (QNetworkAccessManager would
// measure itself, not the agent), the next on a connection as soon as the last is answered.
Result<Submitted> submitAll(quint16 port, const QList<QByteArray> &bodies, const QByteArray &token, int senders)
{
    Submitted result;
    result.latenciesUs.reserve(bodies.size());
    struct Sender
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray buffer;
        qint64 started = 0;
    };
    std::vector<Sender> pool(senders);
    qsizetype next = 0;
    int answered = 0;
    QElapsedTimer clock;
    QEventLoop loop;
    auto sendNext = [&](Sender &s) {
        if (next >= bodies.size())
            return;
        const QByteArray &body = bodies.at(next++);
        s.started = clock.nsecsElapsed();
        s.socket->write("POST /v1/operations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Authorization: Bearer "
            + token + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    };
    for (Sender &s : pool) {
        s.socket = std::make_unique<QTcpSocket>();
        Sender *sender = &s;
        QObject::connect(s.socket.get(), &QTcpSocket::readyRead, s.socket.get(), [&, sender] {
            sender->buffer += sender->socket->readAll();
            for (;;) {
                const qsizetype headerEnd = sender->buffer.indexOf("\r\n\r\n");
                if (headerEnd < 0)
                    return;
                const QByteArray head = sender->buffer.left(headerEnd);
                const qsizetype at = head.toLower().indexOf("content-length:");
                const int length = at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toInt();
                if (sender->buffer.size() < headerEnd + 4 + length)
                    return;
                ++(head.startsWith("HTTP/1.1 202") ? result.accepted : result.refused);
                sender->buffer.remove(0, headerEnd + 4 + length);
                result.latenciesUs << (clock.nsecsElapsed() - sender->started) / 1000;
                if (++answered == bodies.size()) {
                    loop.quit();
                    return;
                }
                sendNext(*sender);
            }
        });
        QObject::connect(s.socket.get(), &QTcpSocket::errorOccurred, &loop, [&] { loop.exit(1); });
        s.socket->connectToHost(QHostAddress::LocalHost, port);
        if (!s.socket->waitForConnected(5000))
            return failure(ErrorClass::Network, QStringLiteral("Cannot connect to the intake API."));
    }
    clock.start();
    for (Sender &s : pool)
        sendNext(s);
    if (loop.exec() != 0)
        return failure(ErrorClass::Network, QStringLiteral("A connection to the intake API failed."));
    result.elapsedUs = clock.nsecsElapsed() / 1000;
    return result;
}

double percentileMs(QList<qint64> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(qMin<qsizetype>(values.size() - 1, qsizetype(values.size() * p))) / 1000.0;
}

// Phase two: the due operations sent through the OperationRunner, on this thread, to a sandbox
// that answers 429 past `rate` requests a second; returns operations finished per second.
struct Executed
{
    int runs = 0;
    int succeeded = 0;
    int sandboxRequests = 0;
    int sandbox429 = 0;
    double perSecond = 0;
};

Result<Executed> execute(const QString &url, SandboxServer &sandbox, int due)
{
    auto db = Database::open(url);
    if (!db)
        return db.error();
    QNetworkAccessManager network;
    HttpTransport transport(&network);
    MemoryKeychain keychain;
    keychain.write(QStringLiteral("bench-key"), QStringLiteral("sk_test_bench_000000000000"), [](Status) {});
    ProviderRegistry registry(*db.value(), transport, keychain);
    OperationRunner runner(*db.value(), registry);
    AccessPolicy access(AccessPolicy::allRoles(), QStringLiteral("agent:bench"));
    OperationService operations(*db.value(), runner, access);
    Executed e;
    QObject::connect(&operations, &OperationService::operationsChanged,
        [&](const QList<qint64> &ids) { e.runs += static_cast<int>(ids.size()); });
    const int requestsBefore = sandbox.requestCount();
    QElapsedTimer clock;
    clock.start();
    operations.runDue(QStringLiteral("agent:bench"));
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (e.runs >= due && operations.dueInFlight() == 0)
            loop.quit();
    });
    poll.start(5);
    QTimer::singleShot(qMax(60000, due * 30), &loop, [&] { loop.exit(1); });
    if (loop.exec() != 0)
        return failure(ErrorClass::Timeout, QStringLiteral("The due operations did not all finish in time."));
    const qint64 elapsedUs = clock.nsecsElapsed() / 1000;
    for (qint64 after = 0;;) {
        auto page = OperationStore(*db.value())
                        .byAction(QStringLiteral("capture_payment"), OperationState::Succeeded, after, 1000);
        if (!page || page->isEmpty())
            break;
        e.succeeded += static_cast<int>(page->size());
        after = page->last().id;
    }
    e.sandboxRequests = sandbox.requestCount() - requestsBefore;
    e.sandbox429 = sandbox.rateLimitedCount();
    // n sends paced at r a second span (n - 1) / r seconds: count the intervals, not the sends.
    e.perSecond = e.runs > 1 ? (e.runs - 1) * 1e6 / elapsedUs : 0;
    return e;
}

int runBenchIntake(const QCommandLineParser &args)
{
    const int total = args.value(QStringLiteral("operations")).toInt();
    const int due = qMin(total, args.value(QStringLiteral("execute")).toInt());
    const int senders = qBound(1, args.value(QStringLiteral("senders")).toInt(), 96);
    const double rate = args.value(QStringLiteral("rate")).toDouble();
    if (total < 1 || due < 0 || rate <= 0)
        return fail(QStringLiteral("--operations and --rate must be positive, --execute 0 or more."), 2);

    SandboxServer sandbox;
    if (!sandbox.start())
        return fail(QStringLiteral("The sandbox did not start."));
    // The sandbox's own bucket takes bursts of a tenth of a second, as providers' limiters do;
    // our provider row sends in bursts of one, so network jitter never looks like a burst.
    sandbox.setRateLimit(rate, qMax(2, qRound(rate / 10)));
    QTemporaryDir dir;
    const QString url = args.isSet(QStringLiteral("database"))
        ? args.value(QStringLiteral("database"))
        : QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("intake.sqlite"));
    const QString run = QStringLiteral("bench-%1").arg(QDateTime::currentMSecsSinceEpoch());
    const QString token = CredentialService::newIntakeTokenSecret();

    // Phase one: the API on its own thread, answering only once each operation is committed.
    QThread thread;
    QObject holder;
    holder.moveToThread(&thread);
    thread.start();
    auto server = std::make_unique<IntakeServer>();
    quint16 port = 0;
    QString problem;
    QMetaObject::invokeMethod(
        &holder,
        [&] {
            auto db = Database::open(url);
            if (!db) {
                problem = db.message();
                return;
            }
            server->db = db.value();
            // The provider's row sets the pace: the token bucket follows its rate, bursts of one.
            ProviderConfig p;
            p.id = kProvider;
            p.kind = QStringLiteral("payments");
            p.displayName = QStringLiteral("Bench payments sandbox");
            p.baseUrl = sandbox.baseUrl();
            p.credentialId = QStringLiteral("bench-key");
            p.ratePerSecond = rate;
            p.burst = 1;
            p.timeoutMs = 10000;
            Credential c;
            c.id = CredentialStore::newId();
            c.environment = QStringLiteral("live");
            c.kind = QStringLiteral("intake-token");
            c.label = run;
            c.fingerprint = QStringLiteral("rci_") + token.right(4);
            c.createdAt = nowMs();
            if (Status s = ProviderStore(*server->db).upsert(p); !s) {
                problem = s.message();
                return;
            }
            if (Status s = CredentialStore(*server->db).insert(c); !s) {
                problem = s.message();
                return;
            }
            server->keychain.write(c.id, token, [](Status) {});
            server->network = new QNetworkAccessManager;
            server->transport = new HttpTransport(server->network);
            server->registry = new ProviderRegistry(*server->db, *server->transport, server->keychain);
            server->service = new IntakeService(*server->db, *server->registry);
            server->tokens = new IntakeTokens(*server->db, server->keychain);
            server->api = new IntakeApi(*server->db, *server->service, *server->tokens);
            server->listener = new HttpListener;
            server->listener->addRoute(*server->api);
            port = server->listener->listen();
        },
        Qt::BlockingQueuedConnection);
    auto stopServer = [&] {
        QMetaObject::invokeMethod(
            &holder, [&] { server.reset(); }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    };
    if (port == 0) {
        stopServer();
        return fail(problem.isEmpty() ? QStringLiteral("The intake API did not start.") : problem);
    }
    QList<QByteArray> bodies;
    bodies.reserve(total);
    for (int n = 0; n < total; ++n)
        bodies << operationBody(run, n, n < due);
    auto submitted = submitAll(port, bodies, token.toUtf8(), senders);
    QString backend;
    qint64 persisted = 0;
    int commits = 0;
    QMetaObject::invokeMethod(
        &holder,
        [&] {
            backend = server->db->dialect().name();
            commits = server->api->commits();
            for (int n = 0; n < total; ++n)
                persisted += IntakeStore(*server->db).byClientKey(QStringLiteral("%1-%2").arg(run).arg(n)).ok();
        },
        Qt::BlockingQueuedConnection);
    stopServer();
    if (!submitted)
        return fail(submitted.message());

    // Phase two.
    Executed executed;
    if (due > 0) {
        auto e = execute(url, sandbox, due);
        if (!e)
            return fail(e.message());
        executed = e.value();
    }
    const double perSecond = submitted->elapsedUs ? total * 1e6 / submitted->elapsedUs : 0;
    const QJsonObject result { { QStringLiteral("backend"), backend }, { QStringLiteral("operations"), total },
        { QStringLiteral("senders"), senders }, { QStringLiteral("accepted_202"), submitted->accepted },
        { QStringLiteral("refused"), submitted->refused }, { QStringLiteral("persisted"), persisted },
        { QStringLiteral("submitted_per_second"), qRound(perSecond) }, { QStringLiteral("group_commits"), commits },
        { QStringLiteral("operations_per_commit"), commits ? qRound(total * 10.0 / commits) / 10.0 : 0.0 },
        { QStringLiteral("p50_answer_ms"), percentileMs(submitted->latenciesUs, 0.5) },
        { QStringLiteral("p99_answer_ms"), percentileMs(submitted->latenciesUs, 0.99) },
        { QStringLiteral("executed"), executed.runs }, { QStringLiteral("succeeded"), executed.succeeded },
        { QStringLiteral("sandbox_limit_per_second"), rate },
        { QStringLiteral("execution_per_second"), qRound(executed.perSecond * 10) / 10.0 },
        { QStringLiteral("execution_vs_limit_percent"), qRound(executed.perSecond * 1000 / rate) / 10.0 },
        { QStringLiteral("sandbox_requests"), executed.sandboxRequests },
        { QStringLiteral("sandbox_429"), executed.sandbox429 } };
    out() << QJsonDocument(result).toJson(QJsonDocument::Indented);
    out().flush();
    const bool withinLimit = due == 0 || (qAbs(executed.perSecond - rate) <= rate * 0.05 && executed.sandbox429 == 0);
    return submitted->accepted == total && persisted == total && withinLimit ? 0 : 1;
}
} // namespace

namespace Commands {

Command benchIntake()
{
    const auto number = [](const char *name, const char *description, const char *byDefault) {
        return Option { .name = QLatin1String(name),
            .description = QLatin1String(description),
            .valueName = QStringLiteral("n"),
            .defaultValue = QLatin1String(byDefault) };
    };
    return { .name = QStringLiteral("intake"),
        .summary = QStringLiteral("Measure the intake API: operations submitted over HTTP, then sent at the limit."),
        .details = QStringLiteral("Concurrent keep-alive clients POST /v1/operations, each answered 202 once "
                                  "committed; prints submitted, persisted and answered per second for the backend "
                                  "--database names (a temporary SQLite file without it). Then --execute of them "
                                  "are sent through the OperationRunner to an in-process sandbox that answers 429 "
                                  "past --rate requests a second, the provider's rate set to the same: prints the "
                                  "execution rate and the 429s."),
        .options = { number("operations", "Operations to submit (default 20000).", "20000"),
            number("senders", "Connections in flight (default 64: a backend's pool of workers).", "64"),
            number("execute", "How many of them to send to the sandbox (default 1000).", "1000"),
            number("rate", "The sandbox's and the provider's requests per second (default 100).", "100") },
        .json = JsonOutput::Always,
        .readsDatabaseUrl = true,
        .run = Handler(runBenchIntake) };
}

} // namespace Commands
