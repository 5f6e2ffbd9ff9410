// `reconsolectl periods`: finance opens, signs off and reopens reconciliation periods, and sets
// what the workspace sets (exceptions, splits; an admin the approval threshold). Every action
// goes through ReconciliationDesk, the console's own engine, with the same checks and audit.
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

QString money(qint64 minor, const QString &currency)
{
    return Money::formatIn(minor, currency) + QLatin1Char(' ') + currency;
}

qint64 idArgument(const QCommandLineParser &args)
{
    return args.positionalArguments().value(0).toLongLong();
}

Status checkId(const QCommandLineParser &args)
{
    bool ok = false;
    const qint64 id = args.positionalArguments().value(0).toLongLong(&ok);
    return ok && id > 0 ? success()
                        : Status(failure(ErrorClass::Input,
                            QStringLiteral("'%1' is not a period id; `reconsolectl periods list` shows them.")
                                .arg(args.positionalArguments().value(0))));
}

// An amount in major units of `currency`, or an error naming the option.
Result<qint64> amountOption(const QCommandLineParser &args, const QString &name, const QString &currency)
{
    auto minor = Money::parseMajor(args.value(name).trimmed(), Money::exponent(currency));
    if (!minor)
        return failure(ErrorClass::Input,
            QStringLiteral("--%1 must be an amount in %2 such as 1250.00 or -3.10, not '%3'.")
                .arg(name, currency, args.value(name)));
    return *minor;
}

QJsonObject periodJson(const PeriodSummary &s)
{
    const ReconciliationPeriod &p = s.period;
    return QJsonObject { { QStringLiteral("id"), p.id }, { QStringLiteral("account"), p.account },
        { QStringLiteral("currency"), p.currency }, { QStringLiteral("from"), p.from.toString(Qt::ISODate) },
        { QStringLiteral("to"), p.to.toString(Qt::ISODate) },
        { QStringLiteral("opening"), Money::formatIn(p.openingMinor, p.currency) },
        { QStringLiteral("closing"), Money::formatIn(p.closingMinor, p.currency) },
        { QStringLiteral("cleared"), Money::formatIn(s.clearedMinor, p.currency) },
        { QStringLiteral("difference"), Money::formatIn(s.differenceMinor, p.currency) },
        { QStringLiteral("state"), p.signedOff ? QStringLiteral("signed_off") : QStringLiteral("open") },
        { QStringLiteral("signed_off_by"), p.signedOff ? QJsonValue(p.signedOffBy) : QJsonValue() },
        { QStringLiteral("unmatched_ledger"), s.unmatchedLedger },
        { QStringLiteral("unmatched_statement"), s.unmatchedStatement },
        { QStringLiteral("open_exceptions"), s.openExceptions },
        { QStringLiteral("pending_approvals"), s.pendingApprovals },
        { QStringLiteral("sign_off_blockers"), QJsonArray::fromStringList(s.signOffBlockers) } };
}

void printSummary(const PeriodSummary &s)
{
    const ReconciliationPeriod &p = s.period;
    out() << "period " << p.id << ": " << p.label() << ", "
          << (p.signedOff ? QStringLiteral("signed off by %1").arg(p.signedOffBy) : QStringLiteral("open")) << Qt::endl;
    out() << "  opening " << money(p.openingMinor, p.currency) << ", closing " << money(p.closingMinor, p.currency)
          << " (" << p.balancesFrom << "), cleared " << money(s.clearedMinor, p.currency) << Qt::endl;
    out() << "  difference " << money(s.differenceMinor, p.currency) << "; unmatched " << s.unmatchedLedger
          << " ledger, " << s.unmatchedStatement << " statement; open exceptions " << s.openExceptions
          << "; pending approvals " << s.pendingApprovals << Qt::endl;
    for (const QString &b : s.signOffBlockers)
        out() << "  not yet: " << b << Qt::endl;
}

int list(const QCommandLineParser &args, AppContext &app)
{
    const ReconciliationDesk desk(app.database(), app.access());
    auto periods = desk.periods(args.value(QStringLiteral("account")));
    if (!periods)
        return fail(periods.message());
    QJsonArray rows;
    for (const ReconciliationPeriod &p : periods.value()) {
        auto s = desk.summary(p.id);
        if (!s)
            return fail(s.message());
        if (args.isSet(QStringLiteral("json")))
            rows.append(periodJson(s.value()));
        else
            out() << qSetFieldWidth(5) << p.id << qSetFieldWidth(0) << "  " << p.label() << "  "
                  << (p.signedOff ? QStringLiteral("signed off") : QStringLiteral("open      ")) << "  difference "
                  << money(s->differenceMinor, p.currency) << Qt::endl;
    }
    if (args.isSet(QStringLiteral("json")))
        out() << QJsonDocument(rows).toJson(QJsonDocument::Indented);
    else if (periods->isEmpty())
        out() << "No periods yet: `reconsolectl periods open --account A --from DATE --to DATE` opens one." << Qt::endl;
    return 0;
}

int show(const QCommandLineParser &args, AppContext &app)
{
    auto s = ReconciliationDesk(app.database(), app.access()).summary(idArgument(args));
    if (!s)
        return fail(s.message());
    if (args.isSet(QStringLiteral("json")))
        out() << QJsonDocument(periodJson(s.value())).toJson(QJsonDocument::Indented);
    else
        printSummary(s.value());
    return 0;
}

int open(const QCommandLineParser &args, AppContext &app)
{
    const QString account = args.value(QStringLiteral("account")).trimmed();
    const QDate from = QDate::fromString(args.value(QStringLiteral("from")), Qt::ISODate);
    const QDate to = QDate::fromString(args.value(QStringLiteral("to")), Qt::ISODate);
    if (!from.isValid() || !to.isValid())
        return fail(QStringLiteral("--from and --to must be dates as YYYY-MM-DD."), 2);
    ReconciliationDesk desk(app.database(), app.access());
    QString currency = args.value(QStringLiteral("currency")).trimmed().toUpper();
    if (currency.isEmpty()) {
        auto found = desk.currencyOf(account, from, to);
        if (!found)
            return fail(found.message(), 2);
        currency = found.value();
    }
    std::optional<qint64> opening, closing;
    for (const QString name : { QStringLiteral("opening"), QStringLiteral("closing") }) {
        if (!args.isSet(name))
            continue;
        auto minor = amountOption(args, name, currency);
        if (!minor)
            return fail(minor.message(), 2);
        (name == QLatin1String("opening") ? opening : closing) = minor.value();
    }
    auto id = desk.openPeriod(account, currency, from, to, opening, closing);
    if (!id)
        return fail(id.message());
    auto s = desk.summary(id.value());
    if (!s)
        return fail(s.message());
    printSummary(s.value());
    return 0;
}

int signOff(const QCommandLineParser &args, AppContext &app)
{
    ReconciliationDesk desk(app.database(), app.access());
    if (Status done = desk.signOff(idArgument(args)); !done)
        return fail(done.message());
    out() << "Period " << idArgument(args) << " is signed off and locked." << Qt::endl;
    return 0;
}

int reopen(const QCommandLineParser &args, AppContext &app)
{
    if (Status done = ReconciliationDesk(app.database(), app.access())
                          .reopen(idArgument(args), args.value(QStringLiteral("reason")));
        !done)
        return fail(done.message());
    out() << "Period " << idArgument(args) << " is open again." << Qt::endl;
    return 0;
}

int balances(const QCommandLineParser &args, AppContext &app)
{
    ReconciliationDesk desk(app.database(), app.access());
    auto p = desk.period(idArgument(args));
    if (!p)
        return fail(p.message());
    auto opening = amountOption(args, QStringLiteral("opening"), p->currency);
    auto closing = amountOption(args, QStringLiteral("closing"), p->currency);
    if (!opening || !closing)
        return fail(opening ? closing.message() : opening.message(), 2);
    if (Status done = desk.setBalances(p->id, opening.value(), closing.value(), args.value(QStringLiteral("reason")));
        !done)
        return fail(done.message());
    auto s = desk.summary(p->id);
    if (!s)
        return fail(s.message());
    printSummary(s.value());
    return 0;
}

int threshold(const QCommandLineParser &args, AppContext &app)
{
    const QString currency = args.value(QStringLiteral("currency")).trimmed().toUpper();
    auto minor = amountOption(args, QStringLiteral("amount"), currency);
    if (!minor)
        return fail(minor.message(), 2);
    if (Status done
        = ReconciliationDesk(app.database(), app.access())
              .setApprovalThreshold(args.value(QStringLiteral("account")).trimmed(), currency, minor.value());
        !done)
        return fail(done.message());
    out() << "Write-offs and adjustments above " << money(minor.value(), currency) << " on "
          << args.value(QStringLiteral("account")) << " now need a second finance user." << Qt::endl;
    return 0;
}

Option accountOption()
{
    return { .name = QStringLiteral("account"),
        .description = QStringLiteral("The account (an IBAN, or a provider id)."),
        .valueName = QStringLiteral("A"),
        .required = true };
}

Argument periodId()
{
    return { .name = QStringLiteral("ID"), .description = QStringLiteral("The period's id (periods list).") };
}
} // namespace

namespace Commands {

Command periods()
{
    const Option reason { .name = QStringLiteral("reason"),
        .description = QStringLiteral("Why, for the audit log."),
        .valueName = QStringLiteral("TEXT"),
        .required = true };
    return { .name = QStringLiteral("periods"),
        .summary = QStringLiteral("Reconciliation periods: open, sign off and lock, reopen (finance; audited)."),
        .details = QStringLiteral(
            "A period is an account and currency from one day to another, with its opening and closing balance; "
            "its difference is closing - opening - cleared (the ledger rows in confirmed matches plus approved "
            "adjustments). Periods of an account follow each other without gap or overlap. A period signs off "
            "only at a difference of zero with no open exception and no pending approval, and is then locked."),
        .subcommands = { { .name = QStringLiteral("list"),
                             .summary = QStringLiteral("List periods with their state and difference."),
                             .options = { { .name = QStringLiteral("account"),
                                 .description = QStringLiteral("Only this account's."),
                                 .valueName = QStringLiteral("A") } },
                             .json = JsonOutput::OnRequest,
                             .run = DatabaseHandler(list) },
            { .name = QStringLiteral("show"),
                .summary = QStringLiteral("A period's balances, difference, unmatched rows and what blocks sign-off."),
                .arguments = { periodId() },
                .json = JsonOutput::OnRequest,
                .check = checkId,
                .run = DatabaseHandler(show) },
            { .name = QStringLiteral("open"),
                .summary = QStringLiteral("Open the next period; balances from the statements unless given."),
                .options = { accountOption(),
                    { .name = QStringLiteral("from"),
                        .description = QStringLiteral("Its first day."),
                        .valueName = QStringLiteral("DATE"),
                        .required = true },
                    { .name = QStringLiteral("to"),
                        .description = QStringLiteral("Its last day (inclusive)."),
                        .valueName = QStringLiteral("DATE"),
                        .required = true },
                    { .name = QStringLiteral("currency"),
                        .description = QStringLiteral("Its currency; the account's rows' one if they have one."),
                        .valueName = QStringLiteral("CODE") },
                    { .name = QStringLiteral("opening"),
                        .description = QStringLiteral("The opening balance (the previous period's closing otherwise)."),
                        .valueName = QStringLiteral("AMOUNT") },
                    { .name = QStringLiteral("closing"),
                        .description = QStringLiteral("The closing balance (the statement's otherwise)."),
                        .valueName = QStringLiteral("AMOUNT") } },
                .run = DatabaseHandler(open) },
            { .name = QStringLiteral("sign-off"),
                .summary = QStringLiteral("Sign a period off and lock it; refused, says which condition fails."),
                .arguments = { periodId() },
                .check = checkId,
                .run = DatabaseHandler(signOff) },
            { .name = QStringLiteral("reopen"),
                .summary = QStringLiteral("Reopen a signed-off period, with a reason."),
                .options = { reason },
                .arguments = { periodId() },
                .check = checkId,
                .run = DatabaseHandler(reopen) },
            { .name = QStringLiteral("balances"),
                .summary = QStringLiteral("Correct an open period's balances, with a reason."),
                .options = { { .name = QStringLiteral("opening"),
                                 .description = QStringLiteral("The opening balance."),
                                 .valueName = QStringLiteral("AMOUNT"),
                                 .required = true },
                    { .name = QStringLiteral("closing"),
                        .description = QStringLiteral("The closing balance."),
                        .valueName = QStringLiteral("AMOUNT"),
                        .required = true },
                    reason },
                .arguments = { periodId() },
                .check = checkId,
                .run = DatabaseHandler(balances) },
            { .name = QStringLiteral("threshold"),
                .summary = QStringLiteral("Admin: above this amount a write-off or adjustment needs a second person."),
                .options = { accountOption(),
                    { .name = QStringLiteral("currency"),
                        .description = QStringLiteral("The currency it applies to."),
                        .valueName = QStringLiteral("CODE"),
                        .required = true },
                    { .name = QStringLiteral("amount"),
                        .description = QStringLiteral("The threshold, in major units (0: every one)."),
                        .valueName = QStringLiteral("AMOUNT"),
                        .required = true } },
                .run = DatabaseHandler(threshold) } } };
}

} // namespace Commands
