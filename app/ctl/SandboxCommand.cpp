#include "Commands.h"
#include "sandbox/SandboxServer.h"

#include <QCoreApplication>



namespace Commands {

int sandbox(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Runs the sandbox payments provider (Stripe API v1 shapes) on "
                                                    "127.0.0.1 until SIGINT or SIGTERM."));
    parser.addOption({QStringLiteral("port"), QStringLiteral("Port to listen on (0 = any free port)."),
                      QStringLiteral("n"), QStringLiteral("12111")});
    parser.addOption({QStringLiteral("api-key"),
                      QStringLiteral("Accept only this key (repeatable); without it any sk_test_ key is accepted."),
                      QStringLiteral("key")});
    parser.addOption({QStringLiteral("faults"),
                      QStringLiteral("Faults for the next answers, e.g. rate_limit=2*3,server_error,slow=4000,"
                                     "timeout_after_charge,reset,malformed,unavailable."),
                      QStringLiteral("spec")});
    parser.addOption({QStringLiteral("webhook-url"),
                      QStringLiteral("Deliver signed webhooks here (the signing secret comes from the environment "
                                     "variable RECONSOLE_SANDBOX_WEBHOOK_SECRET, never an argument)."),
                      QStringLiteral("url")});
    parser.addOption({QStringLiteral("webhook-delay"), QStringLiteral("Milliseconds before each delivery."),
                      QStringLiteral("ms"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("webhook-duplicates"), QStringLiteral("Deliver every event twice.")});
    parser.addOption({QStringLiteral("webhook-reorder"), QStringLiteral("Deliver each pair of events in reverse order.")});
    parser.addOption({QStringLiteral("webhook-drop-every"), QStringLiteral("Never deliver every Nth event."),
                      QStringLiteral("n"), QStringLiteral("0")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    bool ok = false;
    const int port = parser.value(QStringLiteral("port")).toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return fail(QStringLiteral("--port must be a number from 0 to 65535."), 2);

    SandboxServer server;
    server.setAcceptedKeys(parser.values(QStringLiteral("api-key")));
    if (parser.isSet(QStringLiteral("faults"))) {
        auto faults = SandboxFault::parse(parser.value(QStringLiteral("faults")));
        if (!faults)
            return fail(faults.message(), 2);
        server.queueFaults(faults.value());
    }
    if (parser.isSet(QStringLiteral("webhook-url"))) {
        SandboxWebhooks hooks;
        hooks.target = parser.value(QStringLiteral("webhook-url"));
        hooks.secret = qEnvironmentVariable("RECONSOLE_SANDBOX_WEBHOOK_SECRET");
        if (!hooks.secret.startsWith(QLatin1String("whsec_")))
            return fail(QStringLiteral("Set RECONSOLE_SANDBOX_WEBHOOK_SECRET to the endpoint's whsec_… secret."), 2);
        hooks.delayMs = parser.value(QStringLiteral("webhook-delay")).toInt();
        hooks.duplicate = parser.isSet(QStringLiteral("webhook-duplicates"));
        hooks.reorder = parser.isSet(QStringLiteral("webhook-reorder"));
        hooks.dropEvery = parser.value(QStringLiteral("webhook-drop-every")).toInt();
        server.setWebhooks(hooks);
    }
    if (!server.start(static_cast<quint16>(port)))
        return fail(QStringLiteral("Cannot listen on 127.0.0.1:%1 (in use?). Pick another --port.").arg(port));

    if (!catchTermination())
        return fail(QStringLiteral("Cannot set up signal handling."));
    out() << "Sandbox listening on " << server.baseUrl() << Qt::endl;
    const int result = runUntilTerminated();
    out() << "Sandbox stopped after " << server.requestCount() << " requests, " << server.totalCharges()
          << " charges." << Qt::endl;
    return result;
}

} // namespace Commands
