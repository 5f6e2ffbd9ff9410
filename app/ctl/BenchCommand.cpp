#include "BenchImport.h"
#include "BenchIntake.h"
#include "BenchReconcile.h"
#include "BenchRetry.h"
#include "BenchWorkspace.h"
#include "Commands.h"
#include "Console.h"
#include "events/EventStore.h"
#include "keychain/Keychain.h"
#include "operations/OperationStore.h"
#include "operations/OperationsModel.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "records/CustomerStore.h"
#include "records/DriftScanner.h"
#include "sandbox/DemoData.h"
#include "sandbox/SandboxServer.h"
#include "store/Database.h"
#include "transport/HttpListener.h"
#include "transport/HttpTransport.h"
#include "webhooks/WebhookReceiver.h"
#include "webhooks/WebhookVerifier.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>
#include <vector>

namespace {
using namespace Console;

// Runs the event loop until `signal` fires (true) or `timeoutMs` passes (false).
template <typename Signal> bool waitFor(const OperationsModel &model, Signal signal, int timeoutMs = 60000)
{
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, [&loop] { loop.exit(1); });
    QObject::connect(&model, signal, &loop, [&loop] { loop.exit(0); });
    QObject::connect(&model, &OperationsModel::loadFailed, &loop, [&loop](const QString &message) {
        err() << message << Qt::endl;
        loop.exit(1);
    });
    return loop.exec() == 0;
}

// The n-th generated row's idempotency key; the prefix also tells rows of an older generator.
QString benchKey(qint64 n)
{
    return QStringLiteral("bench3-%1").arg(n);
}

Status ensureRows(const QString &url, qint64 rows, bool mayRecreate)
{
    auto db = Database::open(url);
    if (!db)
        return db.error();
    OperationStore store(*db.value());
    auto count = store.count();
    if (!count)
        return count.error();
    const bool ours = count.value() == 0 || store.byIdempotencyKey(benchKey(0));
    if (count.value() == rows && ours)
        return success();
    if (count.value() != 0) {
        if (!mayRecreate)
            return failure(ErrorClass::Input,
                QStringLiteral("%1 holds %2 operations, not %3 of this bench's; give an empty database.")
                    .arg(url)
                    .arg(count.value())
                    .arg(rows));
        const QString path = db.value()->location().path;
        db.value().reset(); // release the file before removing it
        for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
            QFile::remove(path + suffix);
        return ensureRows(url, rows, false);
    }
    err() << "Generating " << rows << " operations (once; later runs reuse the file)…" << Qt::endl;
    DemoData data;
    constexpr int kChunk = 20000;
    const qint64 now = nowMs();
    for (qint64 done = 0; done < rows; done += kChunk) {
        QList<Operation> chunk = data.operations(static_cast<int>(qMin<qint64>(kChunk, rows - done)));
        for (int i = 0; i < chunk.size(); ++i) {
            Operation &op = chunk[i];
            const qint64 n = done + i;
            op.idempotencyKey = benchKey(n);
            op.entityId = QStringLiteral("ORD-%1").arg(1000000 + n);
            op.createdAt = op.updatedAt = now - (rows - n) * 1000;
            // Every provider id and e-mail its own, as in real data, so searching one finds one;
            // ids look like the provider's, random after the prefix (pi_3QxK9a2eZvKYlo2C).
            if (!op.externalId.isEmpty()) {
                QRandomGenerator id(static_cast<quint32>(n));
                op.externalId = op.externalId.left(3) + QString::number(id.generate64() & 0x7fffffffffffffffLL, 36)
                    + QString::number(id.generate64() & 0xffffffffLL, 36);
            }
            const QString email = op.payload.value(QStringLiteral("customer_email")).toString();
            if (!email.isEmpty())
                op.payload[QStringLiteral("customer_email")] = email.section(QLatin1Char('@'), 0, 0)
                    + QStringLiteral("_%1@").arg(n) + email.section(QLatin1Char('@'), 1);
        }
        Status inserted = store.insertMany(chunk);
        if (!inserted)
            return inserted;
    }
    return success();
}

// A provider id and an e-mail that the generated rows hold, from a row past the middle.
Status searchTargets(const Database &db, qint64 rows, QString *providerId, QString *email)
{
    OperationStore store(db);
    for (qint64 n = rows * 2 / 3; n < rows && (providerId->isEmpty() || email->isEmpty()); ++n) {
        auto op = store.byIdempotencyKey(benchKey(n));
        if (!op)
            return op.error();
        if (providerId->isEmpty() && op->externalId.startsWith(QLatin1String("pi_")))
            *providerId = op->externalId;
        if (email->isEmpty())
            *email = op->payload.value(QStringLiteral("customer_email")).toString();
    }
    return success();
}

int benchTable(const QCommandLineParser &args)
{
    bool ok = false;
    const qint64 rows = args.value(QStringLiteral("rows")).toLongLong(&ok);
    if (!ok || rows < 1)
        return fail(QStringLiteral("--rows must be a positive number."), 2);
    const bool ownFile = !args.isSet(QStringLiteral("database"));
    const QString url = ownFile ? QDir::temp().filePath(QStringLiteral("reconsole-bench-%1.sqlite").arg(rows))
                                : args.value(QStringLiteral("database"));
    Status ready = ensureRows(url, rows, ownFile);
    if (!ready)
        return fail(ready.message());

    QJsonObject result { { QStringLiteral("rows"), rows }, { QStringLiteral("database"), url } };
    QElapsedTimer clock;
    clock.start();
    auto db = Database::open(url);
    if (!db)
        return fail(db.message());
    result.insert(QStringLiteral("backend"), db.value()->dialect().name());
    QString providerId;
    QString email;
    if (Status found = searchTargets(*db.value(), rows, &providerId, &email); !found)
        return fail(found.message());
    clock.restart(); // the look-up above is the bench's, not the console's
    OperationsModel model(db.value());
    if (!waitFor(model, &OperationsModel::firstPageReady))
        return fail(QStringLiteral("The first page did not arrive."));
    result.insert(QStringLiteral("open_and_first_page_ms"), clock.elapsed());
    if (!model.isReady() && !waitFor(model, &OperationsModel::ready))
        return fail(QStringLiteral("The count did not arrive."));
    result.insert(QStringLiteral("count_ready_ms"), clock.elapsed());
    if (!model.hasAnchors() && !waitFor(model, &OperationsModel::anchorsLoaded))
        return fail(QStringLiteral("The page index did not arrive."));
    result.insert(QStringLiteral("page_index_ready_ms"), clock.elapsed());

    const int middle = model.rowCount() / 2;
    clock.restart();
    model.data(model.index(middle, 0));
    if (!model.isRowLoaded(middle) && !waitFor(model, &OperationsModel::pageLoaded))
        return fail(QStringLiteral("The middle page did not arrive."));
    result.insert(QStringLiteral("jump_to_middle_ms"), clock.elapsed());

    // One step: the first page (what the table shows), then the count (what the label says).
    auto timeReset = [&](const QString &name, auto change) {
        clock.restart();
        change();
        if (!waitFor(model, &OperationsModel::firstPageReady))
            return false;
        const qint64 firstPage = clock.elapsed();
        if (!model.isReady() && !waitFor(model, &OperationsModel::ready))
            return false;
        result.insert(name,
            QJsonObject { { QStringLiteral("first_page_ms"), firstPage },
                { QStringLiteral("count_ready_ms"), clock.elapsed() },
                { QStringLiteral("matches"), model.rowCount() } });
        return true;
    };
    auto search = [](const QString &text) {
        OperationsFilter f;
        f.text = text;
        return f;
    };
    OperationsFilter failed;
    failed.states = OperationStates::needingAction();
    const QList<std::pair<QString, OperationsFilter>> filters {
        { QStringLiteral("filter_state"), failed },
        { QStringLiteral("search_substring_many"), search(QStringLiteral("ORD-15")) },
        { QStringLiteral("search_substring_few"), search(QStringLiteral("rd-17777")) },
        { QStringLiteral("search_provider_id"), search(providerId) },
        { QStringLiteral("search_email"), search(email) },
        { QStringLiteral("search_short"), search(QStringLiteral("q7")) },
        { QStringLiteral("clear_filter"), {} },
    };
    result.insert(QStringLiteral("searched"),
        QJsonObject { { QStringLiteral("provider_id"), providerId }, { QStringLiteral("email"), email } });
    for (const auto &[name, filter] : filters)
        if (!timeReset(name, [&] { model.setFilter(filter); }))
            return fail(QStringLiteral("A reload did not finish (%1).").arg(name));
    const bool sorted = timeReset(QStringLiteral("sort"), [&] {
        model.sort(static_cast<int>(OperationsColumn::Attempts), Qt::DescendingOrder);
    }) && timeReset(QStringLiteral("sort_filtered"), [&] { model.setFilter(failed); });
    if (!sorted)
        return fail(QStringLiteral("A reload did not finish (sort)."));
    result.insert(QStringLiteral("peak_rss_mb"), peakRssMb());
    out() << QJsonDocument(result).toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}
int benchWebhooks(const QCommandLineParser &args)
{
    const int total = args.value(QStringLiteral("events")).toInt();
    const int senders = qBound(1, args.value(QStringLiteral("senders")).toInt(), 96);
    if (total < 1)
        return fail(QStringLiteral("--events must be a positive number."), 2);
    WebhookReceiver::GroupCommit groupCommit;
    groupCommit.windowMs = args.value(QStringLiteral("commit-window")).toInt();
    groupCommit.maxDeliveries = args.value(QStringLiteral("commit-max")).toInt();
    if (groupCommit.windowMs < 0 || groupCommit.maxDeliveries < 1)
        return fail(QStringLiteral("--commit-window must be 0 or more, --commit-max 1 or more."), 2);

    // The receiver runs on its own thread with its own database, as the agent would: a file in
    // the temporary folder, or the database --database names (its events of earlier runs stay;
    // this run's have a source of their own).
    QTemporaryDir dir;
    const QString url = args.isSet(QStringLiteral("database"))
        ? args.value(QStringLiteral("database"))
        : QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("webhooks.sqlite"));
    const QString source = QStringLiteral("bench-%1").arg(QDateTime::currentMSecsSinceEpoch());
    const QString secret = QStringLiteral("whsec_benchSecret_0123456789abcdef");
    QThread thread;
    std::atomic<int> port { 0 };
    std::atomic<int> processed { 0 };
    QObject holder;
    holder.moveToThread(&thread);
    thread.start();
    std::shared_ptr<Database> receiverDb;
    WebhookReceiver *receiver = nullptr;
    HttpListener *listener = nullptr;
    QString problem;
    QMetaObject::invokeMethod(
        &holder,
        [&] {
            auto db = Database::open(url);
            if (!db) {
                problem = db.message();
                return;
            }
            receiverDb = db.value();
            receiver = new WebhookReceiver(*receiverDb);
            receiver->setSecrets(source, { secret });
            receiver->setGroupCommit(groupCommit);
            QObject::connect(receiver, &WebhookReceiver::processed, receiver, [&](int n) { processed += n; });
            listener = new HttpListener;
            listener->addRoute(*receiver);
            port = listener->listen();
            receiver->start();
        },
        Qt::BlockingQueuedConnection);
    if (port == 0) {
        thread.quit();
        thread.wait();
        return fail(problem.isEmpty() ? QStringLiteral("The receiver did not start.") : problem);
    }

    // Raw keep-alive HTTP/1.1 connections: QNetworkAccessManager itself tops out near 3,000
    // requests a second on this machine, which would measure the client, not the receiver.
    QList<qint64> latencies;
    latencies.reserve(total);
    int sent = 0;
    int answered = 0;
    int failed = 0;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    struct Sender
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray buffer;
        qint64 started = 0;
    };
    std::vector<Sender> pool(senders);
    auto sendNext = [&](Sender &s) {
        if (sent >= total)
            return;
        const int n = sent++;
        const int eventNumber = n % 10 == 9 ? n - 1 : n; // every tenth delivery repeats the one before
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QByteArray body
            = QStringLiteral(R"({"id":"evt_%3_%1","object":"event","type":"payment_intent.succeeded",)"
                             R"("created":%2,"data":{"object":{"id":"pi_bench_%1","object":"payment_intent"}}})")
                  .arg(eventNumber)
                  .arg(now)
                  .arg(source)
                  .toUtf8();
        s.started = clock.nsecsElapsed();
        s.socket->write("POST /webhooks/" + source.toUtf8()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              "Stripe-Signature: "
            + WebhookVerifier::signStripe(body, secret, now) + "\r\nContent-Length: " + QByteArray::number(body.size())
            + "\r\n\r\n" + body);
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
                const qsizetype lengthAt = head.toLower().indexOf("content-length:");
                const int length = lengthAt < 0
                    ? 0
                    : head.mid(lengthAt + 15, head.indexOf('\r', lengthAt) - lengthAt - 15).trimmed().toInt();
                if (sender->buffer.size() < headerEnd + 4 + length)
                    return;
                if (!head.startsWith("HTTP/1.1 200"))
                    ++failed;
                sender->buffer.remove(0, headerEnd + 4 + length);
                latencies << (clock.nsecsElapsed() - sender->started) / 1000;
                if (++answered == total) {
                    loop.quit();
                    return;
                }
                sendNext(*sender);
            }
        });
        QObject::connect(s.socket.get(), &QTcpSocket::errorOccurred, &loop, [&] { loop.exit(1); });
        s.socket->connectToHost(QHostAddress::LocalHost, static_cast<quint16>(port.load()));
        if (!s.socket->waitForConnected(5000))
            return fail(QStringLiteral("Cannot connect to the receiver."));
        s.socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); // as providers' HTTP clients do
    }
    clock.restart();
    for (Sender &s : pool)
        sendNext(s);
    if (loop.exec() != 0)
        return fail(QStringLiteral("A connection to the receiver failed."));
    const qint64 elapsedUs = clock.nsecsElapsed() / 1000;
    QElapsedTimer drain;
    drain.start();
    const int unique = total - total / 10;
    while (processed.load() < unique && drain.elapsed() < 60000)
        QThread::msleep(5);
    const qint64 drainedUs = clock.nsecsElapsed() / 1000;
    qint64 stored = 0;
    int commits = 0;
    QString backend;
    QMetaObject::invokeMethod(
        &holder,
        [&] {
            stored = EventStore(*receiverDb).list(source, {}, std::numeric_limits<int>::max())->size();
            commits = receiver->commits();
            backend = receiverDb->dialect().name();
            delete listener;
            delete receiver;
            receiverDb.reset();
        },
        Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();

    std::sort(latencies.begin(), latencies.end());
    auto percentile = [&](double p) {
        return latencies.isEmpty()
            ? 0.0
            : latencies.at(qMin<qsizetype>(latencies.size() - 1, qsizetype(latencies.size() * p))) / 1000.0;
    };
    const QJsonObject result { { QStringLiteral("backend"), backend }, { QStringLiteral("deliveries"), total },
        { QStringLiteral("unique_events"), unique }, { QStringLiteral("stored_events"), stored },
        { QStringLiteral("non_2xx"), failed }, { QStringLiteral("senders"), senders },
        { QStringLiteral("deliveries_per_second"), qRound(total * 1e6 / elapsedUs) },
        { QStringLiteral("stored_events_per_second"), qRound(unique * 1e6 / elapsedUs) },
        { QStringLiteral("processed_all_after_ms"), drainedUs / 1000 }, { QStringLiteral("group_commits"), commits },
        { QStringLiteral("deliveries_per_commit"), commits ? qRound(total * 10.0 / commits) / 10.0 : 0.0 },
        { QStringLiteral("commit_window_ms"), groupCommit.windowMs },
        { QStringLiteral("commit_max"), groupCommit.maxDeliveries },
        { QStringLiteral("p50_answer_ms"), percentile(0.50) }, { QStringLiteral("p99_answer_ms"), percentile(0.99) },
        { QStringLiteral("max_answer_ms"), percentile(1.0) }, { QStringLiteral("peak_rss_mb"), peakRssMb() } };
    out() << QJsonDocument(result).toJson(QJsonDocument::Indented);
    out().flush();
    return stored == unique && failed == 0 ? 0 : 1;
}
// `records` contacts at the sandbox CRM and linked customers of ours, one in twenty with
// another phone number there.
Status seedContacts(Database &db, SandboxServer &sandbox, const ProviderConfig &crm, int records)
{
    if (Status stored = ProviderStore(db).upsert(crm); !stored)
        return stored;
    CustomerStore customers(db);
    Transaction tx(db.connection());
    for (int i = 0; i < records; ++i) {
        const QString email = QStringLiteral("c%1@example.com").arg(i);
        const QString phone = i % 20 == 0 ? QStringLiteral("+2") : QStringLiteral("+1");
        const QString contact = sandbox.crm().addContact({ { QStringLiteral("email"), email },
            { QStringLiteral("reconsole_access"), QStringLiteral("basic") }, { QStringLiteral("phone"), phone } });
        const QString ours = QStringLiteral("CUS-%1").arg(i);
        Status linked = customers.upsert(
            ours, { { QStringLiteral("email"), email }, { QStringLiteral("phone"), QStringLiteral("+1") } });
        if (linked)
            linked = customers.linkExternal(QStringLiteral("customer"), ours, crm.id, contact);
        if (!linked)
            return linked;
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the bench's contacts."));
    return success();
}

// One drift scan of `records` contacts against an in-process sandbox CRM; returns its seconds.
Result<double> timedDriftScan(int records, int perInterval, int intervalMs, int perSecond, int *drifted, int *throttled)
{
    QTemporaryDir dir;
    auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("drift.sqlite")));
    if (!db)
        return db.error();
    SandboxServer sandbox;
    if (!sandbox.start())
        return failure(ErrorClass::Network, QStringLiteral("The sandbox did not start."));
    ProviderConfig crm { QStringLiteral("crm"), QStringLiteral("crm"), QStringLiteral("CRM"), sandbox.baseUrl(),
        QStringLiteral("crm-token"), 1000, 1000, 10000 };
    if (Status seeded = seedContacts(*db.value(), sandbox, crm, records); !seeded)
        return seeded.error();
    sandbox.crm().setRateLimit(perInterval, intervalMs, perSecond);
    QNetworkAccessManager network;
    HttpTransport transport(&network);
    MemoryKeychain credentials;
    credentials.write(crm.credentialId, QStringLiteral("pat-na1-bench"), [](Status) {});
    ProviderRegistry registry(*db.value(), transport, credentials);
    DriftScanner scanner(*db.value(), registry);
    std::optional<Result<DriftReport>> report;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    scanner.scan(QStringLiteral("contact"), crm.id, true, [&](Result<DriftReport> r) {
        report = r;
        loop.quit();
    });
    if (!report)
        loop.exec();
    const double seconds = clock.nsecsElapsed() / 1e9;
    if (!*report)
        return report->error();
    *drifted = static_cast<int>(report->value().drifted.size());
    *throttled = sandbox.crm().throttled();
    return seconds;
}

int benchDrift(const QCommandLineParser &args)
{
    const int records = args.value(QStringLiteral("records")).toInt();
    if (records < 100)
        return fail(QStringLiteral("--records must be at least 100."), 2);
    int drifted = 0;
    int throttled = 0;
    auto unlimited = timedDriftScan(records, 0, 10000, 0, &drifted, &throttled);
    if (!unlimited)
        return fail(unlimited.message());
    // HubSpot's default for private apps: 100 requests per 10 s, of which 10 a second.
    constexpr int kPerInterval = 100;
    constexpr int kIntervalMs = 10000;
    constexpr int kPerSecond = 10;
    int limitedDrifted = 0;
    auto limited = timedDriftScan(records, kPerInterval, kIntervalMs, kPerSecond, &limitedDrifted, &throttled);
    if (!limited)
        return fail(limited.message());
    // What the limits allow for `requests` pages sent evenly: one every 1/secondly s, and no
    // more than perInterval in any interval.
    const int requests = (records + 99) / 100;
    const double allowed = qMax((requests - 1) / double(kPerSecond),
        requests > kPerInterval ? (requests - kPerInterval) * kIntervalMs / 1000.0 / kPerInterval : 0.0);
    const QJsonObject result { { QStringLiteral("records"), records }, { QStringLiteral("drifted"), drifted },
        { QStringLiteral("records_per_second_unlimited"), qRound(records / unlimited.value()) },
        { QStringLiteral("limited_requests"), requests },
        { QStringLiteral("limited_scan_seconds"), qRound(limited.value() * 100) / 100.0 },
        { QStringLiteral("limit_allows_seconds"), qRound(allowed * 100) / 100.0 },
        { QStringLiteral("limited_drifted"), limitedDrifted }, { QStringLiteral("answered_429"), throttled } };
    out() << QJsonDocument(result).toJson(QJsonDocument::Indented);
    out().flush();
    return drifted == limitedDrifted ? 0 : 1;
}
} // namespace

namespace Commands {

Command bench()
{
    const auto count = [](const QString &name, const QString &description, const QString &byDefault) {
        return Option {
            .name = name, .description = description, .valueName = QStringLiteral("n"), .defaultValue = byDefault
        };
    };
    return { .name = QStringLiteral("bench"),
        .summary = QStringLiteral("Measurements, printed as JSON."),
        .subcommands
        = { { .name = QStringLiteral("table"),
                .summary = QStringLiteral("Measure the operations table over N rows."),
                .details = QStringLiteral(
                    "Open and first page, count and page index, jump to the middle, filter by state, search (a "
                    "substring, "
                    "a provider id, an e-mail, two characters), sort, peak memory, for the backend --database "
                    "names. Without --database the rows go to a file in the temporary folder, kept for later "
                    "runs."),
                .options = { count(QStringLiteral("rows"), QStringLiteral("Rows in the table (default 1000000)."),
                    QStringLiteral("1000000")) },
                .json = JsonOutput::Always,
                .readsDatabaseUrl = true,
                .run = Handler(benchTable) },
            { .name = QStringLiteral("webhooks"),
                .summary = QStringLiteral("Measure the webhook receiver: signed deliveries over loopback."),
                .details = QStringLiteral("Concurrent keep-alive senders, one delivery in ten a duplicate, each "
                                          "answered once its group commit is on disk; prints verified, "
                                          "deduplicated, persisted events per second and answer latency, for the "
                                          "backend --database names (a temporary SQLite file without it)."),
                .options = { count(QStringLiteral("events"), QStringLiteral("Deliveries to send (default 20000)."),
                                 QStringLiteral("20000")),
                    count(QStringLiteral("senders"), QStringLiteral("Connections in flight (default 16)."),
                        QStringLiteral("16")),
                    { .name = QStringLiteral("commit-window"),
                        .description = QStringLiteral("Milliseconds a delivery waits for others to share its "
                                                      "commit (default %1).")
                                           .arg(WebhookReceiver::GroupCommit().windowMs),
                        .valueName = QStringLiteral("ms"),
                        .defaultValue = QString::number(WebhookReceiver::GroupCommit().windowMs) },
                    count(QStringLiteral("commit-max"),
                        QStringLiteral("Deliveries in one commit at most (default %1).")
                            .arg(WebhookReceiver::GroupCommit().maxDeliveries),
                        QString::number(WebhookReceiver::GroupCommit().maxDeliveries)) },
                .json = JsonOutput::Always,
                .readsDatabaseUrl = true,
                .run = Handler(benchWebhooks) },
            benchIntake(), benchImport(), benchReconcile(), benchWorkspace(), benchRetry(),
            { .name = QStringLiteral("drift"),
                .summary = QStringLiteral("Measure a drift scan, without a rate limit and with HubSpot's."),
                .details
                = QStringLiteral("Scans N contacts against an in-process sandbox CRM; prints records per second "
                                 "and the limited scan's time."),
                .options = { count(QStringLiteral("records"), QStringLiteral("Contacts to compare (default 5000)."),
                    QStringLiteral("5000")) },
                .json = JsonOutput::Always,
                .run = Handler(benchDrift) } } };
}

} // namespace Commands
