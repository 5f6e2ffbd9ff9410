#include "Commands.h"
#include "SandboxServer.h"

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
    if (!server.start(static_cast<quint16>(port)))
        return fail(QStringLiteral("Cannot listen on 127.0.0.1:%1 (in use?). Pick another --port.").arg(port));

    out() << "Sandbox listening on " << server.baseUrl() << Qt::endl;
    const int result = runUntilTerminated();
    out() << "Sandbox stopped after " << server.requestCount() << " requests, " << server.totalCharges()
          << " charges." << Qt::endl;
    return result;
}

} // namespace Commands
