#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "providers/ProviderService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

// `providers policy show|set|reset`: the agent's automatic retry policies, an admin's (audited).
namespace {
using namespace Console;

QJsonObject toJson(const RetryPolicy &p)
{
    const QJsonArray classes = QJsonArray::fromStringList(p.retriedClassNames());
    return { { QStringLiteral("provider"), p.providerId }, { QStringLiteral("action"), p.action },
        { QStringLiteral("max_attempts"), p.maxAttempts }, { QStringLiteral("base_delay_ms"), p.baseDelayMs },
        { QStringLiteral("max_delay_ms"), p.maxDelayMs }, { QStringLiteral("retried_classes"), classes },
        { QStringLiteral("deadline_ms"), p.deadlineMs }, { QStringLiteral("default"), p.isDefault() },
        { QStringLiteral("updated_by"), p.updatedBy }, { QStringLiteral("updated_at"), p.updatedAt } };
}

QString level(const RetryPolicy &p)
{
    return p.action.isEmpty() ? QStringLiteral("every action") : p.action;
}

int show(const QCommandLineParser &args, AppContext &app)
{
    auto policies = ProviderService(app.database(), app.access()).retryPolicies(args.positionalArguments().first());
    if (!policies)
        return fail(policies.message());
    if (args.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const RetryPolicy &p : policies.value())
            array.append(toJson(p));
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const RetryPolicy &p : policies.value())
            out() << QStringLiteral("%1  %2  (%3)\n")
                         .arg(level(p), -16)
                         .arg(p.describe(),
                             p.isDefault() ? QStringLiteral("the kind's defaults")
                                           : QStringLiteral("set by %1").arg(p.updatedBy));
    }
    out().flush();
    return 0;
}

// Numbers and class names parsed: what needs no database, so a typo exits 2 at once.
Status checkValues(const QCommandLineParser &args)
{
    bool ok = true;
    for (const char *name : { "max-attempts", "base-delay", "max-delay", "deadline-hours" })
        if (args.isSet(QLatin1String(name)) && (args.value(QLatin1String(name)).toDouble(&ok), !ok))
            return failure(ErrorClass::Input, QStringLiteral("--%1 must be a number.").arg(QLatin1String(name)));
    for (const QString &name : args.value(QStringLiteral("retry")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (errorClassFromName(name.trimmed()) == ErrorClass::None)
            return failure(ErrorClass::Input,
                QStringLiteral("--retry: %1 is not an error class; use network, rate_limited, server or timeout.")
                    .arg(name));
    return success();
}

int set(const QCommandLineParser &args, AppContext &app)
{
    ProviderService service(app.database(), app.access());
    const QString id = args.positionalArguments().first();
    const QString action = args.value(QStringLiteral("action"));
    auto policies = service.retryPolicies(id);
    if (!policies)
        return fail(policies.message());
    // What is not given stays as the level it starts from: the action's own, else the provider's.
    RetryPolicy p = policies->first();
    for (const RetryPolicy &candidate : policies.value())
        if (candidate.action == action)
            p = candidate;
    p.action = action;
    auto given = [&](const char *name) { return args.isSet(QLatin1String(name)); };
    auto number = [&](const char *name) { return args.value(QLatin1String(name)).toDouble(); };
    if (given("max-attempts"))
        p.maxAttempts = int(number("max-attempts"));
    if (given("base-delay"))
        p.baseDelayMs = qint64(number("base-delay") * 1000);
    if (given("max-delay"))
        p.maxDelayMs = qint64(number("max-delay") * 1000);
    if (given("deadline-hours"))
        p.deadlineMs = qint64(number("deadline-hours") * 3600000);
    if (given("retry")) {
        p.retriedClasses.clear();
        for (const QString &name : args.value(QStringLiteral("retry")).split(QLatin1Char(','), Qt::SkipEmptyParts))
            p.retriedClasses << errorClassFromName(name.trimmed());
    }
    auto saved = service.setRetryPolicy(p);
    if (!saved)
        return fail(saved.message(), saved.error().errorClass == ErrorClass::Input ? 2 : 1);
    out() << "Retry policy of " << id << " for " << level(saved.value()) << ": " << saved->describe() << "."
          << Qt::endl;
    return 0;
}

int reset(const QCommandLineParser &args, AppContext &app)
{
    ProviderService service(app.database(), app.access());
    const QString id = args.positionalArguments().first();
    const QString action = args.value(QStringLiteral("action"));
    if (Status done = service.resetRetryPolicy(id, action); !done)
        return fail(done.message());
    out() << "Retry policy of " << id << " for " << (action.isEmpty() ? QStringLiteral("every action") : action)
          << " reset: " << (action.isEmpty() ? "the kind's defaults apply." : "the provider's own applies.")
          << Qt::endl;
    return 0;
}

Argument providerId()
{
    return { .name = QStringLiteral("ID"), .description = QStringLiteral("Provider id (see `providers list`).") };
}

Option actionOption()
{
    return { .name = QStringLiteral("action"),
        .description = QStringLiteral("A business action with its own policy (capture_payment, refund, "
                                      "upsert_contact, …); without it, the provider's own."),
        .valueName = QStringLiteral("ACTION") };
}
} // namespace

namespace Commands {

Command providersPolicy()
{
    return { .name = QStringLiteral("policy"),
        .summary = QStringLiteral("The agent's automatic retry policies of a provider: show, set, reset (audited)."),
        .subcommands = { { .name = QStringLiteral("show"),
                             .summary = QStringLiteral("The provider's own policy, then each action's own."),
                             .arguments = { providerId() },
                             .json = JsonOutput::OnRequest,
                             .run = DatabaseHandler(show) },
            { .name = QStringLiteral("set"),
                .summary = QStringLiteral("Set a policy; options not given stay as they are."),
                .details = QStringLiteral("Retries wait a full-jitter draw under base·2^(n−1), capped at the max "
                                          "delay and never under the provider's Retry-After. Past the maximum "
                                          "attempts or the deadline the operation needs attention, with an alert."),
                .options = { actionOption(),
                    { .name = QStringLiteral("max-attempts"),
                        .description = QStringLiteral("Sends in all, the first included (1: no automatic retry)."),
                        .valueName = QStringLiteral("N") },
                    { .name = QStringLiteral("base-delay"),
                        .description = QStringLiteral("The first retry waits up to this long."),
                        .valueName = QStringLiteral("SECONDS") },
                    { .name = QStringLiteral("max-delay"),
                        .description = QStringLiteral("The cap of the backoff."),
                        .valueName = QStringLiteral("SECONDS") },
                    { .name = QStringLiteral("retry"),
                        .description = QStringLiteral("The error classes retried: network, rate_limited, server, "
                                                      "timeout (comma-separated; '' retries nothing)."),
                        .valueName = QStringLiteral("CLASSES") },
                    { .name = QStringLiteral("deadline-hours"),
                        .description = QStringLiteral("No retry later than this after the operation was created."),
                        .valueName = QStringLiteral("HOURS") } },
                .arguments = { providerId() },
                .check = checkValues,
                .run = DatabaseHandler(set) },
            { .name = QStringLiteral("reset"),
                .summary = QStringLiteral("Remove a policy: the level above applies again."),
                .options = { actionOption() },
                .arguments = { providerId() },
                .run = DatabaseHandler(reset) } } };
}

} // namespace Commands
