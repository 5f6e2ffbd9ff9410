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

int createToken(const QCommandLineParser &args, AppContext &app)
{
    auto made = await<Result<CredentialService::IntakeToken>>(
        [&](auto done) { app.credentialService().createIntakeToken(args.value(QStringLiteral("label")), done); });
    if (!made)
        return fail(made.message());
    // The token alone on stdout, for `TOKEN=$(reconsolectl intake-token create …)`; the rest on stderr.
    out() << made->token << Qt::endl;
    err() << made->credential.id << " created (" << made->credential.fingerprint
          << "). This is the only time the token is shown: keep it in the backend's secret store." << Qt::endl;
    return 0;
}

int listTokens(const QCommandLineParser &args, AppContext &app)
{
    auto all = CredentialStore(app.database()).all();
    if (!all)
        return fail(all.message());
    const bool json = args.isSet(QStringLiteral("json"));
    QJsonArray array;
    for (const Credential &c : all.value()) {
        if (c.kind != QLatin1String("intake-token"))
            continue;
        if (json)
            array.append(QJsonObject { { QStringLiteral("id"), c.id }, { QStringLiteral("label"), c.label },
                { QStringLiteral("fingerprint"), c.fingerprint }, { QStringLiteral("created_at"), time(c.createdAt) },
                { QStringLiteral("revoked_at"), time(c.revokedAt) } });
        else
            out() << QStringLiteral("%1  %2  %3  %4\n")
                         .arg(c.id, -22)
                         .arg(c.fingerprint, -10)
                         .arg(c.isRevoked() ? QStringLiteral("revoked") : QStringLiteral("active"), -7)
                         .arg(c.label);
    }
    if (json)
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}

int revokeToken(const QCommandLineParser &args, AppContext &app)
{
    const QString id = args.positionalArguments().first();
    auto c = CredentialStore(app.database()).get(id);
    if (!c)
        return fail(c.message());
    if (c->kind != QLatin1String("intake-token"))
        return fail(QStringLiteral("%1 is a %2, not an intake token; use `credentials revoke`.").arg(id, c->kind), 2);
    Status revoked = await<Status>(
        [&](auto done) { app.credentialService().revoke(id, args.value(QStringLiteral("reason")), done); });
    if (!revoked)
        return fail(revoked.message());
    out() << id << " revoked: requests with it now get 401" << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command intakeToken()
{
    return { .name = QStringLiteral("intake-token"),
        .summary = QStringLiteral("Bearer tokens for the intake API (POST /v1/operations), kept in the OS keychain."),
        .subcommands = { { .name = QStringLiteral("create"),
                             .summary = QStringLiteral("Make a token and print it once on standard output."),
                             .options = { { .name = QStringLiteral("label"),
                                 .description = QStringLiteral("Which system will use it."),
                                 .valueName = QStringLiteral("L"),
                                 .required = true } },
                             .run = DatabaseHandler(createToken) },
            { .name = QStringLiteral("list"),
                .summary = QStringLiteral("List intake tokens: label and fingerprint, never the token."),
                .json = JsonOutput::OnRequest,
                .run = DatabaseHandler(listTokens) },
            { .name = QStringLiteral("revoke"),
                .summary = QStringLiteral("Revoke an intake token: its requests get 401 from then on."),
                .options = { { .name = QStringLiteral("reason"),
                    .description = QStringLiteral("Why (for the audit log)."),
                    .valueName = QStringLiteral("text"),
                    .defaultValue = QStringLiteral("revoked from the command line") } },
                .arguments = { { .name = QStringLiteral("ID"),
                    .description = QStringLiteral("Token id (see `intake-token list`).") } },
                .run = DatabaseHandler(revokeToken) } } };
}

} // namespace Commands
