#include "Commands.h"
#include "Console.h"
#include "sandbox/SandboxFaults.h"
#include "sandbox/SandboxServer.h"

namespace {
using namespace Console;

Status configure(SandboxServer &server, const QCommandLineParser &args)
{
    server.setAcceptedKeys(args.values(QStringLiteral("api-key")));
    if (args.isSet(QStringLiteral("faults"))) {
        auto faults = SandboxFault::parse(args.value(QStringLiteral("faults")));
        if (!faults)
            return faults.error();
        server.queueFaults(faults.value());
    }
    if (args.isSet(QStringLiteral("webhook-url"))) {
        SandboxWebhooks hooks;
        hooks.target = args.value(QStringLiteral("webhook-url"));
        hooks.secret = qEnvironmentVariable("RECONSOLE_SANDBOX_WEBHOOK_SECRET");
        if (!hooks.secret.startsWith(QLatin1String("whsec_")))
            return failure(ErrorClass::Input,
                QStringLiteral("Set RECONSOLE_SANDBOX_WEBHOOK_SECRET to the endpoint's whsec_… secret."));
        hooks.delayMs = args.value(QStringLiteral("webhook-delay")).toInt();
        hooks.duplicate = args.isSet(QStringLiteral("webhook-duplicates"));
        hooks.reorder = args.isSet(QStringLiteral("webhook-reorder"));
        hooks.dropEvery = args.value(QStringLiteral("webhook-drop-every")).toInt();
        server.setWebhooks(hooks);
    }
    return success();
}

int sandbox(const QCommandLineParser &args)
{
    bool ok = false;
    const int port = args.value(QStringLiteral("port")).toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return fail(QStringLiteral("--port must be a number from 0 to 65535."), 2);
    SandboxServer server;
    if (Status configured = configure(server, args); !configured)
        return fail(configured.message(), 2);
    if (!server.start(static_cast<quint16>(port)))
        return fail(QStringLiteral("Cannot listen on 127.0.0.1:%1 (in use?). Pick another --port.").arg(port));
    if (!catchTermination())
        return fail(QStringLiteral("Cannot set up signal handling."));
    out() << "Sandbox listening on " << server.baseUrl() << Qt::endl;
    const int result = runUntilTerminated();
    out() << "Sandbox stopped after " << server.requestCount() << " requests, " << server.totalCharges() << " charges."
          << Qt::endl;
    return result;
}
} // namespace

namespace Commands {

Command sandbox()
{
    return { .name = QStringLiteral("sandbox"),
        .summary = QStringLiteral("Run the sandbox providers (Stripe API v1 and HubSpot CRM v3 shapes) on 127.0.0.1."),
        .details = QStringLiteral("Runs until SIGINT or SIGTERM, then prints its request and charge counts."),
        .options = { { .name = QStringLiteral("port"),
                         .description = QStringLiteral("Port to listen on (0 = any free port)."),
                         .valueName = QStringLiteral("n"),
                         .defaultValue = QStringLiteral("12111") },
            { .name = QStringLiteral("api-key"),
                .description = QStringLiteral("Accept only this key (repeatable); without it any sk_test_ key is "
                                              "accepted."),
                .valueName = QStringLiteral("key"),
                .repeatable = true },
            { .name = QStringLiteral("faults"),
                .description = QStringLiteral("Faults for the next answers, each NAME[=N][*COUNT], e.g. "
                                              "rate_limit=2*3,slow=4000; the faults: %1.")
                                   .arg(SandboxFault::kindNames().join(QStringLiteral(", "))),
                .valueName = QStringLiteral("spec") },
            { .name = QStringLiteral("webhook-url"),
                .description = QStringLiteral("Deliver signed webhooks here (the signing secret comes from the "
                                              "environment variable RECONSOLE_SANDBOX_WEBHOOK_SECRET, never an "
                                              "argument)."),
                .valueName = QStringLiteral("url") },
            { .name = QStringLiteral("webhook-delay"),
                .description = QStringLiteral("Milliseconds before each delivery."),
                .valueName = QStringLiteral("ms"),
                .defaultValue = QStringLiteral("0") },
            { .name = QStringLiteral("webhook-duplicates"),
                .description = QStringLiteral("Deliver every event twice.") },
            { .name = QStringLiteral("webhook-reorder"),
                .description = QStringLiteral("Deliver each pair of events in reverse order.") },
            { .name = QStringLiteral("webhook-drop-every"),
                .description = QStringLiteral("Never deliver every Nth event."),
                .valueName = QStringLiteral("n"),
                .defaultValue = QStringLiteral("0") } },
        .run = Handler(::sandbox) };
}

} // namespace Commands
