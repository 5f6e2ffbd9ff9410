// reconsolectl: Reconsole's core without a window, as commands from one table.
#include "CommandLine.h"
#include "Commands.h"
#include "Logging.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Reconsole"));
    QCoreApplication::setApplicationName(QStringLiteral("reconsole"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RECONSOLE_VERSION));
    Logging::install(QStringLiteral("reconsolectl"));

    // The command table: the order here is the order of `reconsolectl --help`.
    Command table { .name = QStringLiteral("reconsolectl"),
        .summary = QStringLiteral("Reconsole's core without a window: the agent, the sandbox, and the "
                                  "operations, credentials, records and audit log the console works on."),
        .details = QStringLiteral("--database and --json may come before or after the command."),
        .subcommands = { Commands::demo(), Commands::sandbox(), Commands::serve(), Commands::events(),
            Commands::timeline(), Commands::ops(), Commands::audit(), Commands::providers(), Commands::credentials(),
            Commands::intakeToken(), Commands::diff(), Commands::drift(), Commands::import(), Commands::records(),
            Commands::ledger(), // finance: the ledger
            Commands::pull(), // finance: a payments provider's balance transactions and payouts
            Commands::reconcile(), // finance: the ledger against statements and provider lines
            Commands::periods(), Commands::match(), Commands::unmatch(), Commands::writeOff(), Commands::approve(),
            Commands::split(), Commands::exception(), // finance: the reconciliation workspace's actions
            Commands::roles(), Commands::database(), Commands::migrate(), Commands::bench() } };
    const CommandLine commandLine(std::move(table), QStringLiteral(RECONSOLE_VERSION));
    return commandLine.run(QCoreApplication::arguments().mid(1));
}
