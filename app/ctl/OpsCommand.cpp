#include "AppContext.h"
#include "Commands.h"
#include "store/Database.h"
#include "operations/OperationService.h"
#include "operations/OperationsQuery.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace {
using namespace Commands;

QJsonObject toJson(const OperationRow &r)
{
    return {{QStringLiteral("id"), r.id},
            {QStringLiteral("action"), r.action},
            {QStringLiteral("entity_type"), r.entityType},
            {QStringLiteral("entity_id"), r.entityId},
            {QStringLiteral("provider"), r.providerId},
            {QStringLiteral("state"), OperationStates::name(r.state)},
            {QStringLiteral("attempts"), r.attempts},
            {QStringLiteral("last_error_class"), r.lastErrorClass},
            {QStringLiteral("last_error"), r.lastError},
            {QStringLiteral("external_id"), r.externalId},
            {QStringLiteral("created_at"), QDateTime::fromMSecsSinceEpoch(r.createdAt, Qt::UTC).toString(Qt::ISODate)}};
}

// `failed` means every state that needs a person; otherwise a state name.
bool parseStates(const QString &value, QList<OperationState> *states)
{
    if (value.isEmpty())
        return true;
    for (const QString &name : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        OperationState s;
        if (name == QLatin1String("failed"))
            *states << OperationStates::needingAction();
        else if (OperationStates::fromName(name, &s))
            *states << s;
        else
            return false;
    }
    return true;
}

int list(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists operations, newest first."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("state"), QStringLiteral("A state, a comma list, or 'failed' (all needing action)."),
                      QStringLiteral("s")});
    parser.addOption({QStringLiteral("provider"), QStringLiteral("Only this provider."), QStringLiteral("p")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("At most this many (default: all)."), QStringLiteral("n")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("One JSON array instead of a table.")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    OperationsFilter filter;
    if (!parseStates(parser.value(QStringLiteral("state")), &filter.states)) {
        QStringList names{QStringLiteral("failed")};
        for (OperationState s : OperationStates::all())
            names << OperationStates::name(s);
        return fail(QStringLiteral("Unknown state '%1'; use one of: %2.")
                        .arg(parser.value(QStringLiteral("state")), names.join(QStringLiteral(", "))),
                    2);
    }
    filter.providerId = parser.value(QStringLiteral("provider"));
    const qint64 limit = parser.isSet(QStringLiteral("limit")) ? parser.value(QStringLiteral("limit")).toLongLong()
                                                               : std::numeric_limits<qint64>::max();
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    Database &db = ctx.value()->database();

    // Keyset pages, so a million rows stream out in constant memory.
    const OperationsQuery query(filter, {}, db.dialect());
    const bool json = parser.isSet(QStringLiteral("json"));
    QJsonArray array;
    if (!json)
        out() << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                     .arg(QStringLiteral("ID"), 7)
                     .arg(QStringLiteral("STATE"), -16)
                     .arg(QStringLiteral("ACTION"), -16)
                     .arg(QStringLiteral("ENTITY"), -18)
                     .arg(QStringLiteral("ATT"), 3)
                     .arg(QStringLiteral("LAST ERROR"));
    qint64 printed = 0;
    RowKey from;
    bool fromKey = false;
    for (;;) {
        QSqlQuery q(db.connection());
        q.setForwardOnly(true);
        q.prepare(query.pageSql(fromKey, false, 1000));
        for (const QVariant &v : query.filterValues())
            q.addBindValue(v);
        if (fromKey) {
            q.addBindValue(from.sortValue);
            q.addBindValue(from.id);
        }
        if (!q.exec())
            return fail(QStringLiteral("Cannot list operations: %1").arg(q.lastError().text()));
        int rows = 0;
        while (q.next() && printed < limit) {
            const OperationRow r = OperationsQuery::rowFrom(q);
            from = r.key;
            ++rows;
            ++printed;
            if (json)
                array.append(toJson(r));
            else
                out() << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                             .arg(r.id, 7)
                             .arg(OperationStates::name(r.state), -16)
                             .arg(r.action, -16)
                             .arg(r.entityId, -18)
                             .arg(r.attempts, 3)
                             .arg(r.lastError);
        }
        fromKey = true;
        if (rows < 1000 || printed >= limit)
            break;
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

int retry(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Retries operations safely: an unknown outcome is first looked up "
                                                    "at the provider; every attempt keeps the operation's idempotency "
                                                    "key."));
    AppContext::addDatabaseOption(parser);
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Operation ids."), QStringLiteral("ID…"));
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    QList<qint64> ids;
    if (!parseIds(parser.positionalArguments(), &ids))
        return fail(QStringLiteral("Give one or more operation ids (numbers), e.g. `ops retry 42 43`."), 2);
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    QEventLoop loop;
    int failures = 0;
    bool finished = false;
    ctx.value()->operations().retry(
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

int close(const QStringList &args, bool resolve)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(resolve ? QStringLiteral("Resolves an operation by hand, with a reason.")
                                             : QStringLiteral("Cancels an operation, with a reason."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("reason"), QStringLiteral("Why (recorded in the audit log)."), QStringLiteral("text")});
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Operation id."));
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    QList<qint64> ids;
    if (!parseIds(parser.positionalArguments(), &ids) || ids.size() != 1)
        return fail(QStringLiteral("Give exactly one operation id."), 2);
    if (parser.value(QStringLiteral("reason")).trimmed().isEmpty())
        return fail(QStringLiteral("Give --reason: the audit log records why."), 2);
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    OperationService &service = ctx.value()->operations();
    const QString reason = parser.value(QStringLiteral("reason"));
    Status done = resolve ? service.resolve(ids.first(), reason) : service.cancel(ids.first(), reason);
    if (!done)
        return fail(done.message());
    out() << ids.first() << ": " << (resolve ? "resolved" : "cancelled") << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

int ops(const QStringList &args)
{
    const QString sub = args.value(1);
    const QStringList rest = QStringList{args.value(0) + QLatin1Char(' ') + sub} + args.mid(2);
    if (sub == QLatin1String("list"))
        return list(rest);
    if (sub == QLatin1String("retry"))
        return retry(rest);
    if (sub == QLatin1String("resolve"))
        return close(rest, true);
    if (sub == QLatin1String("cancel"))
        return close(rest, false);
    return fail(QStringLiteral("Usage: reconsolectl ops list|retry|resolve|cancel … (add --help to any of them)."), 2);
}

} // namespace Commands
