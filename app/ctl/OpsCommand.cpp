#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "OperationArgs.h"
#include "intake/IntakeService.h"
#include "operations/OperationService.h"
#include "operations/OperationsQuery.h"
#include "store/Database.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

constexpr int kPageRows = 1000;

QJsonObject toJson(const OperationRow &r)
{
    return { { QStringLiteral("id"), r.id }, { QStringLiteral("action"), r.action },
        { QStringLiteral("entity_type"), r.entityType }, { QStringLiteral("entity_id"), r.entityId },
        { QStringLiteral("provider"), r.providerId }, { QStringLiteral("state"), OperationStates::name(r.state) },
        { QStringLiteral("attempts"), r.attempts }, { QStringLiteral("last_error_class"), r.lastErrorClass },
        { QStringLiteral("last_error"), r.lastError }, { QStringLiteral("external_id"), r.externalId },
        { QStringLiteral("created_at"), QDateTime::fromMSecsSinceEpoch(r.createdAt, Qt::UTC).toString(Qt::ISODate) } };
}

QString tableLine(const QString &id, const QString &state, const QString &action, const QString &entity,
    const QString &attempts, const QString &lastError)
{
    return QStringLiteral("%1  %2  %3  %4  %5  %6\n")
        .arg(id, 7)
        .arg(state, -16)
        .arg(action, -16)
        .arg(entity, -18)
        .arg(attempts, 3)
        .arg(lastError);
}

// `failed` means every state that needs a person (the console's "Needs action (failed)");
// otherwise a state's name or the label the console shows for it, in any case.
const QLatin1String kNeedingAction("failed");

QString stateNames()
{
    QStringList names;
    for (OperationState s : OperationStates::all())
        names << OperationStates::name(s);
    return names.join(QStringLiteral(", "));
}

} // namespace

bool parseStates(const QString &value, QList<OperationState> *states, QString *unknown)
{
    for (const QString &word : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        OperationState s;
        if (word.trimmed().compare(kNeedingAction, Qt::CaseInsensitive) == 0) {
            *states << OperationStates::needingAction();
        } else if (OperationStates::fromText(word, &s)) {
            *states << s;
        } else {
            if (unknown)
                *unknown = word.trimmed();
            return false;
        }
    }
    return true;
}

namespace {

Status checkList(const QCommandLineParser &args)
{
    if (args.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        if (args.value(QStringLiteral("limit")).toLongLong(&ok) < 1 || !ok)
            return failure(ErrorClass::Input, QStringLiteral("--limit must be a positive number."));
    }
    QList<OperationState> states;
    QString unknown;
    if (parseStates(args.value(QStringLiteral("state")), &states, &unknown))
        return success();
    return failure(ErrorClass::Input,
        QStringLiteral("Unknown state '%1'; use one of: %2, or %3 (every state that needs a person).")
            .arg(unknown, stateNames(), kNeedingAction));
}

int list(const QCommandLineParser &args, AppContext &app)
{
    OperationsFilter filter;
    parseStates(args.value(QStringLiteral("state")), &filter.states); // checked before the database opened
    filter.providerId = args.value(QStringLiteral("provider"));
    const qint64 limit = args.isSet(QStringLiteral("limit")) ? args.value(QStringLiteral("limit")).toLongLong()
                                                             : std::numeric_limits<qint64>::max();
    const Database &db = app.database();
    const OperationsQuery query(filter, {}, db.dialect(), OperationsQuery::idsFollowCreation(db.connection()));
    const bool json = args.isSet(QStringLiteral("json"));
    QJsonArray array;
    if (!json)
        out() << tableLine(QStringLiteral("ID"), QStringLiteral("STATE"), QStringLiteral("ACTION"),
            QStringLiteral("ENTITY"), QStringLiteral("ATT"), QStringLiteral("LAST ERROR"));
    // Keyset pages, so a million rows stream out in constant memory.
    std::optional<RowKey> after;
    for (qint64 printed = 0; printed < limit;) {
        const int wanted = static_cast<int>(qMin<qint64>(kPageRows, limit - printed));
        const auto rows = query.page(db, after, wanted);
        if (!rows)
            return fail(rows.message());
        for (const OperationRow &r : rows.value()) {
            if (json)
                array.append(toJson(r));
            else
                out() << tableLine(QString::number(r.id), OperationStates::name(r.state), r.action, r.entityId,
                    QString::number(r.attempts), r.lastError);
        }
        printed += rows->size();
        if (rows->size() < wanted)
            break;
        after = rows->last().key;
    }
    if (json)
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}

bool parseIds(const QStringList &values, QList<qint64> *ids)
{
    for (const QString &v : values) {
        bool ok = false;
        const qint64 id = v.toLongLong(&ok);
        if (!ok || id < 1)
            return false;
        *ids << id;
    }
    return !ids->isEmpty();
}

Status checkRetry(const QCommandLineParser &args)
{
    QList<qint64> ids;
    if (parseIds(args.positionalArguments(), &ids))
        return success();
    return failure(
        ErrorClass::Input, QStringLiteral("Give one or more operation ids (numbers), e.g. `ops retry 42 43`."));
}

int retry(const QCommandLineParser &args, AppContext &app)
{
    QList<qint64> ids;
    parseIds(args.positionalArguments(), &ids);
    QEventLoop loop;
    int failures = 0;
    bool finished = false;
    app.operations().retry(
        ids,
        [&](qint64 id, const Result<Operation> &result) {
            if (result) {
                out() << id << ": " << OperationStates::name(result->state)
                      << (result->externalId.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(result->externalId))
                      << Qt::endl;
            } else {
                ++failures;
                err() << id << ": " << result.message() << Qt::endl;
            }
        },
        [&] {
            finished = true;
            loop.quit();
        });
    if (!finished)
        loop.exec();
    return failures == 0 ? 0 : 1;
}

Status checkClose(const QCommandLineParser &args)
{
    QList<qint64> ids;
    if (!parseIds(args.positionalArguments(), &ids))
        return failure(ErrorClass::Input, QStringLiteral("Give exactly one operation id."));
    if (args.value(QStringLiteral("reason")).trimmed().isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("Give --reason: the audit log records why."));
    return success();
}

int close(const QCommandLineParser &args, AppContext &app, bool resolve)
{
    const qint64 id = args.positionalArguments().first().toLongLong();
    OperationService &service = app.operations();
    const QString reason = args.value(QStringLiteral("reason"));
    Status done = resolve ? service.resolve(id, reason) : service.cancel(id, reason);
    if (!done)
        return fail(done.message());
    out() << id << ": " << (resolve ? "resolved" : "cancelled") << Qt::endl;
    return 0;
}

// The same request a POST /v1/operations carries, checked and stored the same way (docs/intake.md).
int submit(const QCommandLineParser &args, AppContext &app)
{
    const QString entity = args.value(QStringLiteral("entity"));
    const qsizetype colon = entity.indexOf(QLatin1Char(':'));
    if (colon <= 0 || colon == entity.size() - 1)
        return fail(QStringLiteral("--entity must be TYPE:ID, e.g. order:ORD-1042."), 2);
    QByteArray payload = args.value(QStringLiteral("payload")).toUtf8();
    if (payload.startsWith('@')) {
        QFile file(QString::fromUtf8(payload.mid(1)));
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("Cannot read %1: %2").arg(file.fileName(), file.errorString()), 2);
        payload = file.readAll();
    }
    QJsonParseError parseError;
    const QJsonDocument payloadDoc = QJsonDocument::fromJson(payload, &parseError);
    if (parseError.error != QJsonParseError::NoError || !payloadDoc.isObject())
        return fail(QStringLiteral("--payload must be a JSON object (or @FILE holding one): %1")
                        .arg(parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                          : QStringLiteral("not an object")),
            2);
    QJsonObject request { { QStringLiteral("action"), args.value(QStringLiteral("action")) },
        { QStringLiteral("provider"), args.value(QStringLiteral("provider")) },
        { QStringLiteral("entity"),
            QJsonObject {
                { QStringLiteral("type"), entity.left(colon) }, { QStringLiteral("id"), entity.mid(colon + 1) } } },
        { QStringLiteral("payload"), payloadDoc.object() },
        { QStringLiteral("idempotency_key"), args.value(QStringLiteral("idempotency-key")) } };
    if (args.isSet(QStringLiteral("not-before")))
        request.insert(QStringLiteral("not_before"), args.value(QStringLiteral("not-before")));
    IntakeOutcome parsed = IntakeService::parse(QJsonDocument(request).toJson(QJsonDocument::Compact));
    IntakeService intake(app.database(), app.providers());
    IntakeOutcome outcome = parsed ? intake.submit(parsed.record) : parsed;
    if (!outcome) {
        const IntakeRefusal &r = *outcome.refusal;
        return fail(
            r.param.isEmpty() ? r.message : QStringLiteral("%1: %2").arg(r.param, r.message), r.status == 400 ? 2 : 1);
    }
    out() << QJsonDocument(IntakeService::describe(outcome.record)).toJson(QJsonDocument::Indented);
    if (outcome.replayed)
        err() << "Already submitted with this key: operation " << outcome.record.operation.id << Qt::endl;
    out().flush();
    return 0;
}

Command submitCommand()
{
    auto required = [](const char *name, const char *description, const char *value) {
        return Option { .name = QLatin1String(name),
            .description = QLatin1String(description),
            .valueName = QLatin1String(value),
            .required = true };
    };
    return { .name = QStringLiteral("submit"),
        .summary = QStringLiteral("Submit an operation for the agent to send, as POST /v1/operations would."),
        .details = QStringLiteral("The same key with the same request gives back the same operation; with "
                                  "another request it is refused. The agent (`serve`) sends it under the "
                                  "provider's rate limit."),
        .options = { required("action", "What to do: capture_payment, refund, update_payment, upsert_contact, …", "A"),
            required("provider", "Provider id.", "P"),
            required("entity", "The business entity, TYPE:ID (order:ORD-1042).", "TYPE:ID"),
            required("payload", "The operation's JSON object, or @FILE to read it from a file.", "JSON|@FILE"),
            required("idempotency-key", "Your own key for this operation.", "K"),
            { .name = QStringLiteral("not-before"),
                .description = QStringLiteral("Not sent before this RFC 3339 time."),
                .valueName = QStringLiteral("time") } },
        .json = JsonOutput::Always,
        .run = DatabaseHandler(submit) };
}

Command closing(const QString &name, const QString &summary, bool resolve)
{
    return { .name = name,
        .summary = summary,
        .options = { { .name = QStringLiteral("reason"),
            .description = QStringLiteral("Why (recorded in the audit log)."),
            .valueName = QStringLiteral("text"),
            .required = true } },
        .arguments = { { .name = QStringLiteral("ID"), .description = QStringLiteral("Operation id.") } },
        .check = checkClose,
        .run = DatabaseHandler(
            [resolve](const QCommandLineParser &args, AppContext &app) { return close(args, app, resolve); }) };
}
} // namespace

namespace Commands {

Command ops()
{
    Command list { .name = QStringLiteral("list"),
        .summary = QStringLiteral("List operations, newest first."),
        .options = { { .name = QStringLiteral("state"),
                         .description = QStringLiteral("A state, a comma list, or 'failed' (every state that needs "
                                                       "a person). States: %1. The console's labels (\"Unknown "
                                                       "outcome\") are accepted too, in any case.")
                                            .arg(stateNames()),
                         .valueName = QStringLiteral("s") },
            { .name = QStringLiteral("provider"),
                .description = QStringLiteral("Only this provider."),
                .valueName = QStringLiteral("p") },
            { .name = QStringLiteral("limit"),
                .description = QStringLiteral("At most this many (default: all)."),
                .valueName = QStringLiteral("n") } },
        .json = JsonOutput::OnRequest,
        .check = checkList,
        .run = DatabaseHandler(::list) };
    Command retry { .name = QStringLiteral("retry"),
        .summary = QStringLiteral("Retry operations safely: an unknown outcome is looked up at the provider first."),
        .details = QStringLiteral("Every attempt keeps the operation's idempotency key."),
        .arguments = { { .name = QStringLiteral("ID"),
            .description = QStringLiteral("Operation ids."),
            .count = Argument::Count::OneOrMore } },
        .check = checkRetry,
        .run = DatabaseHandler(::retry) };
    return { .name = QStringLiteral("ops"),
        .summary = QStringLiteral("Operations: list them, retry them one by one or in bulk (a plan first), see "
                                  "their failure groups, submit them, settle them by hand."),
        .subcommands = { std::move(list), std::move(retry), opsPlan(), opsRuns(), opsGroups(), submitCommand(),
            closing(QStringLiteral("resolve"), QStringLiteral("Resolve an operation by hand, with a reason."), true),
            closing(QStringLiteral("cancel"), QStringLiteral("Cancel an operation, with a reason."), false) } };
}

} // namespace Commands
