#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "store/Database.h"
#include "timeline/Timeline.h"

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

QJsonArray toJson(const QList<TimelineEntry> &entries)
{
    QJsonArray array;
    for (const TimelineEntry &t : entries)
        array.append(QJsonObject { { QStringLiteral("time"), time(t.at) }, { QStringLiteral("source"), t.source },
            { QStringLiteral("channel"), t.channel }, { QStringLiteral("type"), t.type },
            { QStringLiteral("summary"), t.summary }, { QStringLiteral("actor"), t.actor },
            { QStringLiteral("operation"), t.operationId }, { QStringLiteral("anomaly"), t.anomaly } });
    return array;
}

int timeline(const QCommandLineParser &args, AppContext &app)
{
    const QString entity = args.positionalArguments().first();
    auto entries = Timeline::forEntity(app.database(), entity);
    if (!entries)
        return fail(entries.message());
    if (entries->isEmpty())
        return fail(QStringLiteral("Nothing is known about %1.").arg(entity));
    if (args.isSet(QStringLiteral("csv"))) {
        out() << Timeline::toCsv(entries.value());
    } else if (args.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(toJson(entries.value())).toJson(QJsonDocument::Indented);
    } else {
        for (const TimelineEntry &t : entries.value())
            out() << QStringLiteral("%1  %2  %3  %4%5\n")
                         .arg(time(t.at), t.source.leftJustified(15), t.type.leftJustified(30), t.summary,
                             t.anomaly.isEmpty() ? QString() : QStringLiteral("   ⚠ ") + t.anomaly);
    }
    out().flush();
    return 0;
}
} // namespace

namespace Commands {

Command timeline()
{
    return { .name = QStringLiteral("timeline"),
        .summary = QStringLiteral("Everything that happened to an entity and its operations, in order, from every "
                                  "system."),
        .details = QStringLiteral("Out-of-order, repeated and contradicting events are flagged."),
        .options = { { .name = QStringLiteral("csv"), .description = QStringLiteral("CSV instead of a table.") } },
        .arguments = { { .name = QStringLiteral("ENTITY_ID"),
            .description = QStringLiteral("An order id (ORD-…), an external id (pi_…) or an "
                                          "idempotency key.") } },
        .json = JsonOutput::OnRequest,
        .run = DatabaseHandler(::timeline) };
}

} // namespace Commands
