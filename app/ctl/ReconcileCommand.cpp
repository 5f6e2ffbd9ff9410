#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "core/Money.h"
#include "reconciliation/ReconciliationService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

QDate dateOption(const QCommandLineParser &args, const QString &name)
{
    return QDate::fromString(args.value(name), Qt::ISODate);
}

Status checkReconcile(const QCommandLineParser &args)
{
    for (const QString name : { QStringLiteral("from"), QStringLiteral("to") })
        if (!dateOption(args, name).isValid())
            return failure(ErrorClass::Input,
                QStringLiteral("--%1 must be a date as YYYY-MM-DD, not '%2'.").arg(name, args.value(name)));
    if (dateOption(args, QStringLiteral("from")) > dateOption(args, QStringLiteral("to")))
        return failure(ErrorClass::Input,
            QStringLiteral("--from %1 is after --to %2; give the range's first day first.")
                .arg(args.value(QStringLiteral("from")), args.value(QStringLiteral("to"))));
    if (args.value(QStringLiteral("account")).trimmed().isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("--account must name the account (a bank account's IBAN, or a provider id)."));
    return success();
}

QJsonObject perCurrencyJson(const QMap<QString, qint64> &totals)
{
    QJsonObject o;
    for (auto it = totals.begin(); it != totals.end(); ++it)
        o.insert(it.key(), Money::formatIn(it.value(), it.key()));
    return o;
}

QString perCurrencyText(const QMap<QString, qint64> &totals)
{
    if (totals.isEmpty())
        return QStringLiteral("none");
    QStringList parts;
    for (auto it = totals.begin(); it != totals.end(); ++it)
        parts << Money::formatIn(it.value(), it.key()) + QLatin1Char(' ') + it.key();
    return parts.join(QStringLiteral(", "));
}

int printJson(const Reconciliation &r)
{
    QJsonArray rules;
    for (const ReconResult::RuleCount &c : r.result.perRule())
        rules.append(QJsonObject { { QStringLiteral("rule"), c.rule }, { QStringLiteral("matches"), c.matches },
            { QStringLiteral("ledger_rows"), c.leftRows }, { QStringLiteral("other_rows"), c.rightRows } });
    const auto side = [](qsizetype count, const QMap<QString, qint64> &totals) {
        return QJsonObject { { QStringLiteral("count"), qint64(count) },
            { QStringLiteral("total"), perCurrencyJson(totals) } };
    };
    out() << QJsonDocument(
        QJsonObject { { QStringLiteral("account"), r.account },
            { QStringLiteral("from"), r.from.toString(Qt::ISODate) },
            { QStringLiteral("to"), r.to.toString(Qt::ISODate) }, { QStringLiteral("dry_run"), r.dryRun },
            { QStringLiteral("run"), r.dryRun ? QJsonValue() : QJsonValue(r.runId) },
            { QStringLiteral("ledger_rows"), qint64(r.ledgerRows) },
            { QStringLiteral("other_rows"), qint64(r.statementRows) }, { QStringLiteral("matched"), rules },
            { QStringLiteral("confirmed_kept"), r.result.confirmedKept() },
            { QStringLiteral("unmatched"),
                QJsonObject {
                    { QStringLiteral("ledger"), side(r.result.unmatchedLeft().size(), r.unmatchedLedgerTotal) },
                    { QStringLiteral("other"), side(r.result.unmatchedRight().size(), r.unmatchedStatementTotal) } } },
            { QStringLiteral("difference"), perCurrencyJson(r.result.difference()) } })
                 .toJson(QJsonDocument::Indented);
    return 0;
}

int runReconcile(const QCommandLineParser &args, AppContext &app)
{
    MatchRules rules = MatchRules::defaults();
    if (args.isSet(QStringLiteral("rules"))) {
        auto loaded = MatchRules::load(args.value(QStringLiteral("rules")));
        if (!loaded)
            return fail(QStringLiteral("--rules: %1").arg(loaded.message()));
        rules = loaded.value();
    }
    auto done
        = ReconciliationService(app.database(), app.access())
              .reconcile(args.value(QStringLiteral("account")).trimmed(), dateOption(args, QStringLiteral("from")),
                  dateOption(args, QStringLiteral("to")), rules, args.isSet(QStringLiteral("dry-run")));
    if (!done)
        return fail(done.message());
    const Reconciliation &r = done.value();
    if (args.isSet(QStringLiteral("json")))
        return printJson(r);
    out() << r.account << " from " << r.from.toString(Qt::ISODate) << " to " << r.to.toString(Qt::ISODate) << ": "
          << r.ledgerRows << " ledger rows, " << r.statementRows << " other rows"
          << (r.dryRun ? QStringLiteral(" (dry run: nothing stored)")
                       : QStringLiteral(" (stored as run %1)").arg(r.runId))
          << Qt::endl;
    for (const ReconResult::RuleCount &c : r.result.perRule())
        out() << "  " << c.rule << ": " << c.matches << " matches (" << c.leftRows << " ledger rows, " << c.rightRows
              << " other rows)" << Qt::endl;
    out() << "  confirmed, kept: " << r.result.confirmedKept() << Qt::endl;
    out() << "  unmatched ledger: " << r.result.unmatchedLeft().size() << " ("
          << perCurrencyText(r.unmatchedLedgerTotal) << ")" << Qt::endl;
    out() << "  unmatched other: " << r.result.unmatchedRight().size() << " ("
          << perCurrencyText(r.unmatchedStatementTotal) << ")" << Qt::endl;
    out() << "  difference: " << perCurrencyText(r.result.difference()) << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command reconcile()
{
    return { .name = QStringLiteral("reconcile"),
        .summary = QStringLiteral("Match an account's ledger entries against its statement lines over a date range."),
        .details = QStringLiteral(
            "The account is our ledger's and the statement's: a bank account's IBAN against the bank statement, "
            "or a provider id (stripe-sandbox) for our clearing account against its balance transactions. The "
            "rules run in order (exact, tolerance, fee, grouped unless --rules gives others); matches a person "
            "confirmed are kept, the rest of the range is matched anew and stored with the run. Prints the "
            "matches per rule, the unmatched rows of each side and the difference per currency. Needs the "
            "finance role; audited."),
        .options = { { .name = QStringLiteral("account"),
                         .description = QStringLiteral("The account (an IBAN, or a provider id)."),
                         .valueName = QStringLiteral("A"),
                         .required = true },
            { .name = QStringLiteral("from"),
                .description = QStringLiteral("The range's first booking date."),
                .valueName = QStringLiteral("DATE"),
                .required = true },
            { .name = QStringLiteral("to"),
                .description = QStringLiteral("The range's last booking date (inclusive)."),
                .valueName = QStringLiteral("DATE"),
                .required = true },
            { .name = QStringLiteral("rules"),
                .description = QStringLiteral("A JSON rules file (docs/reconciliation.md); the defaults otherwise."),
                .valueName = QStringLiteral("FILE") },
            { .name = QStringLiteral("dry-run"),
                .description = QStringLiteral("Show what the rules would match; store nothing.") } },
        .json = JsonOutput::OnRequest,
        .check = checkReconcile,
        .run = DatabaseHandler(runReconcile) };
}

} // namespace Commands
