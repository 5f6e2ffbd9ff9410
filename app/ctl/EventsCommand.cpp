#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "events/EventStore.h"
#include "store/Database.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

QString time(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject toJson(const Event &e)
{
    return { { QStringLiteral("id"), e.externalId }, { QStringLiteral("source"), e.source },
        { QStringLiteral("channel"), e.channel }, { QStringLiteral("type"), e.type },
        { QStringLiteral("entity"), e.entityId }, { QStringLiteral("operation"), e.operationId },
        { QStringLiteral("occurred_at"), time(e.occurredAt) }, { QStringLiteral("received_at"), time(e.receivedAt) },
        { QStringLiteral("processed"), e.processedAt != 0 }, { QStringLiteral("note"), e.note } };
}

Status checkList(const QCommandLineParser &args)
{
    bool ok = false;
    if (args.value(QStringLiteral("limit")).toInt(&ok) < 1 || !ok)
        return failure(ErrorClass::Input, QStringLiteral("--limit must be a positive number."));
    return success();
}

int list(const QCommandLineParser &args, AppContext &app)
{
    auto events = EventStore(app.database())
                      .list(args.value(QStringLiteral("provider")), args.value(QStringLiteral("entity")),
                          args.value(QStringLiteral("limit")).toInt());
    if (!events)
        return fail(events.message());
    const bool json = args.isSet(QStringLiteral("json"));
    QJsonArray array;
    for (const Event &e : events.value()) {
        if (json)
            array.append(toJson(e));
        else
            out() << QStringLiteral("%1  %2  %3  %4  %5\n")
                         .arg(time(e.occurredAt), e.channel.leftJustified(7), e.type.leftJustified(32),
                             e.entityId.leftJustified(14), e.note);
    }
    if (json)
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}
} // namespace

namespace Commands {

Command events()
{
    return { .name = QStringLiteral("events"),
        .summary = QStringLiteral("Events received from webhooks and synced from providers."),
        .subcommands = { { .name = QStringLiteral("list"),
            .summary = QStringLiteral("List received and synced events, newest first."),
            .options = { { .name = QStringLiteral("provider"),
                             .description = QStringLiteral("Only this provider's events."),
                             .valueName = QStringLiteral("p") },
                { .name = QStringLiteral("entity"),
                    .description = QStringLiteral("Only events about this entity."),
                    .valueName = QStringLiteral("id") },
                { .name = QStringLiteral("limit"),
                    .description = QStringLiteral("At most this many (default 200)."),
                    .valueName = QStringLiteral("n"),
                    .defaultValue = QStringLiteral("200") } },
            .json = JsonOutput::OnRequest,
            .check = checkList,
            .run = DatabaseHandler(list) } } };
}

} // namespace Commands
