#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "access/AuditLog.h"
#include "core/Csv.h"
#include "core/Redactor.h"
#include "store/Database.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace {
using namespace Console;

int verify(const QCommandLineParser &, AppContext &app)
{
    auto result = AuditLog(app.database()).verify();
    if (!result)
        return fail(result.message());
    if (result->firstBrokenId != 0)
        return fail(
            QStringLiteral("Audit log broken after %1 entries: %2.").arg(result->entries).arg(result->problem), 3);
    out() << "Audit log intact: " << result->entries << " entries." << Qt::endl;
    return 0;
}

// The global --json means what it means everywhere: JSON instead of the default.
QString format(const QCommandLineParser &args)
{
    return args.isSet(QStringLiteral("json")) ? QStringLiteral("json") : args.value(QStringLiteral("format"));
}

Status checkExport(const QCommandLineParser &args)
{
    if (format(args) != QLatin1String("csv") && format(args) != QLatin1String("json"))
        return failure(ErrorClass::Input, QStringLiteral("--format must be csv or json."));
    if (args.isSet(QStringLiteral("json")) && args.isSet(QStringLiteral("format"))
        && args.value(QStringLiteral("format")) != QLatin1String("json"))
        return failure(ErrorClass::Input,
            QStringLiteral("--json and --format %1 contradict each other.").arg(args.value(QStringLiteral("format"))));
    return success();
}

int exportLog(const QCommandLineParser &args, AppContext &app)
{
    const bool json = format(args) == QLatin1String("json");
    auto entries = AuditLog(app.database()).entries();
    if (!entries)
        return fail(entries.message());

    QByteArray data;
    if (json) {
        QJsonArray array;
        for (const AuditEntry &e : entries.value())
            array.append(QJsonObject { { QStringLiteral("id"), e.id },
                { QStringLiteral("at"), QDateTime::fromMSecsSinceEpoch(e.at, Qt::UTC).toString(Qt::ISODateWithMs) },
                { QStringLiteral("actor"), e.actor }, { QStringLiteral("action"), e.action },
                { QStringLiteral("target"), e.target }, { QStringLiteral("reason"), e.reason },
                { QStringLiteral("before"), e.before }, { QStringLiteral("after"), e.after },
                { QStringLiteral("prev_hash"), e.prevHash }, { QStringLiteral("hash"), e.hash } });
        data = QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        QString csv = QStringLiteral("id,at,actor,action,target,reason,before,after,prev_hash,hash\n");
        for (const AuditEntry &e : entries.value()) {
            const QStringList fields { QString::number(e.id),
                QDateTime::fromMSecsSinceEpoch(e.at, Qt::UTC).toString(Qt::ISODateWithMs), e.actor, e.action, e.target,
                e.reason, e.before, e.after, e.prevHash, e.hash };
            QStringList escaped;
            for (const QString &f : fields)
                escaped << Csv::field(f);
            csv += escaped.join(QLatin1Char(',')) + QLatin1Char('\n');
        }
        data = csv.toUtf8();
    }
    // Entries were redacted when written; this pass guards exports of older databases too.
    data = Redactor::redact(QString::fromUtf8(data)).toUtf8();
    if (!args.isSet(QStringLiteral("output"))) {
        out() << QString::fromUtf8(data);
        out().flush();
        return 0;
    }
    QSaveFile file(args.value(QStringLiteral("output")));
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return fail(QStringLiteral("Cannot write %1: %2").arg(file.fileName(), file.errorString()));
    err() << "Exported " << entries->size() << " entries to " << file.fileName() << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command audit()
{
    return { .name = QStringLiteral("audit"),
        .summary = QStringLiteral("The audit log: check its hash chain, export it."),
        .subcommands
        = { { .name = QStringLiteral("verify"),
                .summary = QStringLiteral("Check every link of the hash-chained audit log; name the first broken one."),
                .run = DatabaseHandler(verify) },
            { .name = QStringLiteral("export"),
                .summary = QStringLiteral("Export the audit log with its hashes, so others can check it."),
                .options = { { .name = QStringLiteral("format"),
                                 .description = QStringLiteral("csv (default) or json."),
                                 .valueName = QStringLiteral("csv|json"),
                                 .defaultValue = QStringLiteral("csv") },
                    { .name = QStringLiteral("output"),
                        .description = QStringLiteral("File to write (default: standard output)."),
                        .valueName = QStringLiteral("file") } },
                .json = JsonOutput::OnRequest,
                .check = checkExport,
                .run = DatabaseHandler(exportLog) } } };
}

} // namespace Commands
