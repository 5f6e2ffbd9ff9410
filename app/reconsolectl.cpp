// reconsolectl: Reconsole's core without a window, as commands from one table.
#include "CommandLine.h"
#include "Commands.h"
#include "Logging.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <memory>

namespace {
// The command named on the command line: its first word that is not an option (nor the value
// of --database).
QByteArray commandName(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray argument(argv[i]);
        if (argument == "--database")
            ++i;
        else if (!argument.startsWith('-'))
            return argument;
    }
    return {};
}

// `export` draws PDFs, whose text needs fonts: a QGuiApplication, on the offscreen platform so
// no display is needed. Every other command stays a QCoreApplication.
std::unique_ptr<QCoreApplication> makeApplication(int &argc, char *argv[])
{
    if (commandName(argc, argv) != "export")
        return std::make_unique<QCoreApplication>(argc, argv);
    qputenv("QT_QPA_PLATFORM", "offscreen");
    return std::make_unique<QGuiApplication>(argc, argv);
}
} // namespace

int main(int argc, char *argv[])
{
    const std::unique_ptr<QCoreApplication> app = makeApplication(argc, argv);
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
            Commands::exports(), // finance: a reconciliation period's report
            Commands::roles(), Commands::database(), Commands::migrate(), Commands::bench() } };
    const CommandLine commandLine(std::move(table), QStringLiteral(RECONSOLE_VERSION));
    return commandLine.run(QCoreApplication::arguments().mid(1));
}
