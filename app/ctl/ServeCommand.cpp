#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "Console.h"
#include "agent/Agent.h"

namespace {
using namespace Console;

Agent::Options agentOptions(const QCommandLineParser &args)
{
    Agent::Options options;
    options.port = static_cast<quint16>(args.value(QStringLiteral("port")).toUInt());
    options.batchWindowMs = args.value(QStringLiteral("batch-window")).toInt();
    options.syncIntervalSeconds = args.value(QStringLiteral("sync-interval")).toInt();
    options.silenceMinutes = qMax(1, args.value(QStringLiteral("silence-minutes")).toInt());
    return options;
}

int serve(const QCommandLineParser &args, AppContext &app)
{
    Agent agent(app.database(), app.credentials(), app.providers(), app.agentOperations());
    for (const QString &problem : await<QStringList>([&](auto done) { agent.loadWebhookSecrets(done); }))
        err() << problem << Qt::endl;
    const Agent::Options options = agentOptions(args);
    if (!agent.start(options))
        return fail(QStringLiteral("Cannot listen on 127.0.0.1:%1; pick another --port.").arg(options.port));
    if (!catchTermination())
        return fail(QStringLiteral("Cannot set up signal handling."));
    out() << "Receiving webhooks on " << agent.webhookBaseUrl() << "/webhooks/<provider>" << Qt::endl;
    return runUntilTerminated();
}
} // namespace

namespace Commands {

Command serve()
{
    return { .name = QStringLiteral("serve"),
        .summary = QStringLiteral("The agent: receive webhooks, sync provider events, retry operations that fall "
                                  "due."),
        .details = QStringLiteral("Runs until SIGINT or SIGTERM."),
        .options = { { .name = QStringLiteral("port"),
                         .description = QStringLiteral("Webhook port on 127.0.0.1 (default 8123)."),
                         .valueName = QStringLiteral("n"),
                         .defaultValue = QStringLiteral("8123") },
            { .name = QStringLiteral("batch-window"),
                .description = QStringLiteral("Milliseconds deliveries gather before the queue is worked "
                                              "(default 25)."),
                .valueName = QStringLiteral("ms"),
                .defaultValue = QStringLiteral("25") },
            { .name = QStringLiteral("silence-minutes"),
                .description = QStringLiteral("Alert when a provider sends no webhook this long while "
                                              "operations flow (default 30)."),
                .valueName = QStringLiteral("m"),
                .defaultValue = QStringLiteral("30") },
            { .name = QStringLiteral("sync-interval"),
                .description = QStringLiteral("Seconds between event syncs (default 60, 0 = off)."),
                .valueName = QStringLiteral("s"),
                .defaultValue = QStringLiteral("60") } },
        .run = DatabaseHandler(::serve) };
}

} // namespace Commands
