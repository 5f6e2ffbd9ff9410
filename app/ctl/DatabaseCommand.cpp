#include "Await.h"
#include "Commands.h"
#include "Console.h"
#include "keychain/SystemKeychain.h"
#include "store/Database.h"

namespace {
using namespace Console;

Result<DatabaseLocation> teamDatabase(const QString &url)
{
    auto location = DatabaseLocation::parse(url);
    if (!location)
        return location;
    if (location->dialect != QLatin1String("postgresql"))
        return failure(ErrorClass::Input,
            QStringLiteral("Only PostgreSQL databases have passwords; give --database "
                           "postgresql://user@host:port/db."));
    if (!location->password.isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("Leave the password out of the URL (it ends up in shell "
                           "history); it is read from standard input."));
    return location;
}

// The database is opened here, not by the command line: with the password being kept, which
// is checked by connecting before it is stored, so a wrong one is never kept.
int password(const QCommandLineParser &args)
{
    const QString url = args.value(QStringLiteral("database"));
    auto location = teamDatabase(url);
    if (!location)
        return fail(location.message(), 2);
    SystemKeychain keychain;
    if (args.isSet(QStringLiteral("forget"))) {
        const Status removed = await<Status>([&](auto done) { keychain.remove(location->keychainId(), done); });
        if (!removed)
            return fail(removed.message());
        out() << "Forgot the password for " << location->display() << Qt::endl;
        return 0;
    }
    const QString password = readSecret(QStringLiteral("Password for %1 (not echoed): ").arg(location->display()));
    if (password.isEmpty())
        return fail(QStringLiteral("No password given on standard input; nothing was stored."), 2);
    auto opened = Database::open(url, password);
    if (!opened)
        return fail(opened.message());
    const Status stored = await<Status>([&](auto done) { keychain.write(location->keychainId(), password, done); });
    if (!stored)
        return fail(stored.message());
    out() << "Connected to " << location->display() << "; the password is in the keychain." << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command database()
{
    return { .name = QStringLiteral("database"),
        .summary = QStringLiteral("The database's own settings."),
        .subcommands = { { .name = QStringLiteral("password"),
            .summary = QStringLiteral("Keep a PostgreSQL password (standard input) in the OS keychain."),
            .details = QStringLiteral("Reads the password for --database postgresql://user@host:port/db, checks it "
                                      "by connecting, and keeps it in the keychain for that user, host and "
                                      "database, so URLs never carry it."),
            .options = { { .name = QStringLiteral("forget"),
                .description = QStringLiteral("Remove the stored password instead.") } },
            .readsDatabaseUrl = true,
            .run = Handler(password) } } };
}

} // namespace Commands
