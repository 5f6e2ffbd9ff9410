#include "agent/Agent.h"
#include "AppContext.h"
#include "Commands.h"
#include "store/Database.h"
#include "events/EventStore.h"
#include "operations/OperationStore.h"
#include "timeline/Timeline.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Commands;

QString time(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

namespace Commands {

int serve(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The agent: receives webhooks, syncs provider events, retries "
                                                    "operations that fall due. Runs until SIGINT or SIGTERM."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("port"), QStringLiteral("Webhook port on 127.0.0.1 (default 8123)."),
                      QStringLiteral("n"), QStringLiteral("8123")});
    parser.addOption({QStringLiteral("batch-window"),
                      QStringLiteral("Milliseconds deliveries gather before the queue is worked (default 25)."),
                      QStringLiteral("ms"), QStringLiteral("25")});
    parser.addOption({QStringLiteral("silence-minutes"),
                      QStringLiteral("Alert when a provider sends no webhook this long while operations flow (default 30)."),
                      QStringLiteral("m"), QStringLiteral("30")});
    parser.addOption({QStringLiteral("sync-interval"), QStringLiteral("Seconds between event syncs (default 60, 0 = off)."),
                      QStringLiteral("s"), QStringLiteral("60")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    AppContext &context = *ctx.value();
    Agent agent(context.database(), context.credentials(), context.providers(), context.operations());
    QEventLoop loop;
    bool loaded = false;
    agent.loadWebhookSecrets([&](const QStringList &problems) {
        for (const QString &p : problems)
            err() << p << Qt::endl;
        loaded = true;
        loop.quit();
    });
    if (!loaded)
        loop.exec();
    Agent::Options options;
    options.port = static_cast<quint16>(parser.value(QStringLiteral("port")).toUInt());
    options.batchWindowMs = parser.value(QStringLiteral("batch-window")).toInt();
    options.syncIntervalSeconds = parser.value(QStringLiteral("sync-interval")).toInt();
    options.silenceMinutes = qMax(1, parser.value(QStringLiteral("silence-minutes")).toInt());
    if (!agent.start(options))
        return fail(QStringLiteral("Cannot listen on 127.0.0.1:%1; pick another --port.").arg(options.port));
    if (!catchTermination())
        return fail(QStringLiteral("Cannot set up signal handling."));
    out() << "Receiving webhooks on " << agent.webhookBaseUrl() << "/webhooks/<provider>" << Qt::endl;
    return runUntilTerminated();
}

int events(const QStringList &args)
{
    if (args.value(1) != QLatin1String("list"))
        return fail(QStringLiteral("Usage: reconsolectl events list [--provider P] [--entity ID] [--json]"), 2);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists received and synced events, newest first."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("provider"), QStringLiteral("Only this provider's events."), QStringLiteral("p")});
    parser.addOption({QStringLiteral("entity"), QStringLiteral("Only events about this entity."), QStringLiteral("id")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("At most this many (default 200)."), QStringLiteral("n"),
                      QStringLiteral("200")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON instead of a table.")});
    int code = 0;
    if (!parse(parser, QStringList{args.value(0)} + args.mid(2), &code))
        return code;
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    auto list = EventStore(ctx.value()->database())
                    .list(parser.value(QStringLiteral("provider")), parser.value(QStringLiteral("entity")),
                          parser.value(QStringLiteral("limit")).toInt());
    if (!list)
        return fail(list.message());
    QJsonArray array;
    for (const Event &e : list.value()) {
        if (parser.isSet(QStringLiteral("json")))
            array.append(QJsonObject{{QStringLiteral("id"), e.externalId},
                                     {QStringLiteral("source"), e.source},
                                     {QStringLiteral("channel"), e.channel},
                                     {QStringLiteral("type"), e.type},
                                     {QStringLiteral("entity"), e.entityId},
                                     {QStringLiteral("operation"), e.operationId},
                                     {QStringLiteral("occurred_at"), time(e.occurredAt)},
                                     {QStringLiteral("received_at"), time(e.receivedAt)},
                                     {QStringLiteral("processed"), e.processedAt != 0},
                                     {QStringLiteral("note"), e.note}});
        else
            out() << QStringLiteral("%1  %2  %3  %4  %5\n")
                         .arg(time(e.occurredAt), e.channel.leftJustified(7), e.type.leftJustified(32),
                              e.entityId.leftJustified(14), e.note);
    }
    if (parser.isSet(QStringLiteral("json")))
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}

int timeline(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Everything that happened to an entity (order id, external id or "
                                                    "idempotency key) and its operations, in order, from every system."));
    AppContext::addDatabaseOption(parser);
    parser.addPositionalArgument(QStringLiteral("entity"), QStringLiteral("ORD-…, pi_…, or an idempotency key."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON instead of a table.")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("CSV instead of a table.")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("Give one entity id, e.g. `timeline ORD-100042`."), 2);
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    auto entries = Timeline::forEntity(ctx.value()->database(), parser.positionalArguments().first());
    if (!entries)
        return fail(entries.message());
    if (entries->isEmpty())
        return fail(QStringLiteral("Nothing is known about %1.").arg(parser.positionalArguments().first()));
    if (parser.isSet(QStringLiteral("csv"))) {
        out() << Timeline::toCsv(entries.value());
    } else if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const TimelineEntry &t : entries.value())
            array.append(QJsonObject{{QStringLiteral("time"), time(t.at)},
                                     {QStringLiteral("source"), t.source},
                                     {QStringLiteral("channel"), t.channel},
                                     {QStringLiteral("type"), t.type},
                                     {QStringLiteral("summary"), t.summary},
                                     {QStringLiteral("actor"), t.actor},
                                     {QStringLiteral("operation"), t.operationId},
                                     {QStringLiteral("anomaly"), t.anomaly}});
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const TimelineEntry &t : entries.value())
            out() << QStringLiteral("%1  %2  %3  %4%5\n")
                         .arg(time(t.at), t.source.leftJustified(15), t.type.leftJustified(30), t.summary,
                              t.anomaly.isEmpty() ? QString() : QStringLiteral("   ⚠ ") + t.anomaly);
    }
    out().flush();
    return 0;
}

} // namespace Commands
