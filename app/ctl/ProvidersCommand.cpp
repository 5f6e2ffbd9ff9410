#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "providers/ProviderRules.h"
#include "providers/ProviderService.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

QJsonObject toJson(const ProviderConfig &p)
{
    return { { QStringLiteral("id"), p.id }, { QStringLiteral("kind"), p.kind },
        { QStringLiteral("name"), p.displayName }, { QStringLiteral("base_url"), p.baseUrl },
        { QStringLiteral("environment"), p.environment }, { QStringLiteral("enabled"), p.enabled },
        { QStringLiteral("rate_per_second"), p.ratePerSecond }, { QStringLiteral("burst"), p.burst },
        { QStringLiteral("timeout_ms"), p.timeoutMs }, { QStringLiteral("purpose"), p.purpose },
        { QStringLiteral("owner"), p.owner }, { QStringLiteral("credential"), p.credentialId },
        { QStringLiteral("extra_ca_pem"), p.extraCaPem },
        { QStringLiteral("retry_headroom_percent"), p.retryHeadroomPercent },
        { QStringLiteral("idempotency_window_hours"), p.idempotencyWindowHours },
        { QStringLiteral("bulk_approval_above"), p.bulkApprovalAbove },
        { QStringLiteral("event_types"), QJsonArray::fromStringList(ProviderService::eventTypes(p.kind)) } };
}

int list(const QCommandLineParser &args, AppContext &app)
{
    auto all = ProviderService(app.database(), app.access()).all();
    if (!all)
        return fail(all.message());
    if (args.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const ProviderConfig &p : all.value())
            array.append(toJson(p));
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const ProviderConfig &p : all.value())
            out() << QStringLiteral("%1  %2  %3  %4  %5  %6/s burst %7  %8\n")
                         .arg(p.id, -18)
                         .arg(p.kind, -8)
                         .arg(p.environment, -4)
                         .arg(p.enabled ? QStringLiteral("enabled") : QStringLiteral("disabled"), -8)
                         .arg(p.baseUrl, -28)
                         .arg(p.ratePerSecond)
                         .arg(p.burst)
                         .arg(p.displayName);
        if (all->isEmpty())
            err() << "No providers yet; add one with `reconsolectl providers add`." << Qt::endl;
    }
    out().flush();
    return 0;
}

// Number options parsed, the CA file read: what needs no database, so a typo exits 2 at once.
Status checkValues(const QCommandLineParser &args)
{
    bool ok = true;
    if (args.isSet(QStringLiteral("rate")) && (args.value(QStringLiteral("rate")).toDouble(&ok), !ok))
        return failure(ErrorClass::Input, QStringLiteral("--rate must be a number of requests per second."));
    for (const char *name : { "burst", "timeout-ms", "headroom", "idempotency-window-hours", "approve-bulk-above" }) {
        if (args.isSet(QLatin1String(name)) && (args.value(QLatin1String(name)).toInt(&ok), !ok))
            return failure(ErrorClass::Input, QStringLiteral("--%1 must be a whole number.").arg(QLatin1String(name)));
    }
    const QString ca = args.value(QStringLiteral("extra-ca"));
    if (!ca.isEmpty() && !QFile::exists(ca))
        return failure(ErrorClass::Input, QStringLiteral("--extra-ca: there is no file %1.").arg(ca));
    return success();
}

// The given options over `p` (the stored provider for edit, the kind's defaults for add).
Result<ProviderConfig> apply(const QCommandLineParser &args, ProviderConfig p)
{
    auto given = [&](const char *name) { return args.isSet(QLatin1String(name)); };
    auto value = [&](const char *name) { return args.value(QLatin1String(name)); };
    if (given("kind"))
        p.kind = value("kind");
    if (given("base-url"))
        p.baseUrl = value("base-url");
    if (given("environment"))
        p.environment = value("environment");
    if (given("name"))
        p.displayName = value("name");
    if (given("rate"))
        p.ratePerSecond = value("rate").toDouble();
    if (given("burst"))
        p.burst = value("burst").toInt();
    if (given("timeout-ms"))
        p.timeoutMs = value("timeout-ms").toInt();
    if (given("purpose"))
        p.purpose = value("purpose");
    if (given("headroom"))
        p.retryHeadroomPercent = value("headroom").toInt();
    if (given("idempotency-window-hours"))
        p.idempotencyWindowHours = value("idempotency-window-hours").toInt();
    if (given("approve-bulk-above"))
        p.bulkApprovalAbove = value("approve-bulk-above").toInt();
    if (given("owner"))
        p.owner = value("owner");
    if (given("extra-ca")) {
        if (value("extra-ca").isEmpty()) {
            p.extraCaPem.clear(); // --extra-ca '' removes it
        } else {
            QFile file(value("extra-ca"));
            if (!file.open(QIODevice::ReadOnly))
                return failure(ErrorClass::Input,
                    QStringLiteral("--extra-ca: cannot read %1: %2").arg(file.fileName(), file.errorString()));
            p.extraCaPem = QString::fromUtf8(file.readAll());
        }
    }
    return p;
}

void printSaved(const ProviderConfig &p, const QString &verb)
{
    out() << p.id << " " << verb << " (" << p.kind << ", " << p.environment << ", " << p.baseUrl << ", "
          << p.ratePerSecond << "/s burst " << p.burst << ")." << Qt::endl;
}

int add(const QCommandLineParser &args, AppContext &app)
{
    // Unless given, the provider's documented limits for the environment.
    ProviderConfig defaults
        = ProviderRules::defaults(args.value(QStringLiteral("kind")), args.value(QStringLiteral("environment")));
    defaults.id = args.value(QStringLiteral("id"));
    auto provider = apply(args, defaults);
    if (!provider)
        return fail(provider.message(), 2);
    auto added = ProviderService(app.database(), app.access()).add(provider.value());
    if (!added)
        return fail(added.message());
    printSaved(added.value(), QStringLiteral("added"));
    out() << "Next: its API key with `reconsolectl credentials add --provider " << added->id
          << "`, and its webhook endpoint <agent URL>/webhooks/" << added->id << "." << Qt::endl;
    return 0;
}

int edit(const QCommandLineParser &args, AppContext &app)
{
    ProviderService service(app.database(), app.access());
    auto stored = service.get(args.positionalArguments().first());
    if (!stored)
        return fail(stored.message());
    auto provider = apply(args, stored.value());
    if (!provider)
        return fail(provider.message(), 2);
    auto edited = service.edit(provider.value());
    if (!edited)
        return fail(edited.message());
    printSaved(edited.value(), QStringLiteral("saved"));
    return 0;
}

int setEnabled(const QCommandLineParser &args, AppContext &app, bool enabled)
{
    auto changed
        = ProviderService(app.database(), app.access()).setEnabled(args.positionalArguments().first(), enabled);
    if (!changed)
        return fail(changed.message());
    out() << changed->id
          << (enabled ? " enabled: operations to it are sent again."
                      : " disabled: nothing new is sent to it; its operations and history stay readable.")
          << Qt::endl;
    return 0;
}

Argument providerId()
{
    return { .name = QStringLiteral("ID"), .description = QStringLiteral("Provider id (see `providers list`).") };
}

// The settings add and edit share; add also takes --id and --kind, and needs base URL and environment.
QList<Option> settingOptions(bool adding)
{
    QList<Option> options;
    if (adding)
        options << Option { .name = QStringLiteral("id"),
            .description = QStringLiteral("Short id, part of the webhook URL: a-z, 0-9, '.', '_', '-'."),
            .valueName = QStringLiteral("ID"),
            .required = true };
    if (adding) // another kind is another adapter: a new provider, never an edit
        options << Option { .name = QStringLiteral("kind"),
            .description = QStringLiteral("payments (Stripe-compatible) or crm (HubSpot-compatible)."),
            .valueName = QStringLiteral("payments|crm"),
            .required = true };
    options << Option { .name = QStringLiteral("base-url"),
        .description = QStringLiteral("https://api.stripe.com, https://api.hubapi.com, or a sandbox's "
                                      "http://127.0.0.1:PORT."),
        .valueName = QStringLiteral("URL"),
        .required = adding }
            << Option { .name = QStringLiteral("environment"),
                   .description = QStringLiteral("test or live (live: https:// at the provider only)."),
                   .valueName = QStringLiteral("test|live"),
                   .required = adding }
            << Option { .name = QStringLiteral("name"),
                   .description = QStringLiteral("Display name (default: the id)."),
                   .valueName = QStringLiteral("TEXT") }
            << Option { .name = QStringLiteral("rate"),
                   .description = QStringLiteral("Requests per second (default: the provider's documented limit)."),
                   .valueName = QStringLiteral("PER_SECOND") }
            << Option { .name = QStringLiteral("burst"),
                   .description = QStringLiteral("Requests allowed at once (default: the provider's)."),
                   .valueName = QStringLiteral("N") }
            << Option { .name = QStringLiteral("timeout-ms"),
                   .description = QStringLiteral("Request timeout in milliseconds (default 10000)."),
                   .valueName = QStringLiteral("N") }
            << Option { .name = QStringLiteral("purpose"),
                   .description = QStringLiteral("What the business uses it for."),
                   .valueName = QStringLiteral("TEXT") }
            << Option { .name = QStringLiteral("owner"),
                   .description = QStringLiteral("Who in the business answers for it."),
                   .valueName = QStringLiteral("TEXT") }
            << Option { .name = QStringLiteral("headroom"),
                   .description = QStringLiteral("Percent of the rate limit a bulk retry leaves to live traffic "
                                                 "(default 20)."),
                   .valueName = QStringLiteral("PERCENT") }
            << Option { .name = QStringLiteral("idempotency-window-hours"),
                   .description = QStringLiteral("How long the provider keeps an idempotency key (default: 24 for "
                                                 "payments, as Stripe; 0 for crm, which takes none)."),
                   .valueName = QStringLiteral("HOURS") }
            << Option { .name = QStringLiteral("approve-bulk-above"),
                   .description = QStringLiteral("A bulk retry sending more than this needs a second person's "
                                                 "approval (default 1000)."),
                   .valueName = QStringLiteral("N") }
            << Option { .name = QStringLiteral("extra-ca"),
                   .description = QStringLiteral("A CA certificate (PEM) trusted beside the system store for this "
                                                 "provider, e.g. a company proxy's; '' removes it."),
                   .valueName = QStringLiteral("FILE.pem") };
    return options;
}
} // namespace

namespace Commands {

Command providers()
{
    return { .name = QStringLiteral("providers"),
        .summary = QStringLiteral("The providers Reconsole talks to, set up by an admin (audited)."),
        .subcommands = { { .name = QStringLiteral("list"),
                             .summary = QStringLiteral("List providers and their settings."),
                             .json = JsonOutput::OnRequest,
                             .run = DatabaseHandler(list) },
            { .name = QStringLiteral("add"),
                .summary = QStringLiteral("Add a provider; its key comes next, with `credentials add`."),
                .options = settingOptions(true),
                .check = checkValues,
                .run = DatabaseHandler(add) },
            { .name = QStringLiteral("edit"),
                .summary = QStringLiteral("Change a provider's settings; options not given stay as they are."),
                .options = settingOptions(false),
                .arguments = { providerId() },
                .check = checkValues,
                .run = DatabaseHandler(edit) },
            { .name = QStringLiteral("disable"),
                .summary = QStringLiteral("Send nothing new to a provider; its operations stay readable."),
                .arguments = { providerId() },
                .run = DatabaseHandler(
                    [](const QCommandLineParser &args, AppContext &app) { return setEnabled(args, app, false); }) },
            { .name = QStringLiteral("enable"),
                .summary = QStringLiteral("Send to a disabled provider again."),
                .arguments = { providerId() },
                .run = DatabaseHandler(
                    [](const QCommandLineParser &args, AppContext &app) { return setEnabled(args, app, true); }) },
            providersPolicy() } };
}

} // namespace Commands
