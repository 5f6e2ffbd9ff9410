// reconsolectl: Reconsole's core without a window, as sub-commands.
#include "Commands.h"
#include "Logging.h"

#include <QCoreApplication>

#include <functional>
#include <map>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Reconsole"));
    QCoreApplication::setApplicationName(QStringLiteral("reconsole"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RECONSOLE_VERSION));
    Logging::install(QStringLiteral("reconsolectl"));

    const std::map<QString, std::function<int(const QStringList &)>> commands{
        {QStringLiteral("demo"), Commands::demo},   {QStringLiteral("sandbox"), Commands::sandbox},
        {QStringLiteral("ops"), Commands::ops},     {QStringLiteral("audit"), Commands::audit},
        {QStringLiteral("bench"), Commands::bench}, {QStringLiteral("credentials"), Commands::credentials},
        {QStringLiteral("roles"), Commands::roles},     {QStringLiteral("database"), Commands::database},     {QStringLiteral("serve"), Commands::serve},
        {QStringLiteral("events"), Commands::events},   {QStringLiteral("timeline"), Commands::timeline},
        {QStringLiteral("diff"), Commands::diff},       {QStringLiteral("drift"), Commands::drift},
    };
    const QStringList args = QCoreApplication::arguments();
    const QString name = args.value(1);
    const auto command = commands.find(name);
    if (command == commands.end()) {
        const bool help = name == QLatin1String("--help") || name == QLatin1String("-h") || name.isEmpty();
        (help ? Commands::out() : Commands::err())
            << "Usage: reconsolectl COMMAND [options]   (COMMAND --help for its options)\n\n"
               "Commands:\n"
               "  demo [--operations N] [--sandbox-url URL]   seed demo data, store the sandbox key in the keychain\n"
               "  sandbox --port N [--api-key KEY]… [--faults SPEC]   run the sandbox provider\n"
               "  ops list [--state S] [--provider P] [--json]   list operations\n"
               "  ops retry ID…                                  retry operations safely\n"
               "  ops resolve ID --reason TEXT                   resolve by hand\n"
               "  ops cancel ID --reason TEXT                    cancel\n"
               "  audit verify                                   check the audit log's hash chain\n"
               "  audit export [--format csv|json] [--output F]  export the audit log\n"
               "  credentials list [--json]                      credential metadata (never secrets)\n"
               "  credentials add --provider P --environment E --label L [--kind K]   secret on stdin\n"
               "  credentials verify|rotate|revoke ID            rotate reads the new secret on stdin\n"
               "  serve [--port N] [--sync-interval S]           the agent: webhooks, event sync, due retries\n"
               "  events list [--provider P] [--entity ID] [--json]\n"
               "  timeline ENTITY_ID [--json|--csv]              everything that happened to an entity\n"
               "  diff contact|payment ID [--json] [--all] [--accept F|--push F|--ignore F --reason R]\n"
               "                                                 our record beside the provider's, field by field\n"
               "  drift scan contact|payment --provider P [--restart] [--json]   drifted records at a provider\n"
               "  roles [set LIST | setup | assign USER LIST]    signed-in roles; team roles on PostgreSQL\n"
               "  database password [--forget]                   keep a PostgreSQL password in the keychain (stdin)\n"
               "  bench table --rows N                           measure the operations table\n"
               "  bench webhooks --events N                      measure the webhook receiver\n"
               "  bench drift --records N                        measure a drift scan, with and without limits\n\n"
               "Every command takes --database URL (sqlite:PATH, a path, or postgresql://user@host:port/db).\n";
        return help ? 0 : 2;
    }
    // The sub-command sees "reconsolectl NAME" as its program name.
    return command->second(QStringList{args.value(0) + QLatin1Char(' ') + name} + args.mid(2));
}
