#include "BenchRetry.h"

#include "Console.h"
#include "access/AccessPolicy.h"
#include "keychain/Keychain.h"
#include "operations/OperationRunner.h"
#include "operations/OperationService.h"
#include "operations/OperationStore.h"
#include "operations/RetryRunService.h"
#include "operations/RetryRunWorker.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "sandbox/SandboxServer.h"
#include "store/Database.h"
#include "transport/HttpTransport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTimer>

namespace {
using namespace Console;

const QString kProvider = QStringLiteral("bench-payments");
const QString kKey = QStringLiteral("sk_test_bench_retry_0000000000");

QList<Operation> failedOperations(int n)
{
    QList<Operation> ops;
    ops.reserve(n);
    for (int i = 0; i < n; ++i) {
        Operation op;
        op.action = QStringLiteral("capture_payment");
        op.entityType = QStringLiteral("order");
        op.entityId = QStringLiteral("BENCH-%1").arg(i);
        op.providerId = kProvider;
        op.payload
            = { { QStringLiteral("amount"), 1000 + i % 5000 }, { QStringLiteral("currency"), QStringLiteral("eur") },
                  { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") } };
        op.idempotencyKey = QStringLiteral("bench-retry-%1").arg(i);
        op.state = OperationState::RetryScheduled;
        op.lastErrorClass = ErrorClass::RateLimited;
        op.lastError = QStringLiteral("Too many requests hit the API too quickly (req_%1Qx7).").arg(i);
        op.nextAttemptAt = nowMs() + 24 * 3600 * 1000; // the run sends them, not the due worker
        ops << op;
    }
    return ops;
}

// The bare client: the same requests through one QNetworkAccessManager, `inFlight` at a time,
// as fast as the sandbox answers. What the retry path is measured against.
double rawRequestsPerSecond(const QString &baseUrl, int n, int inFlight)
{
    QNetworkAccessManager network;
    int sent = 0;
    int answered = 0;
    QEventLoop loop;
    QElapsedTimer clock;
    std::function<void()> next = [&] {
        if (sent >= n)
            return;
        QNetworkRequest req(QUrl(baseUrl + QStringLiteral("/v1/payment_intents")));
        req.setRawHeader("Authorization", "Bearer " + kKey.toUtf8());
        req.setRawHeader("Idempotency-Key", QByteArray("bench-raw-") + QByteArray::number(sent));
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
        ++sent;
        QNetworkReply *reply
            = network.post(req, QByteArray("amount=1000&currency=eur&payment_method=pm_card_visa&confirm=true"));
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply] {
            reply->deleteLater();
            if (++answered == n)
                loop.quit();
            else
                next();
        });
    };
    clock.start();
    for (int i = 0; i < inFlight; ++i)
        next();
    loop.exec();
    return n * 1e9 / clock.nsecsElapsed();
}

int runBenchRetry(const QCommandLineParser &args)
{
    const int n = args.value(QStringLiteral("operations")).toInt();
    const double limit = args.value(QStringLiteral("limit")).toDouble();
    const bool planOnly = args.isSet(QStringLiteral("plan-only"));
    if (n < 1 || limit < 0)
        return fail(QStringLiteral("--operations must be positive, --limit 0 (none) or more."), 2);
    SandboxServer sandbox;
    if (!sandbox.start())
        return fail(QStringLiteral("The sandbox did not start."));
    QTemporaryDir dir;
    auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("retry.sqlite")));
    if (!db)
        return fail(db.message());
    ProviderConfig p;
    p.id = kProvider;
    p.kind = QStringLiteral("payments");
    p.displayName = QStringLiteral("Bench payments sandbox");
    p.baseUrl = sandbox.baseUrl();
    p.credentialId = QStringLiteral("bench-key");
    // Paced to the limit in bursts of one, so loopback jitter never looks like a burst; no
    // limit: far above what loopback can do.
    p.ratePerSecond = limit > 0 ? limit : 1e6;
    p.burst = limit > 0 ? 1 : 1000;
    p.retryHeadroomPercent = 0;
    p.bulkApprovalAbove = n;
    if (Status s = ProviderStore(*db.value()).upsert(p); !s)
        return fail(s.message());

    QJsonObject figures { { QStringLiteral("operations"), n } };
    QElapsedTimer clock;
    clock.start();
    if (Status s = OperationStore(*db.value()).insertMany(failedOperations(n)); !s)
        return fail(s.message());
    figures.insert(QStringLiteral("insert_and_group_ms"), clock.elapsed());
    figures.insert(QStringLiteral("grouped_per_second"), qRound64(n * 1e9 / clock.nsecsElapsed()));

    AccessPolicy agent(AccessPolicy::allRoles(), QStringLiteral("agent:bench"));
    RetryRunService runs(*db.value(), agent);
    OperationsFilter scope;
    scope.providerId = kProvider;
    clock.restart();
    auto planned = runs.plan(scope);
    if (!planned)
        return fail(planned.message());
    figures.insert(QStringLiteral("plan_ms"), clock.elapsed());
    figures.insert(QStringLiteral("planned_to_send"), planned->toSend);
    if (planOnly) {
        out() << QJsonDocument(figures).toJson(QJsonDocument::Indented);
        return 0;
    }

    constexpr int kInFlight = 32;
    figures.insert(
        QStringLiteral("raw_requests_per_second"), qRound(rawRequestsPerSecond(sandbox.baseUrl(), n, kInFlight)));
    if (limit > 0) // the provider's own limit, bursts of a tenth of a second: a 429 past it
        sandbox.setRateLimit(limit, qMax(2, qRound(limit / 10)));

    QNetworkAccessManager network;
    HttpTransport transport(&network);
    MemoryKeychain keychain;
    keychain.write(p.credentialId, kKey, [](Status) {});
    ProviderRegistry registry(*db.value(), transport, keychain);
    OperationRunner runner(*db.value(), registry);
    OperationService operations(*db.value(), runner, agent);
    RetryRunWorker worker(*db.value(), operations);
    worker.setMaxInFlight(kInFlight);
    if (auto confirmed = runs.confirm(planned->id); !confirmed)
        return fail(confirmed.message());
    const int requestsBefore = sandbox.requestCount();
    QEventLoop loop;
    QObject::connect(&worker, &RetryRunWorker::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(qMax(120000, n * 50), &loop, [&] { loop.exit(1); });
    clock.restart();
    worker.start(20);
    worker.tick();
    if (loop.exec() != 0)
        return fail(QStringLiteral("The run did not finish in time."));
    const qint64 elapsedNs = clock.nsecsElapsed();
    worker.stop();
    const RetryRun run = runs.get(planned->id).value();
    figures.insert(QStringLiteral("retried_per_second"), qRound(n * 1e9 / elapsedNs));
    figures.insert(QStringLiteral("retried_vs_raw"),
        figures.value(QStringLiteral("retried_per_second")).toDouble()
            / figures.value(QStringLiteral("raw_requests_per_second")).toDouble());
    figures.insert(QStringLiteral("succeeded"), run.succeeded);
    figures.insert(QStringLiteral("failed"), run.failed);
    if (limit > 0) {
        const int requests = sandbox.requestCount() - requestsBefore;
        // n requests paced at r a second span (n - 1) / r seconds: count the intervals.
        figures.insert(QStringLiteral("limit"), limit);
        figures.insert(QStringLiteral("achieved_per_second"), (requests - 1) * 1e9 / elapsedNs);
        figures.insert(QStringLiteral("answered_429"), sandbox.rateLimitedCount());
    }
    out() << QJsonDocument(figures).toJson(QJsonDocument::Indented);
    return run.succeeded == n ? 0 : 1;
}
} // namespace

namespace Commands {

Command benchRetry()
{
    return { .name = QStringLiteral("retry"),
        .summary = QStringLiteral("Measure a bulk retry: N failed operations grouped, planned and sent."),
        .details = QStringLiteral("Against an in-process sandbox over loopback: the failures written and grouped, "
                                  "the plan, the same requests from a bare client, then the run by the agent's "
                                  "worker; with --limit, the provider limits to that rate and the run must keep "
                                  "under it without a 429. --plan-only stops after the plan."),
        .options = { { .name = QStringLiteral("operations"),
                         .description = QStringLiteral("Failed operations (default 2000)."),
                         .valueName = QStringLiteral("N"),
                         .defaultValue = QStringLiteral("2000") },
            { .name = QStringLiteral("limit"),
                .description = QStringLiteral("The provider's rate limit, per second (default: none)."),
                .valueName = QStringLiteral("PER_SECOND"),
                .defaultValue = QStringLiteral("0") },
            { .name = QStringLiteral("plan-only"), .description = QStringLiteral("Group and plan; send nothing.") } },
        .json = JsonOutput::Always,
        .run = Handler(runBenchRetry) };
}

} // namespace Commands
