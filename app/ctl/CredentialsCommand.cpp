#include "AppContext.h"
#include "access/AuditLog.h"
#include "Await.h"
#include "Commands.h"
#include "credentials/CredentialStore.h"
#include "credentials/CredentialService.h"
#include "store/Database.h"
#include "keychain/SystemKeychain.h"
#include "access/TeamRoles.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace {
using namespace Commands;

// The secret comes from standard input, never from an argument (arguments show in `ps`
// and shell history). On a terminal the typing is not echoed.
QString readSecret(const QString &prompt)
{
    const bool terminal = isatty(STDIN_FILENO);
    termios saved{};
    if (terminal) {
        err() << prompt << Qt::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    QTextStream in(stdin);
    const QString secret = in.readLine().trimmed();
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        err() << Qt::endl;
    }
    return secret;
}

QString time(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QString();
}

int list(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists credentials: metadata only, never a secret."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON instead of a table.")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    CredentialStore directory(ctx.value()->database());
    auto all = directory.all();
    if (!all)
        return fail(all.message());
    QJsonArray array;
    for (const Credential &c : all.value()) {
        const QStringList users = directory.providersUsing(c.id).value_or({});
        if (parser.isSet(QStringLiteral("json"))) {
            array.append(QJsonObject{{QStringLiteral("id"), c.id},
                                     {QStringLiteral("provider"), c.providerId},
                                     {QStringLiteral("environment"), c.environment},
                                     {QStringLiteral("kind"), c.kind},
                                     {QStringLiteral("label"), c.label},
                                     {QStringLiteral("fingerprint"), c.fingerprint},
                                     {QStringLiteral("scopes"), c.scopes},
                                     {QStringLiteral("created_at"), time(c.createdAt)},
                                     {QStringLiteral("rotated_at"), time(c.rotatedAt)},
                                     {QStringLiteral("expires_at"), time(c.expiresAt)},
                                     {QStringLiteral("verified_at"), time(c.verifiedAt)},
                                     {QStringLiteral("verify_result"), c.verifyResult},
                                     {QStringLiteral("revoked_at"), time(c.revokedAt)},
                                     {QStringLiteral("replaced_by"), c.replacedBy},
                                     {QStringLiteral("used_by"), QJsonArray::fromStringList(users)}});
        } else {
            out() << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                         .arg(c.id, -22)
                         .arg(c.providerId, -16)
                         .arg(c.environment, -4)
                         .arg(c.fingerprint, -6)
                         .arg(c.isRevoked() ? QStringLiteral("revoked") : users.isEmpty() ? QStringLiteral("unused")
                                                                                          : QStringLiteral("in use"), -7)
                         .arg(c.label);
        }
    }
    if (parser.isSet(QStringLiteral("json")))
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}

int add(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Adds a credential; the secret is read from standard input and "
                                                    "stored in the OS keychain only."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("provider"), QStringLiteral("Provider id."), QStringLiteral("p")});
    parser.addOption({QStringLiteral("environment"), QStringLiteral("test or live."), QStringLiteral("env")});
    parser.addOption({QStringLiteral("label"), QStringLiteral("A name people recognise."), QStringLiteral("text")});
    parser.addOption({QStringLiteral("kind"), QStringLiteral("api-key (default) or webhook-secret."), QStringLiteral("kind"),
                      QStringLiteral("api-key")});
    parser.addOption({QStringLiteral("scopes"), QStringLiteral("Free text, e.g. refunds:write."), QStringLiteral("text")});
    parser.addOption({QStringLiteral("expires"), QStringLiteral("Expiry date, YYYY-MM-DD."), QStringLiteral("date")});
    QCommandLineOption secretOption(QStringLiteral("secret"), QString(), QStringLiteral("value"));
    secretOption.setFlags(QCommandLineOption::HiddenFromHelp); // accepted only to refuse it clearly
    parser.addOption(secretOption);
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    if (parser.isSet(QStringLiteral("secret")) || !parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("The secret is read from standard input, never from the command line."), 2);
    for (const char *required : {"provider", "environment", "label"}) {
        if (parser.value(QLatin1String(required)).isEmpty())
            return fail(QStringLiteral("--%1 is required.").arg(QLatin1String(required)), 2);
    }
    CredentialService::NewCredential request;
    request.providerId = parser.value(QStringLiteral("provider"));
    request.environment = parser.value(QStringLiteral("environment"));
    request.label = parser.value(QStringLiteral("label"));
    request.kind = parser.value(QStringLiteral("kind"));
    request.scopes = parser.value(QStringLiteral("scopes"));
    if (parser.isSet(QStringLiteral("expires"))) {
        const QDate date = QDate::fromString(parser.value(QStringLiteral("expires")), Qt::ISODate);
        if (!date.isValid())
            return fail(QStringLiteral("--expires must be a date like 2027-03-31."), 2);
        request.expiresAt = date.startOfDay(Qt::UTC).toMSecsSinceEpoch();
    }
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    const QString secret = readSecret(QStringLiteral("Secret (not echoed): "));
    if (secret.isEmpty())
        return fail(QStringLiteral("No secret on standard input."), 2);
    auto added = await<Result<Credential>>(
        [&](auto done) { ctx.value()->credentialService().add(request, secret, done); });
    if (!added)
        return fail(added.message());
    out() << added->id << " added (" << added->fingerprint << ")" << Qt::endl;
    return 0;
}

QString idArgument(QCommandLineParser &parser, const QStringList &args, const QString &description, int *code)
{
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Credential id."));
    if (!parse(parser, args, code))
        return {};
    if (parser.positionalArguments().size() != 1) {
        *code = fail(QStringLiteral("Give exactly one credential id (%1).").arg(description), 2);
        return {};
    }
    return parser.positionalArguments().first();
}

int verify(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Checks a credential with one cheap authenticated call."));
    AppContext::addDatabaseOption(parser);
    int code = 0;
    const QString id = idArgument(parser, args, QStringLiteral("see `credentials list`"), &code);
    if (id.isEmpty())
        return code;
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    auto verified = await<Result<Credential>>([&](auto done) { ctx.value()->credentialService().verify(id, done); });
    if (!verified)
        return fail(verified.message());
    out() << id << ": " << verified->verifyResult << Qt::endl;
    return 0;
}

int rotate(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Replaces a credential: the new secret (standard input) is "
                                                    "verified, then every user switches to it at once; the old one "
                                                    "stays until revoked."));
    AppContext::addDatabaseOption(parser);
    int code = 0;
    const QString id = idArgument(parser, args, QStringLiteral("the one to replace"), &code);
    if (id.isEmpty())
        return code;
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    const QString secret = readSecret(QStringLiteral("New secret (not echoed): "));
    if (secret.isEmpty())
        return fail(QStringLiteral("No secret on standard input."), 2);
    auto rotated = await<Result<Credential>>([&](auto done) { ctx.value()->credentialService().rotate(id, secret, done); });
    if (!rotated)
        return fail(rotated.message());
    out() << id << " rotated to " << rotated->id << " (" << rotated->fingerprint << "); revoke " << id
          << " when nothing needs it." << Qt::endl;
    return 0;
}

int revoke(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Deletes a credential's secret from the keychain and marks it "
                                                    "revoked."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("reason"), QStringLiteral("Why (for the audit log)."), QStringLiteral("text"),
                      QStringLiteral("revoked from the command line")});
    int code = 0;
    const QString id = idArgument(parser, args, QStringLiteral("see `credentials list`"), &code);
    if (id.isEmpty())
        return code;
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    Status revoked = await<Status>(
        [&](auto done) { ctx.value()->credentialService().revoke(id, parser.value(QStringLiteral("reason")), done); });
    if (!revoked)
        return fail(revoked.message());
    out() << id << " revoked" << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

int credentials(const QStringList &args)
{
    const QString sub = args.value(1);
    const QStringList rest = QStringList{args.value(0) + QLatin1Char(' ') + sub} + args.mid(2);
    if (sub == QLatin1String("list"))
        return list(rest);
    if (sub == QLatin1String("add"))
        return add(rest);
    if (sub == QLatin1String("verify"))
        return verify(rest);
    if (sub == QLatin1String("rotate"))
        return rotate(rest);
    if (sub == QLatin1String("revoke"))
        return revoke(rest);
    return fail(QStringLiteral("Usage: reconsolectl credentials list|add|verify|rotate|revoke … (--help on any)."), 2);
}

int roles(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Shows the signed-in roles. On SQLite (single user), `roles set "
                                                    "LIST` narrows them in local settings. On PostgreSQL they are the "
                                                    "database roles reconsole_support, _finance and _admin: `roles setup` "
                                                    "creates them with their grants, `roles assign USER LIST` gives a "
                                                    "database user its roles (both audited; run as an administrator)."));
    AppContext::addDatabaseOption(parser);
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("set LIST | setup | assign USER LIST"),
                                 QStringLiteral("[action …]"));
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    const bool postgres = parser.value(QStringLiteral("database")).startsWith(QLatin1String("postgres"));
    if (action == QLatin1String("set")) {
        if (positional.size() != 2)
            return fail(QStringLiteral("Usage: reconsolectl roles set support,finance,admin"), 2);
        if (postgres)
            return fail(QStringLiteral("On PostgreSQL the roles are database roles: `reconsolectl roles assign USER "
                                       "support,admin`."),
                        2);
        Status set = AppContext::setLocalRoles(positional.at(1));
        if (!set)
            return fail(set.message(), 2);
    } else if (!action.isEmpty() && action != QLatin1String("setup") && action != QLatin1String("assign")) {
        return fail(QStringLiteral("Usage: reconsolectl roles [set LIST | setup | assign USER LIST]"), 2);
    }
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    const Database &db = ctx.value()->database();
    const AccessPolicy &access = ctx.value()->access();
    if (action == QLatin1String("setup") || action == QLatin1String("assign")) {
        const bool assigning = action == QLatin1String("assign");
        if (assigning && positional.size() != 3)
            return fail(QStringLiteral("Usage: reconsolectl roles assign USER support,finance,admin (an empty list "
                                       "\"\" takes them all away)"),
                        2);
        const QString target = assigning ? QStringLiteral("user:") + positional.at(1) : QStringLiteral("roles");
        Status allowed = access.require(Permission::ManageCredentials, db, QStringLiteral("roles.") + action, target);
        if (!allowed)
            return fail(allowed.message());
        auto roles = assigning ? AccessPolicy::parseRoles(positional.at(2)) : Result<QSet<Role>>(QSet<Role>());
        if (!roles)
            return fail(roles.message(), 2);
        Status done = assigning ? TeamRoles::assign(db, positional.at(1), roles.value()) : TeamRoles::setUp(db);
        if (!done)
            return fail(done.message());
        AuditEntry e;
        e.actor = access.actor();
        e.action = QStringLiteral("roles.") + action;
        e.target = target;
        e.after = assigning ? AccessPolicy(roles.value(), positional.at(1)).describe()
                            : QStringLiteral("reconsole_support, reconsole_finance, reconsole_admin granted on this database");
        Status audited = AuditLog(db).append(e);
        if (!audited)
            return fail(audited.message());
        out() << (assigning ? QStringLiteral("%1 now has: %2").arg(positional.at(1), e.after) : e.after) << Qt::endl;
        return 0;
    }
    out() << access.actor() << ": " << access.describe() << Qt::endl;
    return 0;
}

int database(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("`database password`: reads a PostgreSQL password from standard input, "
                                                    "checks it by connecting, and keeps it in the OS keychain for that "
                                                    "user, host and database, so URLs never carry it. --forget removes it."));
    AppContext::addDatabaseOption(parser);
    parser.addPositionalArgument(QStringLiteral("password"), QStringLiteral("The only action."));
    parser.addOption({QStringLiteral("forget"), QStringLiteral("Remove the stored password instead.")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    if (parser.positionalArguments() != QStringList{QStringLiteral("password")})
        return fail(QStringLiteral("Usage: reconsolectl database password --database postgresql://user@host:port/db [--forget]"), 2);
    const QString url = parser.value(QStringLiteral("database"));
    auto location = DatabaseLocation::parse(url);
    if (!location)
        return fail(location.message(), 2);
    if (location->dialect != QLatin1String("postgresql"))
        return fail(QStringLiteral("Only PostgreSQL databases have passwords; give --database postgresql://user@host:port/db."), 2);
    if (!location->password.isEmpty())
        return fail(QStringLiteral("Leave the password out of the URL (it ends up in shell history); it is read from "
                                   "standard input."),
                    2);
    SystemKeychain keychain;
    if (parser.isSet(QStringLiteral("forget"))) {
        const Status removed = await<Status>([&](auto done) { keychain.remove(location->keychainId(), done); });
        if (!removed)
            return fail(removed.message());
        out() << "Forgot the password for " << location->display() << Qt::endl;
        return 0;
    }
    const QString password = readSecret(QStringLiteral("Password for %1 (not echoed): ").arg(location->display()));
    if (password.isEmpty())
        return fail(QStringLiteral("No password given on standard input; nothing was stored."), 2);
    // Checked before it is kept: a wrong password is never stored.
    auto opened = Database::open(url, password);
    if (!opened)
        return fail(opened.message());
    const Status stored = await<Status>([&](auto done) { keychain.write(location->keychainId(), password, done); });
    if (!stored)
        return fail(stored.message());
    out() << "Connected to " << location->display() << "; the password is in the keychain." << Qt::endl;
    return 0;
}

} // namespace Commands
