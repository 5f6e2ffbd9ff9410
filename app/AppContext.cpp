#include "AppContext.h"

#include "Await.h"
#include "credentials/CredentialService.h"
#include "keychain/SystemKeychain.h"
#include "operations/OperationRunner.h"
#include "operations/OperationService.h"
#include "operations/OperationStore.h"
#include "providers/ProviderRegistry.h"
#include "records/RecordService.h"
#include "store/Database.h"
#include "transport/HttpTransport.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QSysInfo>

AppContext::~AppContext() = default;

void AppContext::addDatabaseOption(QCommandLineParser &parser, const QString &defaultPath)
{
    parser.addOption({ QStringLiteral("database"),
        QStringLiteral("Database: sqlite:PATH, a file path, or postgresql://user@host:port/db "
                       "(default: %1).")
            .arg(defaultPath.isEmpty() ? DatabaseLocation::defaultSqlitePath() : defaultPath),
        QStringLiteral("url") });
}

namespace {
// A path as it can be pasted into a shell.
QString shellWord(const QString &text)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:@%+=,-]+$"));
    if (plain.match(text).hasMatch())
        return text;
    return QLatin1Char('\'') + QString(text).replace(QLatin1String("'"), QLatin1String("'\\''")) + QLatin1Char('\'');
}
} // namespace

Error AppContext::missingDatabase(const QString &path, bool given)
{
    const QString demo = DatabaseLocation::demoSqlitePath();
    if (given || path == demo)
        return failure(ErrorClass::Input,
            QStringLiteral("No database at %1. Create one with `reconsolectl migrate --database %2`, or fill one with "
                           "demo data: `reconsolectl demo --database %2` (with `reconsolectl sandbox` running).")
                .arg(path, shellWord(path)));
    // The default is missing: the person may well have tried the demo, whose data is apart.
    if (QFileInfo::exists(demo))
        return failure(ErrorClass::Input,
            QStringLiteral("No database at %1 (the default). The demo's data is in %2: add `--database %3`. "
                           "To start a database of your own: `reconsolectl migrate`.")
                .arg(path, demo, shellWord(demo)));
    return failure(ErrorClass::Input,
        QStringLiteral("No database at %1 (the default). Create it with `reconsolectl migrate`, or try the demo: "
                       "`reconsole --demo` (its data goes to %2).")
            .arg(path, demo));
}

QString AppContext::agentActor()
{
    return QStringLiteral("agent@") + QSysInfo::machineHostName();
}

QString AppContext::actor()
{
    const QString user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    return user.isEmpty() ? QStringLiteral("local") : user;
}

Result<QSet<Role>> AppContext::localRoles()
{
    if (qEnvironmentVariableIsSet("RECONSOLE_ROLES"))
        return AccessPolicy::parseRoles(qEnvironmentVariable("RECONSOLE_ROLES"));
    const QSettings settings;
    return AccessPolicy::parseRoles(
        settings.value(QStringLiteral("roles"), QStringLiteral("support,finance,admin")).toString());
}

Status AppContext::setLocalRoles(const QString &list)
{
    auto roles = AccessPolicy::parseRoles(list);
    if (!roles)
        return roles.error();
    QSettings settings;
    settings.setValue(QStringLiteral("roles"), list);
    settings.sync();
    return settings.status() == QSettings::NoError
        ? success()
        : failure(
            ErrorClass::Storage, QStringLiteral("Cannot write the local settings (%1).").arg(settings.fileName()));
}

Result<std::unique_ptr<AppContext>> AppContext::open(
    const QCommandLineParser &parser, const QString &fallbackPath, Database::IfMissing ifMissing)
{
    QString url = parser.value(QStringLiteral("database"));
    // An empty --database (`--database="$DB"` with DB unset) is a mistake, not the default.
    const bool given = parser.isSet(QStringLiteral("database"));
    if (!given)
        url = fallbackPath.isEmpty() ? DatabaseLocation::defaultSqlitePath() : fallbackPath;
    auto location = DatabaseLocation::parse(url);
    if (!location)
        return location.error();
    if (ifMissing == Database::IfMissing::Refuse && location->missing())
        return missingDatabase(location->path, given);
    std::unique_ptr<AppContext> ctx(new AppContext);
    ctx->m_credentials = std::make_unique<SystemKeychain>();
    QString password;
    if (location->dialect == QLatin1String("postgresql") && location->password.isEmpty()) {
        // Team mode: the password lives in the keychain; without one, libpq's own ways apply.
        password = await<Result<QString>>([&](auto done) {
            ctx->m_credentials->read(location->keychainId(), done);
        }).value_or({});
    }
    auto db = Database::open(url, password, ifMissing);
    if (!db)
        return db.error();
    ctx->m_db = db.value();
    // A previous run that died mid-request left operations in `sending`: settle them first.
    auto recovered = OperationStore(*ctx->m_db).recoverInterrupted(nowMs());
    if (!recovered)
        return recovered.error();
    QSet<Role> roles;
    QString actor = AppContext::actor();
    if (ctx->m_db->location().dialect == QLatin1String("postgresql")) {
        auto granted = AccessPolicy::rolesOfConnection(*ctx->m_db);
        if (!granted)
            return granted.error();
        roles = granted.value();
        actor = ctx->m_db->location().user;
    } else {
        auto local = localRoles();
        if (!local)
            return local.error();
        roles = local.value();
    }
    ctx->m_access = std::make_unique<AccessPolicy>(roles, actor);
    ctx->m_transport = std::make_unique<HttpTransport>(&ctx->m_network);
    ctx->m_registry = std::make_unique<ProviderRegistry>(*ctx->m_db, *ctx->m_transport, *ctx->m_credentials);
    ctx->m_runner = std::make_unique<OperationRunner>(*ctx->m_db, *ctx->m_registry);
    ctx->m_service = std::make_unique<OperationService>(*ctx->m_db, *ctx->m_runner, *ctx->m_access);
    // Automatic work is the agent's, audited as the agent, within the same roles.
    ctx->m_agentAccess = std::make_unique<AccessPolicy>(roles, agentActor());
    ctx->m_agentService = std::make_unique<OperationService>(*ctx->m_db, *ctx->m_runner, *ctx->m_agentAccess);
    ctx->m_records = std::make_unique<RecordService>(*ctx->m_db, *ctx->m_registry, *ctx->m_runner, *ctx->m_access);
    ctx->m_credentialService
        = std::make_unique<CredentialService>(*ctx->m_db, *ctx->m_credentials, *ctx->m_registry, *ctx->m_access);
    return ctx;
}
