#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "Console.h"
#include "credentials/CredentialService.h"
#include "credentials/CredentialStore.h"
#include "store/Database.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

QString time(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QString();
}

QJsonObject toJson(const Credential &c, const QStringList &users)
{
    return { { QStringLiteral("id"), c.id }, { QStringLiteral("provider"), c.providerId },
        { QStringLiteral("environment"), c.environment }, { QStringLiteral("kind"), c.kind },
        { QStringLiteral("label"), c.label }, { QStringLiteral("fingerprint"), c.fingerprint },
        { QStringLiteral("scopes"), c.scopes }, { QStringLiteral("created_at"), time(c.createdAt) },
        { QStringLiteral("rotated_at"), time(c.rotatedAt) }, { QStringLiteral("expires_at"), time(c.expiresAt) },
        { QStringLiteral("verified_at"), time(c.verifiedAt) }, { QStringLiteral("verify_result"), c.verifyResult },
        { QStringLiteral("revoked_at"), time(c.revokedAt) }, { QStringLiteral("replaced_by"), c.replacedBy },
        { QStringLiteral("used_by"), QJsonArray::fromStringList(users) } };
}

QString tableLine(const Credential &c, const QStringList &users)
{
    const QString use = c.isRevoked() ? QStringLiteral("revoked")
        : users.isEmpty()             ? QStringLiteral("unused")
                                      : QStringLiteral("in use");
    return QStringLiteral("%1  %2  %3  %4  %5  %6\n")
        .arg(c.id, -22)
        .arg(c.providerId, -16)
        .arg(c.environment, -4)
        .arg(c.fingerprint, -6)
        .arg(use, -7)
        .arg(c.label);
}

int list(const QCommandLineParser &args, AppContext &app)
{
    CredentialStore directory(app.database());
    auto all = directory.all();
    if (!all)
        return fail(all.message());
    const bool json = args.isSet(QStringLiteral("json"));
    QJsonArray array;
    for (const Credential &c : all.value()) {
        const QStringList users = directory.providersUsing(c.id).value_or({});
        if (json)
            array.append(toJson(c, users));
        else
            out() << tableLine(c, users);
    }
    if (json)
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}

Status checkAdd(const QCommandLineParser &args)
{
    if (args.isSet(QStringLiteral("secret")) || !args.positionalArguments().isEmpty())
        return failure(
            ErrorClass::Input, QStringLiteral("The secret is read from standard input, never from the command line."));
    if (args.isSet(QStringLiteral("expires"))
        && !QDate::fromString(args.value(QStringLiteral("expires")), Qt::ISODate).isValid())
        return failure(ErrorClass::Input, QStringLiteral("--expires must be a date like 2027-03-31."));
    return success();
}

int add(const QCommandLineParser &args, AppContext &app)
{
    CredentialService::NewCredential request;
    request.providerId = args.value(QStringLiteral("provider"));
    request.environment = args.value(QStringLiteral("environment"));
    request.label = args.value(QStringLiteral("label"));
    request.kind = args.value(QStringLiteral("kind"));
    request.scopes = args.value(QStringLiteral("scopes"));
    if (args.isSet(QStringLiteral("expires")))
        request.expiresAt = QDate::fromString(args.value(QStringLiteral("expires")), Qt::ISODate)
                                .startOfDay(Qt::UTC)
                                .toMSecsSinceEpoch();
    const QString secret = readSecret(QStringLiteral("Secret (not echoed): "));
    if (secret.isEmpty())
        return fail(QStringLiteral("No secret on standard input."), 2);
    auto added = await<Result<Credential>>([&](auto done) { app.credentialService().add(request, secret, done); });
    if (!added)
        return fail(added.message());
    out() << added->id << " added (" << added->fingerprint << ")" << Qt::endl;
    return 0;
}

int verify(const QCommandLineParser &args, AppContext &app)
{
    const QString id = args.positionalArguments().first();
    auto verified = await<Result<Credential>>([&](auto done) { app.credentialService().verify(id, done); });
    if (!verified)
        return fail(verified.message());
    out() << id << ": " << verified->verifyResult << Qt::endl;
    return 0;
}

int rotate(const QCommandLineParser &args, AppContext &app)
{
    const QString id = args.positionalArguments().first();
    const QString secret = readSecret(QStringLiteral("New secret (not echoed): "));
    if (secret.isEmpty())
        return fail(QStringLiteral("No secret on standard input."), 2);
    auto rotated = await<Result<Credential>>([&](auto done) { app.credentialService().rotate(id, secret, done); });
    if (!rotated)
        return fail(rotated.message());
    out() << id << " rotated to " << rotated->id << " (" << rotated->fingerprint << "); revoke " << id
          << " when nothing needs it." << Qt::endl;
    return 0;
}

int revokeCredential(const QCommandLineParser &args, AppContext &app)
{
    const QString id = args.positionalArguments().first();
    const QString reason = args.value(QStringLiteral("reason"));
    Status revoked = await<Status>([&](auto done) { app.credentialService().revoke(id, reason, done); });
    if (!revoked)
        return fail(revoked.message());
    out() << id << " revoked" << Qt::endl;
    return 0;
}

Argument credentialId()
{
    return { .name = QStringLiteral("ID"), .description = QStringLiteral("Credential id (see `credentials list`).") };
}

QList<Option> addOptions()
{
    return { { .name = QStringLiteral("provider"),
                 .description = QStringLiteral("Provider id."),
                 .valueName = QStringLiteral("p"),
                 .required = true },
        { .name = QStringLiteral("environment"),
            .description = QStringLiteral("test or live."),
            .valueName = QStringLiteral("test|live"),
            .required = true },
        { .name = QStringLiteral("label"),
            .description = QStringLiteral("A name people recognise."),
            .valueName = QStringLiteral("text"),
            .required = true },
        { .name = QStringLiteral("kind"),
            .description = QStringLiteral("api-key (default) or webhook-secret."),
            .valueName = QStringLiteral("api-key|webhook-secret"),
            .defaultValue = QStringLiteral("api-key") },
        { .name = QStringLiteral("scopes"),
            .description = QStringLiteral("Free text, e.g. refunds:write."),
            .valueName = QStringLiteral("text") },
        { .name = QStringLiteral("expires"),
            .description = QStringLiteral("Expiry date, YYYY-MM-DD."),
            .valueName = QStringLiteral("date") },
        { .name = QStringLiteral("secret"), .valueName = QStringLiteral("value"), .hidden = true } };
}
} // namespace

namespace Commands {

Command credentials()
{
    return { .name = QStringLiteral("credentials"),
        .summary = QStringLiteral("Provider credentials: metadata in the database, secrets in the OS keychain only."),
        .subcommands = { { .name = QStringLiteral("list"),
                             .summary = QStringLiteral("List credentials: metadata only, never a secret."),
                             .json = JsonOutput::OnRequest,
                             .run = DatabaseHandler(list) },
            { .name = QStringLiteral("add"),
                .summary
                = QStringLiteral("Add a credential; the secret on standard input goes to the OS keychain only."),
                .options = addOptions(),
                // A secret pasted as an argument is taken only to refuse it (arguments show in `ps`).
                .arguments = { { .name = QStringLiteral("secret"), .count = Argument::Count::Any, .hidden = true } },
                .check = checkAdd,
                .run = DatabaseHandler(add) },
            { .name = QStringLiteral("verify"),
                .summary = QStringLiteral("Check a credential with one cheap authenticated call."),
                .arguments = { credentialId() },
                .run = DatabaseHandler(verify) },
            { .name = QStringLiteral("rotate"),
                .summary = QStringLiteral("Replace a credential with the secret on standard input, verified first."),
                .details = QStringLiteral("Every user of the old credential switches to the new one at once; the old "
                                          "one stays until revoked."),
                .arguments = { credentialId() },
                .run = DatabaseHandler(rotate) },
            { .name = QStringLiteral("revoke"),
                .summary = QStringLiteral("Delete a credential's secret from the keychain and mark it revoked."),
                .options = { { .name = QStringLiteral("reason"),
                    .description = QStringLiteral("Why (for the audit log)."),
                    .valueName = QStringLiteral("text"),
                    .defaultValue = QStringLiteral("revoked from the command line") } },
                .arguments = { credentialId() },
                .run = DatabaseHandler(revokeCredential) } } };
}

} // namespace Commands
