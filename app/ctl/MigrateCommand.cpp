#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "store/Database.h"

namespace {
using namespace Console;

// The command line has opened the database, which makes it if it was missing and applies the
// migrations it lacks: what is left is to say where it is.
int migrate(const QCommandLineParser &, AppContext &app)
{
    const Database &db = app.database();
    out() << db.location().display() << " is at schema version " << db.schemaVersion() << '.' << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command migrate()
{
    return { .name = QStringLiteral("migrate"),
        .summary = QStringLiteral("Create the database if it is not there, and bring its schema up to date."),
        .details = QStringLiteral("The only command besides demo (and --create) that makes a new database; "
                                  "every other refuses a path where there is none, so a mistyped one is "
                                  "an error and not an empty database."),
        .createsDatabase = true,
        .run = DatabaseHandler(::migrate) };
}

} // namespace Commands
