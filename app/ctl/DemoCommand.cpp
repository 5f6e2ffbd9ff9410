#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "Console.h"
#include "sandbox/DemoData.h"
#include "sandbox/DemoReconciliation.h"
#include "sandbox/DemoSetup.h"
#include "store/Database.h"

namespace {
using namespace Console;

Status checkDemo(const QCommandLineParser &args)
{
    bool ok = false;
    const int operations = args.value(QStringLiteral("operations")).toInt(&ok);
    if (!ok || operations < 1)
        return failure(ErrorClass::Input, QStringLiteral("--operations must be a positive number."));
    return success();
}

int demo(const QCommandLineParser &args, AppContext &app)
{
    const int operations = args.value(QStringLiteral("operations")).toInt();
    DemoSetup setup(app.database(), app.credentials(), app.transport(), AppContext::agentActor());
    Status result
        = await<Status>([&](auto done) { setup.run(args.value(QStringLiteral("sandbox-url")), operations, done); });
    if (!result)
        return fail(result.message());
    if (Status reconciliation = DemoReconciliation::seed(app.database(), AppContext::actor()); !reconciliation)
        return fail(reconciliation.message());
    const QString path = app.database().location().path;
    out() << "Demo data ready in " << app.database().location().display() << Qt::endl;
    // Said so that the next command finds it: the demo's database is not the default one.
    if (path == DatabaseLocation::demoSqlitePath())
        out() << "Other commands take it with --database " << path << " (e.g. `reconsolectl ops list --database "
              << path << "`)." << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command demo()
{
    return { .name = QStringLiteral("demo"),
        .summary = QStringLiteral("Seed demo data whose provider is a sandbox; keep the sandbox's test key in the "
                                  "keychain."),
        .details = QStringLiteral("A small shop's month of payments and refunds, run for real against the sandbox, "
                                  "about 5 % of them failing as the sandbox is told to fail them. Without "
                                  "--database, in the demo's own database, the one `reconsole --demo` opens."),
        .options
        = { { .name = QStringLiteral("operations"),
                .description
                = QStringLiteral("Operations to run against the sandbox (default %1).").arg(DemoData::kMonthOfOrders),
                .valueName = QStringLiteral("n"),
                .defaultValue = QString::number(DemoData::kMonthOfOrders) },
            { .name = QStringLiteral("sandbox-url"),
                .description = QStringLiteral("Where the sandbox listens (default http://127.0.0.1:12111)."),
                .valueName = QStringLiteral("url"),
                .defaultValue = QStringLiteral("http://127.0.0.1:12111") } },
        .createsDatabase = true,
        // The same file as `reconsole --demo`, apart from real data.
        .defaultDatabase = DatabaseLocation::demoSqlitePath(),
        .check = checkDemo,
        .run = DatabaseHandler(::demo) };
}

} // namespace Commands
