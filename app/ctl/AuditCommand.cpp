#include "AppContext.h"
#include "AuditLog.h"
#include "Commands.h"
#include "Database.h"

namespace Commands {

int audit(const QStringList &args)
{
    if (args.value(1) != QLatin1String("verify"))
        return fail(QStringLiteral("Usage: reconsolectl audit verify [--database URL]"), 2);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Checks every link of the hash-chained audit log and reports the "
                                                    "first broken one."));
    AppContext::addDatabaseOption(parser);
    int code = 0;
    if (!parse(parser, QStringList{args.value(0)} + args.mid(2), &code))
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

} // namespace Commands
