#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "OperationArgs.h"
#include "operations/OperationService.h"
#include "operations/RetryRunService.h"
#include "operations/RetryRunWorker.h"
#include "store/Database.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

// `ops plan`, `ops runs …` and `ops groups …`: bulk retries planned first, and the failure
// groups they are usually planned over.
namespace {
using namespace Console;

QJsonObject toJson(const RetryRun &r)
{
    return { { QStringLiteral("id"), r.id }, { QStringLiteral("description"), r.description },
        { QStringLiteral("state"), RetryRun::stateName(r.state) }, { QStringLiteral("plan"), r.plan.toJson() },
        { QStringLiteral("to_send"), r.toSend }, { QStringLiteral("needs_approval"), r.needsApproval },
        { QStringLiteral("planned_by"), r.plannedBy }, { QStringLiteral("confirmed_by"), r.confirmedBy },
        { QStringLiteral("approved_by"), r.approvedBy }, { QStringLiteral("done"), r.done },
        { QStringLiteral("succeeded"), r.succeeded }, { QStringLiteral("failed"), r.failed },
        { QStringLiteral("skipped"), r.skipped }, { QStringLiteral("summary"), r.summary } };
}

QJsonObject toJson(const FailureGroup &g)
{
    return { { QStringLiteral("id"), g.id }, { QStringLiteral("provider"), g.providerId },
        { QStringLiteral("action"), g.action }, { QStringLiteral("error_class"), errorClassName(g.errorClass) },
        { QStringLiteral("normalized"), g.normalized }, { QStringLiteral("sample_error"), g.sampleError },
        { QStringLiteral("state"), FailureGroup::stateName(g.state) }, { QStringLiteral("regressed"), g.regressed },
        { QStringLiteral("first_seen"), g.firstSeen }, { QStringLiteral("last_seen"), g.lastSeen },
        { QStringLiteral("failures"), g.failures }, { QStringLiteral("affected"), g.affected },
        { QStringLiteral("failing"), g.failing } };
}

int printRun(const QCommandLineParser &args, const Result<RetryRun> &run)
{
    if (!run)
        return fail(run.message());
    if (args.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(toJson(run.value())).toJson(QJsonDocument::Indented);
    } else {
        out() << "Retry run " << run->id << " (" << RetryRun::stateName(run->state) << "): " << run->description
              << Qt::endl;
        for (const QString &line : run->plan.explain())
            out() << "  " << line << Qt::endl;
        if (run->state == RetryRun::State::Planned)
            out() << "Nothing was sent. Confirm with `reconsolectl ops runs confirm " << run->id << "`." << Qt::endl;
        else if (run->state == RetryRun::State::AwaitingApproval)
            out() << "Waiting for a second person: `reconsolectl ops runs approve " << run->id << "`." << Qt::endl;
        else
            out() << "  " << run->done << " done (" << run->succeeded << " succeeded, " << run->failed << " failed), "
                  << run->skipped << " skipped, " << run->remaining() << " to go." << Qt::endl;
        if (!run->summary.isEmpty())
            out() << "  " << run->summary << Qt::endl;
    }
    out().flush();
    return 0;
}

Result<OperationsFilter> scopeFrom(const QCommandLineParser &args)
{
    OperationsFilter scope;
    QString unknown;
    if (!parseStates(args.value(QStringLiteral("state")), &scope.states, &unknown))
        return failure(ErrorClass::Input, QStringLiteral("--state: unknown state '%1'.").arg(unknown));
    scope.providerId = args.value(QStringLiteral("provider"));
    scope.action = args.value(QStringLiteral("action"));
    scope.text = args.value(QStringLiteral("search"));
    scope.errorClass = args.value(QStringLiteral("error-class"));
    if (!scope.errorClass.isEmpty() && errorClassFromName(scope.errorClass) == ErrorClass::None)
        return failure(ErrorClass::Input,
            QStringLiteral("--error-class: '%1' is not one; e.g. rate_limited, server, network, timeout.")
                .arg(scope.errorClass));
    if (args.isSet(QStringLiteral("group"))) {
        bool ok = false;
        scope.failureGroupId = args.value(QStringLiteral("group")).toLongLong(&ok);
        if (!ok || scope.failureGroupId <= 0)
            return failure(
                ErrorClass::Input, QStringLiteral("--group must be a failure group's id (ops groups list)."));
    }
    if (args.isSet(QStringLiteral("since"))) {
        const QDateTime since = QDateTime::fromString(args.value(QStringLiteral("since")), Qt::ISODate);
        if (!since.isValid())
            return failure(
                ErrorClass::Input, QStringLiteral("--since must be an ISO 8601 time, e.g. 2026-12-03T14:00."));
        scope.changedSince = since.toMSecsSinceEpoch();
    }
    if (scope == OperationsFilter())
        return failure(ErrorClass::Input,
            QStringLiteral("Say what to retry: --group, --state, --provider, --action, --error-class, --search or "
                           "--since (a plan over every operation is not what anyone means)."));
    return scope;
}

int plan(const QCommandLineParser &args, AppContext &app)
{
    auto scope = scopeFrom(args);
    if (!scope)
        return fail(scope.message(), 2);
    return printRun(args, RetryRunService(app.database(), app.access()).plan(scope.value()));
}

qint64 runId(const QCommandLineParser &args)
{
    return args.positionalArguments().value(0).toLongLong();
}

Status checkRunId(const QCommandLineParser &args)
{
    return runId(args) > 0 ? success()
                           : failure(ErrorClass::Input, QStringLiteral("Give a retry run's id (ops runs list)."));
}

int list(const QCommandLineParser &args, AppContext &app)
{
    auto runs = RetryRunService(app.database(), app.access()).recent();
    if (!runs)
        return fail(runs.message());
    if (args.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const RetryRun &r : runs.value())
            array.append(toJson(r));
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const RetryRun &r : runs.value())
            out() << QStringLiteral("%1  %2  %3/%4  %5\n")
                         .arg(r.id, 5)
                         .arg(RetryRun::stateName(r.state), -17)
                         .arg(r.done + r.skipped)
                         .arg(r.toSend)
                         .arg(r.description);
        if (runs->isEmpty())
            err() << "No retry runs yet; plan one with `reconsolectl ops plan`." << Qt::endl;
    }
    out().flush();
    return 0;
}

// Sends the run's operations from this process until it is finished (no agent needed).
int send(const QCommandLineParser &args, AppContext &app)
{
    const qint64 id = runId(args);
    RetryRunWorker worker(app.database(), app.agentOperations());
    QEventLoop loop;
    QObject::connect(&worker, &RetryRunWorker::finished, &loop, [&](const RetryRun &run) {
        if (run.id == id)
            loop.quit();
    });
    QTimer watch;
    QObject::connect(&watch, &QTimer::timeout, &loop, [&] {
        auto run = RetryRunStore(app.database()).get(id);
        if (!run || (!run->isActive() && worker.inFlight() == 0))
            loop.quit(); // finished elsewhere, cancelled, or never started
    });
    watch.start(500);
    worker.start(200);
    worker.tick();
    loop.exec();
    worker.stop();
    return printRun(args, RetryRunStore(app.database()).get(id));
}

enum class Reason
{
    None,
    Optional,
    Required
};

Command runAction(const QString &name, const QString &summary,
    std::function<Result<RetryRun>(RetryRunService &, qint64, const QString &)> act, Reason reason = Reason::None)
{
    Command c { .name = name,
        .summary = summary,
        .arguments = { { .name = QStringLiteral("ID"), .description = QStringLiteral("Retry run id.") } },
        .json = JsonOutput::OnRequest,
        .check = checkRunId,
        .run = DatabaseHandler([act, reason](const QCommandLineParser &args, AppContext &app) {
            RetryRunService service(app.database(), app.access());
            const QString why = reason == Reason::None ? QString() : args.value(QStringLiteral("reason"));
            return printRun(args, act(service, runId(args), why));
        }) };
    if (reason != Reason::None)
        c.options << Option { .name = QStringLiteral("reason"),
            .description = QStringLiteral("Why (recorded in the audit log)."),
            .valueName = QStringLiteral("text"),
            .required = reason == Reason::Required };
    return c;
}

int groups(const QCommandLineParser &args, AppContext &app)
{
    QList<FailureGroup::State> states;
    for (const QString &word : args.value(QStringLiteral("state")).split(u',', Qt::SkipEmptyParts)) {
        FailureGroup::State s;
        if (!FailureGroup::stateFromName(word.trimmed(), &s))
            return fail(QStringLiteral("--state: '%1' is not open, acknowledged, resolved or ignored.").arg(word), 2);
        states << s;
    }
    auto all = RetryRunService(app.database(), app.access()).groups(states, 0, 1000);
    if (!all)
        return fail(all.message());
    if (args.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const FailureGroup &g : all.value())
            array.append(toJson(g));
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const FailureGroup &g : all.value())
            out() << QStringLiteral("%1  %2%3  %4 failing of %5, %6 failures  %7\n")
                         .arg(g.id, 5)
                         .arg(FailureGroup::stateName(g.state), -12)
                         .arg(g.regressed ? QStringLiteral(" (regression)") : QString())
                         .arg(g.failing)
                         .arg(g.affected)
                         .arg(g.failures)
                         .arg(g.title());
        if (all->isEmpty())
            err() << "No failure groups: nothing has failed yet." << Qt::endl;
    }
    out().flush();
    return 0;
}

Command groupAction(const QString &name, FailureGroup::State state, const QString &summary)
{
    Command c { .name = name,
        .summary = summary,
        .options = { { .name = QStringLiteral("note"),
            .description = QStringLiteral("Why (recorded in the audit log)."),
            .valueName = QStringLiteral("text") } },
        .arguments = { { .name = QStringLiteral("ID"), .description = QStringLiteral("Failure group id.") } },
        .check = checkRunId,
        .run = DatabaseHandler([state](const QCommandLineParser &args, AppContext &app) {
            qint64 until = 0;
            qint64 more = 0;
            const bool ignoring = state == FailureGroup::State::Ignored; // only ignore takes these
            if (ignoring && args.isSet(QStringLiteral("until"))) {
                const QDateTime t = QDateTime::fromString(args.value(QStringLiteral("until")), Qt::ISODate);
                if (!t.isValid())
                    return fail(QStringLiteral("--until must be an ISO 8601 time."), 2);
                until = t.toMSecsSinceEpoch();
            }
            if (ignoring && args.isSet(QStringLiteral("failures")))
                more = args.value(QStringLiteral("failures")).toLongLong();
            Status set = RetryRunService(app.database(), app.access())
                             .setGroupState(runId(args), state, args.value(QStringLiteral("note")), until, more);
            if (!set)
                return fail(set.message());
            out() << "Failure group " << runId(args) << " is " << FailureGroup::stateName(state) << "." << Qt::endl;
            return 0;
        }) };
    if (state == FailureGroup::State::Ignored)
        c.options << Option { .name = QStringLiteral("until"),
            .description = QStringLiteral("Ignored until this ISO 8601 time."),
            .valueName = QStringLiteral("time") }
                  << Option { .name = QStringLiteral("failures"),
                         .description = QStringLiteral("Ignored until this many more failures."),
                         .valueName = QStringLiteral("N") };
    return c;
}
} // namespace

namespace Commands {

Command opsPlan()
{
    auto option = [](const char *name, const char *description, const char *value) {
        return Option {
            .name = QLatin1String(name), .description = QLatin1String(description), .valueName = QLatin1String(value)
        };
    };
    return { .name = QStringLiteral("plan"),
        .summary = QStringLiteral("Plan a bulk retry over a filter or a failure group; nothing is sent."),
        .details = QStringLiteral("Prints what would be sent, what skipped and why, the order, the ETA at each "
                                  "provider's rate limit less its headroom, and what may fail again. The plan is "
                                  "stored as a retry run to confirm (ops runs confirm)."),
        .options = { option("group", "The operations of this failure group (ops groups list).", "ID"),
            option("state", "A state, a comma list, or 'failed'.", "s"), option("provider", "Only this provider.", "p"),
            option("action", "Only this business action.", "a"),
            option("error-class", "Only this last error class: rate_limited, server, network, timeout, …", "c"),
            option("search", "Only those whose entity, external id, error or e-mail contain this.", "text"),
            option("since", "Only those that changed since this ISO 8601 time.", "time") },
        .json = JsonOutput::OnRequest,
        .run = DatabaseHandler(plan) };
}

Command opsRuns()
{
    using S = RetryRunService;
    return { .name = QStringLiteral("runs"),
        .summary = QStringLiteral("Bulk retry runs: list, show, confirm, approve, pause, resume, cancel, send."),
        .subcommands = { { .name = QStringLiteral("list"),
                             .summary = QStringLiteral("The recent runs, newest first."),
                             .json = JsonOutput::OnRequest,
                             .run = DatabaseHandler(list) },
            runAction(QStringLiteral("show"), QStringLiteral("A run's plan and progress."),
                [](S &s, qint64 id, const QString &) { return s.get(id); }),
            runAction(QStringLiteral("confirm"),
                QStringLiteral("Confirm a planned run: it runs, or waits for a second person above its threshold."),
                [](S &s, qint64 id, const QString &) { return s.confirm(id); }),
            runAction(
                QStringLiteral("approve"), QStringLiteral("Approve another person's run (support or admin)."),
                [](S &s, qint64 id, const QString &note) { return s.approve(id, note); }, Reason::Optional),
            runAction(
                QStringLiteral("reject"), QStringLiteral("Reject another person's run, with a reason."),
                [](S &s, qint64 id, const QString &why) { return s.reject(id, why); }, Reason::Required),
            runAction(QStringLiteral("pause"), QStringLiteral("Pause a running run."),
                [](S &s, qint64 id, const QString &) { return s.pause(id); }),
            runAction(QStringLiteral("resume"), QStringLiteral("Resume a paused run."),
                [](S &s, qint64 id, const QString &) { return s.resume(id); }),
            runAction(
                QStringLiteral("cancel"), QStringLiteral("Cancel a run: what has not gone yet is skipped."),
                [](S &s, qint64 id, const QString &why) { return s.cancel(id, why); }, Reason::Required),
            { .name = QStringLiteral("send"),
                .summary = QStringLiteral("Send a running run's operations from here until it is finished."),
                .details = QStringLiteral("What an agent (serve) does anyway; for a database no agent serves. "
                                          "Several may send one run at once: each claims its own part."),
                .arguments = { { .name = QStringLiteral("ID"), .description = QStringLiteral("Retry run id.") } },
                .json = JsonOutput::OnRequest,
                .check = checkRunId,
                .run = DatabaseHandler(send) } } };
}

Command opsGroups()
{
    return { .name = QStringLiteral("groups"),
        .summary = QStringLiteral("Failure groups: failed operations by provider, action, error class and error."),
        .subcommands = { { .name = QStringLiteral("list"),
                             .summary = QStringLiteral("The groups, most recently failing first."),
                             .options = { { .name = QStringLiteral("state"),
                                 .description = QStringLiteral("open, acknowledged, resolved, ignored (a comma list)."),
                                 .valueName = QStringLiteral("s") } },
                             .json = JsonOutput::OnRequest,
                             .run = DatabaseHandler(groups) },
            groupAction(QStringLiteral("ack"), FailureGroup::State::Acknowledged,
                QStringLiteral("Acknowledge a group: someone is on it.")),
            groupAction(QStringLiteral("resolve"), FailureGroup::State::Resolved,
                QStringLiteral("Resolve a group; a new failure reopens it as a regression.")),
            groupAction(QStringLiteral("ignore"), FailureGroup::State::Ignored,
                QStringLiteral("Ignore a group until a time, until more failures, or for ever.")),
            groupAction(QStringLiteral("reopen"), FailureGroup::State::Open, QStringLiteral("Open a group again.")) } };
}

} // namespace Commands
