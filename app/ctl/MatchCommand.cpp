// The reconciliation workspace's actions for scripts: match, unmatch, write-off, approve,
// split and exception, through the same ReconciliationDesk (checks, locks, audit) as the console.
// A refused action exits 1 and says which condition failed.
#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "core/Money.h"
#include "reconciliation/ReconciliationDesk.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

Result<QList<qint64>> idList(const QCommandLineParser &args, const QString &name)
{
    QList<qint64> ids;
    for (const QString &value : args.values(name)) {
        for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const qint64 id = part.trimmed().toLongLong(&ok);
            if (!ok || id <= 0)
                return failure(
                    ErrorClass::Input, QStringLiteral("--%1 takes row ids (12 or 12,13), not '%2'.").arg(name, part));
            ids << id;
        }
    }
    return ids;
}

qint64 firstId(const QCommandLineParser &args)
{
    return args.positionalArguments().value(0).toLongLong();
}

Status checkFirstId(const QCommandLineParser &args)
{
    bool ok = false;
    return args.positionalArguments().value(0).toLongLong(&ok) > 0 && ok
        ? success()
        : Status(
            failure(ErrorClass::Input, QStringLiteral("'%1' is not an id.").arg(args.positionalArguments().value(0))));
}

// --ledger ID or --statement ID, exactly one.
Result<RowRef> oneRow(const QCommandLineParser &args)
{
    auto ledger = idList(args, QStringLiteral("ledger"));
    auto statement = idList(args, QStringLiteral("statement"));
    if (!ledger || !statement)
        return ledger ? statement.error() : ledger.error();
    if (ledger->size() + statement->size() != 1)
        return failure(ErrorClass::Input, QStringLiteral("Give one row: --ledger ID or --statement ID."));
    return ledger->isEmpty() ? RowRef { RowSide::Statement, statement->first() }
                             : RowRef { RowSide::Ledger, ledger->first() };
}

int runMatch(const QCommandLineParser &args, AppContext &app)
{
    ReconciliationDesk desk(app.database(), app.access());
    const QString account = args.value(QStringLiteral("account")).trimmed();
    if (args.isSet(QStringLiteral("above"))) {
        bool ok = false;
        const double score = args.value(QStringLiteral("above")).toDouble(&ok);
        const QDate from = QDate::fromString(args.value(QStringLiteral("from")), Qt::ISODate);
        const QDate to = QDate::fromString(args.value(QStringLiteral("to")), Qt::ISODate);
        if (!ok || !from.isValid() || !to.isValid())
            return fail(QStringLiteral("--above takes a score (0.9) and needs --from and --to as YYYY-MM-DD."), 2);
        auto n = desk.confirmAbove(account, from, to, score, args.isSet(QStringLiteral("dry-run")));
        if (!n)
            return fail(n.message());
        out() << (args.isSet(QStringLiteral("dry-run")) ? "Would confirm " : "Confirmed ") << n.value()
              << " suggestions scoring " << score << " or more." << Qt::endl;
        return 0;
    }
    auto confirm = idList(args, QStringLiteral("confirm"));
    if (!confirm)
        return fail(confirm.message(), 2);
    if (!confirm->isEmpty()) {
        for (qint64 id : confirm.value())
            if (Status done = desk.confirmMatch(id); !done)
                return fail(done.message());
        out() << "Confirmed " << confirm->size() << (confirm->size() == 1 ? " match." : " matches.") << Qt::endl;
        return 0;
    }
    auto ledger = idList(args, QStringLiteral("ledger"));
    auto statement = idList(args, QStringLiteral("statement"));
    if (!ledger || !statement)
        return fail(ledger ? statement.message() : ledger.message(), 2);
    std::optional<Adjustment::Kind> kind;
    if (args.isSet(QStringLiteral("kind"))) {
        kind = Adjustment::kindFromName(args.value(QStringLiteral("kind")));
        if (!kind || kind == Adjustment::Kind::WriteOff)
            return fail(
                QStringLiteral("--kind is fee, fx or rounding, not '%1'.").arg(args.value(QStringLiteral("kind"))), 2);
    }
    auto id = desk.matchByHand(account, ledger.value(), statement.value(), kind, args.value(QStringLiteral("reason")));
    if (!id)
        return fail(id.message());
    out() << "Match " << id.value() << " made." << Qt::endl;
    return 0;
}

int runUnmatch(const QCommandLineParser &args, AppContext &app)
{
    if (Status done
        = ReconciliationDesk(app.database(), app.access()).unmatch(firstId(args), args.value(QStringLiteral("reason")));
        !done)
        return fail(done.message());
    out() << "Match " << firstId(args) << " undone; its rows are unmatched again." << Qt::endl;
    return 0;
}

int runWriteOff(const QCommandLineParser &args, AppContext &app)
{
    auto row = oneRow(args);
    if (!row)
        return fail(row.message(), 2);
    ReconciliationDesk desk(app.database(), app.access());
    auto id = desk.writeOff(
        args.value(QStringLiteral("account")).trimmed(), row.value(), args.value(QStringLiteral("reason")));
    if (!id)
        return fail(id.message());
    auto pending = desk.adjustments({}, true);
    const bool waits = pending
        && std::any_of(pending->begin(), pending->end(), [&](const Adjustment &a) { return a.id == id.value(); });
    out() << "Write-off " << id.value()
          << (waits ? " proposed: it waits for a second finance user (reconsolectl approve "
                         + QString::number(id.value()) + ")."
                    : QStringLiteral(" booked."))
          << Qt::endl;
    return 0;
}

QJsonObject adjustmentJson(const Adjustment &a)
{
    return QJsonObject { { QStringLiteral("id"), a.id }, { QStringLiteral("account"), a.account },
        { QStringLiteral("kind"), Adjustment::kindName(a.kind) },
        { QStringLiteral("amount"), Money::formatIn(a.amountMinor, a.currency) },
        { QStringLiteral("currency"), a.currency }, { QStringLiteral("match"), a.matchId },
        { QStringLiteral("day"), a.day.toString(Qt::ISODate) }, { QStringLiteral("reason"), a.reason },
        { QStringLiteral("state"), Adjustment::stateName(a.state) }, { QStringLiteral("proposed_by"), a.proposedBy },
        { QStringLiteral("decided_by"), a.decidedBy.isEmpty() ? QJsonValue() : QJsonValue(a.decidedBy) } };
}

int runApprove(const QCommandLineParser &args, AppContext &app)
{
    ReconciliationDesk desk(app.database(), app.access());
    if (args.positionalArguments().isEmpty()) {
        auto pending = desk.adjustments(args.value(QStringLiteral("account")), true);
        if (!pending)
            return fail(pending.message());
        QJsonArray rows;
        for (const Adjustment &a : pending.value()) {
            if (args.isSet(QStringLiteral("json")))
                rows.append(adjustmentJson(a));
            else
                out() << a.id << "  " << a.account << "  " << Adjustment::kindName(a.kind) << "  "
                      << Money::formatIn(a.amountMinor, a.currency) << ' ' << a.currency << "  proposed by "
                      << a.proposedBy << ": " << a.reason << Qt::endl;
        }
        if (args.isSet(QStringLiteral("json")))
            out() << QJsonDocument(rows).toJson(QJsonDocument::Indented);
        else if (pending->isEmpty())
            out() << "Nothing waits for approval." << Qt::endl;
        return 0;
    }
    const bool rejecting = args.isSet(QStringLiteral("reject"));
    const QString note = args.value(QStringLiteral("note"));
    Status done = rejecting ? desk.reject(firstId(args), note) : desk.approve(firstId(args), note);
    if (!done)
        return fail(done.message());
    out() << "Adjustment " << firstId(args) << (rejecting ? " rejected." : " approved.") << Qt::endl;
    return 0;
}

int runSplit(const QCommandLineParser &args, AppContext &app)
{
    ReconciliationDesk desk(app.database(), app.access());
    QList<qint64> parts;
    // The parts are in the line's currency, read at its exponent by the desk's own row read.
    const QStringList texts = args.value(QStringLiteral("parts")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QString currency = args.value(QStringLiteral("currency")).trimmed().toUpper();
    for (const QString &t : texts) {
        auto minor = Money::parseMajor(t.trimmed(), Money::exponent(currency));
        if (!minor)
            return fail(QStringLiteral("--parts takes amounts in %1 separated by commas (60.00,-5.00), not '%2'.")
                            .arg(currency, t),
                2);
        parts << *minor;
    }
    auto ids = desk.split(firstId(args), parts, args.value(QStringLiteral("reason")));
    if (!ids)
        return fail(ids.message());
    QStringList shown;
    for (qint64 id : ids.value())
        shown << QString::number(id);
    out() << "Line " << firstId(args) << " split into lines " << shown.join(QStringLiteral(", ")) << '.' << Qt::endl;
    return 0;
}

int runException(const QCommandLineParser &args, AppContext &app)
{
    auto row = oneRow(args);
    if (!row)
        return fail(row.message(), 2);
    auto state = RowException::stateFromName(args.value(QStringLiteral("mark")));
    if (!state)
        return fail(QStringLiteral("--mark is open, investigating or resolved, not '%1'.")
                        .arg(args.value(QStringLiteral("mark"))),
            2);
    if (Status done = ReconciliationDesk(app.database(), app.access())
                          .setException(args.value(QStringLiteral("account")).trimmed(), row.value(), state.value(),
                              args.value(QStringLiteral("note")), args.value(QStringLiteral("assignee")));
        !done)
        return fail(done.message());
    out() << "Exception " << RowException::stateName(state.value()) << '.' << Qt::endl;
    return 0;
}

Option account(bool required = true)
{
    return { .name = QStringLiteral("account"),
        .description = QStringLiteral("The account (an IBAN, or a provider id)."),
        .valueName = QStringLiteral("A"),
        .required = required };
}

Option rows(const QString &side, bool repeatable)
{
    return { .name = side,
        .description = side == QLatin1String("ledger")
            ? (repeatable ? QStringLiteral("Ledger entry ids (12 or 12,13).") : QStringLiteral("A ledger entry's id."))
            : (repeatable ? QStringLiteral("Statement line ids (40 or 40,41).")
                          : QStringLiteral("A statement line's id.")),
        .valueName = repeatable ? QStringLiteral("IDS") : QStringLiteral("ID"),
        .repeatable = repeatable };
}

Option reason(bool required)
{
    return { .name = QStringLiteral("reason"),
        .description = QStringLiteral("Why, for the audit log."),
        .valueName = QStringLiteral("TEXT"),
        .required = required };
}
} // namespace

namespace Commands {

Command match()
{
    return { .name = QStringLiteral("match"),
        .summary = QStringLiteral("Match rows by hand, or confirm the rules' suggestions (finance; audited)."),
        .details = QStringLiteral(
            "--ledger and --statement match rows one-to-one, one-to-many or many-to-one. Sums that disagree need "
            "--kind (fee, fx, rounding) and --reason: the difference is booked as an adjustment, which above the "
            "account's threshold waits for a second finance user. --confirm confirms stored suggestions; --above "
            "confirms every suggestion from --from to --to scoring at least SCORE (--dry-run counts them)."),
        .options = { account(false), rows(QStringLiteral("ledger"), true), rows(QStringLiteral("statement"), true),
            { .name = QStringLiteral("kind"),
                .description = QStringLiteral("How to book a difference: fee, fx or rounding."),
                .valueName = QStringLiteral("KIND") },
            reason(false),
            { .name = QStringLiteral("confirm"),
                .description = QStringLiteral("Confirm these stored suggestions (match ids)."),
                .valueName = QStringLiteral("IDS"),
                .repeatable = true },
            { .name = QStringLiteral("above"),
                .description = QStringLiteral("Confirm every suggestion scoring at least this."),
                .valueName = QStringLiteral("SCORE") },
            { .name = QStringLiteral("from"),
                .description = QStringLiteral("With --above: the first day."),
                .valueName = QStringLiteral("DATE") },
            { .name = QStringLiteral("to"),
                .description = QStringLiteral("With --above: the last day."),
                .valueName = QStringLiteral("DATE") },
            { .name = QStringLiteral("dry-run"), .description = QStringLiteral("With --above: only count.") } },
        .run = DatabaseHandler(runMatch) };
}

Command unmatch()
{
    return { .name = QStringLiteral("unmatch"),
        .summary = QStringLiteral("Undo a match; its adjustments are reversed (finance; audited)."),
        .options = { reason(true) },
        .arguments = { { .name = QStringLiteral("MATCH"), .description = QStringLiteral("The match's id.") } },
        .check = checkFirstId,
        .run = DatabaseHandler(runUnmatch) };
}

Command writeOff()
{
    return { .name = QStringLiteral("write-off"),
        .summary = QStringLiteral("Write off one unmatched row with a reason (finance; audited)."),
        .details = QStringLiteral("Above the account's approval threshold it waits for a second finance user."),
        .options
        = { account(), rows(QStringLiteral("ledger"), false), rows(QStringLiteral("statement"), false), reason(true) },
        .run = DatabaseHandler(runWriteOff) };
}

Command approve()
{
    return { .name = QStringLiteral("approve"),
        .summary = QStringLiteral("Approve or reject a pending write-off or adjustment; without an id, list them."),
        .details = QStringLiteral("Four eyes: the person who proposed it cannot decide it."),
        .options = { account(false),
            { .name = QStringLiteral("reject"), .description = QStringLiteral("Reject it (needs --note).") },
            { .name = QStringLiteral("note"),
                .description = QStringLiteral("A note for the audit log."),
                .valueName = QStringLiteral("TEXT") } },
        .arguments = { { .name = QStringLiteral("ADJUSTMENT"),
            .description = QStringLiteral("The adjustment's id."),
            .count = Argument::Count::Optional } },
        .json = JsonOutput::OnRequest,
        .run = DatabaseHandler(runApprove) };
}

Command split()
{
    return { .name = QStringLiteral("split"),
        .summary = QStringLiteral("Split a statement line into parts that add up to it (finance; audited)."),
        .options = { { .name = QStringLiteral("parts"),
                         .description = QStringLiteral("The parts, in major units, separated by commas."),
                         .valueName = QStringLiteral("AMOUNTS"),
                         .required = true },
            { .name = QStringLiteral("currency"),
                .description = QStringLiteral("The line's currency, for reading the parts."),
                .valueName = QStringLiteral("CODE"),
                .required = true },
            reason(true) },
        .arguments = { { .name = QStringLiteral("LINE"), .description = QStringLiteral("The statement line's id.") } },
        .check = checkFirstId,
        .run = DatabaseHandler(runSplit) };
}

Command exception()
{
    return { .name = QStringLiteral("exception"),
        .summary = QStringLiteral("Set an unmatched row's exception state: open, investigating, resolved."),
        .options = { account(), rows(QStringLiteral("ledger"), false), rows(QStringLiteral("statement"), false),
            { .name = QStringLiteral("mark"),
                .description = QStringLiteral("open, investigating (with --note and --assignee) or resolved (--note)."),
                .valueName = QStringLiteral("STATE"),
                .required = true },
            { .name = QStringLiteral("note"),
                .description = QStringLiteral("What is known, or how it was resolved."),
                .valueName = QStringLiteral("TEXT") },
            { .name = QStringLiteral("assignee"),
                .description = QStringLiteral("Who looks into it."),
                .valueName = QStringLiteral("NAME") } },
        .run = DatabaseHandler(runException) };
}

} // namespace Commands
