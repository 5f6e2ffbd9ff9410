#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "access/AuditLog.h"
#include "access/TeamRoles.h"
#include "store/Database.h"

namespace {
using namespace Console;

int show(const QCommandLineParser &, AppContext &app)
{
    out() << app.access().actor() << ": " << app.access().describe() << Qt::endl;
    return 0;
}

// Local settings only, so the database is not opened: on SQLite the signed-in user is this
// machine's, with the roles just set.
int setLocal(const QCommandLineParser &args)
{
    if (args.value(QStringLiteral("database")).startsWith(QLatin1String("postgres")))
        return fail(QStringLiteral("On PostgreSQL the roles are database roles: `reconsolectl roles assign USER "
                                   "support,admin`."),
            2);
    Status set = AppContext::setLocalRoles(args.positionalArguments().first());
    if (!set)
        return fail(set.message(), 2);
    auto roles = AppContext::localRoles();
    if (!roles)
        return fail(roles.message());
    out() << AppContext::actor() << ": " << AccessPolicy(roles.value(), AppContext::actor()).describe() << Qt::endl;
    return 0;
}

Status allowed(AppContext &app, const QString &action, const QString &target)
{
    return app.access().require(
        Permission::ManageCredentials, app.database(), QStringLiteral("roles.") + action, target);
}

// Audited like every change of who may do what.
Status changeAudited(AppContext &app, const QString &action, const QString &target, const QString &after,
    const std::function<Status()> &change)
{
    Status done = change();
    if (!done)
        return done;
    AuditEntry e;
    e.actor = app.access().actor();
    e.action = QStringLiteral("roles.") + action;
    e.target = target;
    e.after = after;
    return AuditLog(app.database()).append(e);
}

int setUp(const QCommandLineParser &, AppContext &app)
{
    const QString action = QStringLiteral("setup");
    const QString target = QStringLiteral("roles");
    if (Status permitted = allowed(app, action, target); !permitted)
        return fail(permitted.message());
    const QString granted
        = QStringLiteral("reconsole_support, reconsole_finance, reconsole_admin granted on this database");
    if (Status done = changeAudited(app, action, target, granted, [&] { return TeamRoles::setUp(app.database()); });
        !done)
        return fail(done.message());
    out() << granted << Qt::endl;
    return 0;
}

int assign(const QCommandLineParser &args, AppContext &app)
{
    const QString action = QStringLiteral("assign");
    const QString user = args.positionalArguments().at(0);
    const QString target = QStringLiteral("user:") + user;
    if (Status permitted = allowed(app, action, target); !permitted)
        return fail(permitted.message());
    auto roles = AccessPolicy::parseRoles(args.positionalArguments().at(1));
    if (!roles)
        return fail(roles.message(), 2);
    const QString after = AccessPolicy(roles.value(), user).describe();
    auto change = [&] { return TeamRoles::assign(app.database(), user, roles.value()); };
    if (Status done = changeAudited(app, action, target, after, change); !done)
        return fail(done.message());
    out() << QStringLiteral("%1 now has: %2").arg(user, after) << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command roles()
{
    const Argument list { .name = QStringLiteral("LIST"),
        .description = QStringLiteral("Roles, e.g. support,finance,admin.") };
    return { .name = QStringLiteral("roles"),
        .summary = QStringLiteral("Show the signed-in user's roles."),
        .details = QStringLiteral("On SQLite (single user) they come from local settings: all three unless narrowed "
                                  "with `roles set`. On PostgreSQL they are the database roles reconsole_support, "
                                  "_finance and _admin, which an administrator creates with `roles setup` and gives "
                                  "with `roles assign` (both audited)."),
        .subcommands = { { .name = QStringLiteral("set"),
                             .summary = QStringLiteral("SQLite: narrow the signed-in roles in local settings."),
                             .arguments = { list },
                             .readsDatabaseUrl = true,
                             .run = Handler(setLocal) },
            { .name = QStringLiteral("setup"),
                .summary = QStringLiteral("PostgreSQL: create the team roles with their grants (once per database)."),
                .run = DatabaseHandler(setUp) },
            { .name = QStringLiteral("assign"),
                .summary = QStringLiteral("PostgreSQL: give a database user its roles (\"\" takes them all away)."),
                .arguments
                = { { .name = QStringLiteral("USER"), .description = QStringLiteral("A database user.") }, list },
                .run = DatabaseHandler(assign) } },
        .run = DatabaseHandler(show) };
}

} // namespace Commands
