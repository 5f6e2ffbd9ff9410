#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "store/Database.h"
#include "sandbox/DemoSetup.h"

#include <QCoreApplication>
#include <QEventLoop>

namespace Commands {

int demo(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Seeds demo data (a small shop's payments and refunds, about 5 % "
                                                    "failed) whose provider points at a sandbox, and stores the "
                                                    "sandbox's test key in the OS keychain."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("operations"), QStringLiteral("Operations to seed (default 3000)."),
                      QStringLiteral("n"), QStringLiteral("3000")});
    parser.addOption({QStringLiteral("sandbox-url"),
                      QStringLiteral("Where the sandbox listens (default http://127.0.0.1:12111)."),
                      QStringLiteral("url"), QStringLiteral("http://127.0.0.1:12111")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    bool ok = false;
    const int operations = parser.value(QStringLiteral("operations")).toInt(&ok);
    if (!ok || operations < 1)
        return fail(QStringLiteral("--operations must be a positive number."), 2);
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());

    DemoSetup setup(ctx.value()->database(), ctx.value()->credentials(), ctx.value()->transport());
    Status result = await<Status>(
        [&](auto done) { setup.run(parser.value(QStringLiteral("sandbox-url")), operations, done); });
    if (result)
        result = await<Status>([&](auto done) { setup.simulateLostAnswers(done); });
    if (!result)
        return fail(result.message());
    out() << "Demo data ready in " << ctx.value()->database().location().display() << Qt::endl;
    return 0;
}

} // namespace Commands
