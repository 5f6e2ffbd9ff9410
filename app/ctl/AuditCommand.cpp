#include "AppContext.h"
#include "access/AuditLog.h"
#include "Commands.h"
#include "core/Csv.h"
#include "store/Database.h"
#include "core/Redactor.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace {
using namespace Commands;

int verify(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Checks every link of the hash-chained audit log and reports the "
                                                    "first broken one."));
    AppContext::addDatabaseOption(parser);
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    auto result = AuditLog(ctx.value()->database()).verify();
    if (!result)
        return fail(result.message());
    if (result->firstBrokenId != 0)
        return fail(QStringLiteral("Audit log broken after %1 entries: %2.").arg(result->entries).arg(result->problem), 3);
    out() << "Audit log intact: " << result->entries << " entries." << Qt::endl;
    return 0;
}

int exportLog(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Exports the audit log with its hashes, so others can check it."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("format"), QStringLiteral("csv (default) or json."), QStringLiteral("format"),
                      QStringLiteral("csv")});
    parser.addOption({QStringLiteral("output"), QStringLiteral("File to write (default: standard output)."),
                      QStringLiteral("file")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("csv") && format != QLatin1String("json"))
        return fail(QStringLiteral("--format must be csv or json."), 2);
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    auto entries = AuditLog(ctx.value()->database()).entries();
    if (!entries)
        return fail(entries.message());

    QByteArray data;
    if (format == QLatin1String("json")) {
        QJsonArray array;
        for (const AuditEntry &e : entries.value())
            array.append(QJsonObject{{QStringLiteral("id"), e.id},
                                     {QStringLiteral("at"), QDateTime::fromMSecsSinceEpoch(e.at, Qt::UTC).toString(Qt::ISODateWithMs)},
                                     {QStringLiteral("actor"), e.actor},
                                     {QStringLiteral("action"), e.action},
                                     {QStringLiteral("target"), e.target},
                                     {QStringLiteral("reason"), e.reason},
                                     {QStringLiteral("before"), e.before},
                                     {QStringLiteral("after"), e.after},
                                     {QStringLiteral("prev_hash"), e.prevHash},
                                     {QStringLiteral("hash"), e.hash}});
        data = QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        QString csv = QStringLiteral("id,at,actor,action,target,reason,before,after,prev_hash,hash\n");
        for (const AuditEntry &e : entries.value()) {
            const QStringList fields{QString::number(e.id),
                                     QDateTime::fromMSecsSinceEpoch(e.at, Qt::UTC).toString(Qt::ISODateWithMs),
                                     e.actor, e.action, e.target, e.reason, e.before, e.after, e.prevHash, e.hash};
            QStringList escaped;
            for (const QString &f : fields)
                escaped << Csv::field(f);
            csv += escaped.join(QLatin1Char(',')) + QLatin1Char('\n');
        }
        data = csv.toUtf8();
    }
    // Entries were redacted when written; this pass guards exports of older databases too.
    data = Redactor::redact(QString::fromUtf8(data)).toUtf8();
    if (!parser.isSet(QStringLiteral("output"))) {
        out() << QString::fromUtf8(data);
        out().flush();
        return 0;
    }
    QSaveFile file(parser.value(QStringLiteral("output")));
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return fail(QStringLiteral("Cannot write %1: %2").arg(file.fileName(), file.errorString()));
    err() << "Exported " << entries->size() << " entries to " << file.fileName() << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

int audit(const QStringList &args)
{
    const QString sub = args.value(1);
    const QStringList rest = QStringList{args.value(0) + QLatin1Char(' ') + sub} + args.mid(2);
    if (sub == QLatin1String("verify"))
        return verify(rest);
    if (sub == QLatin1String("export"))
        return exportLog(rest);
    return fail(QStringLiteral("Usage: reconsolectl audit verify|export [--database URL]"), 2);
}

} // namespace Commands
