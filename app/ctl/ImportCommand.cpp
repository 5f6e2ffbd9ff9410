#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "core/Money.h"
#include "statements/StatementService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

QString balanceText(const std::optional<StatementBalance> &b)
{
    return b ? Money::formatIn(b->minor, b->currency) + QLatin1Char(' ') + b->currency : QStringLiteral("none");
}

QJsonValue balanceJson(const std::optional<StatementBalance> &b)
{
    return b ? QJsonValue(Money::formatIn(b->minor, b->currency)) : QJsonValue();
}

QString checkText(const StatementSummary &summary)
{
    const Statement &s = summary.statement;
    switch (summary.check()) {
    case Statement::Check::Balanced:
        return QStringLiteral("balances");
    case Statement::Check::Unbalanced: {
        const qint64 off = s.closing->minor - s.opening->minor - summary.total;
        return QStringLiteral("does NOT balance: closing differs by %1").arg(Money::formatIn(off, s.closing->currency));
    }
    case Statement::Check::Unknown:
        break;
    }
    if (!s.opening && !s.closing)
        return QStringLiteral("cannot be checked: the file has no balances");
    if (!s.opening || !s.closing)
        return QStringLiteral("cannot be checked: the file has no %1 balance").arg(s.opening ? "closing" : "opening");
    return QStringLiteral("cannot be checked: its balances and lines are in different currencies");
}

Status checkImport(const QCommandLineParser &args)
{
    if (args.isSet(QStringLiteral("format")) && !StatementReader::formatFromName(args.value(QStringLiteral("format"))))
        return failure(ErrorClass::Input,
            QStringLiteral("--format must be camt053, mt940, ofx or csv, not '%1'.")
                .arg(args.value(QStringLiteral("format"))));
    return success();
}

int importStatement(const QCommandLineParser &args, AppContext &app)
{
    const QString path = args.positionalArguments().value(0);
    const auto format = StatementReader::formatFromName(args.value(QStringLiteral("format")));
    auto imported
        = StatementService(app.database(), app.access())
              .importFile(path, format, args.value(QStringLiteral("account")), args.value(QStringLiteral("preset")));
    if (!imported)
        return fail(imported.message());
    const StatementFileImport &r = imported.value();
    if (args.isSet(QStringLiteral("json"))) {
        QJsonArray statements;
        for (const StatementSummary &summary : r.statements) {
            const Statement &s = summary.statement;
            statements.append(QJsonObject { { QStringLiteral("account"), s.account },
                { QStringLiteral("reference"), s.id }, { QStringLiteral("currency"), s.currency },
                { QStringLiteral("lines"), summary.lines }, { QStringLiteral("opening"), balanceJson(s.opening) },
                { QStringLiteral("closing"), balanceJson(s.closing) },
                { QStringLiteral("balanced"), summary.check() == Statement::Check::Balanced } });
        }
        out() << QJsonDocument(QJsonObject { { QStringLiteral("file"), r.fileName },
                                   { QStringLiteral("format"), StatementReader::formatName(r.format) },
                                   { QStringLiteral("statements"), statements },
                                   { QStringLiteral("lines_imported"), r.stored.linesImported },
                                   { QStringLiteral("duplicates_skipped"), r.stored.duplicatesSkipped },
                                   { QStringLiteral("locked_skipped"), r.stored.lockedSkipped } })
                     .toJson(QJsonDocument::Indented);
        return 0;
    }
    const QString how = r.preset.isEmpty()
        ? StatementReader::formatName(r.format)
        : StatementReader::formatName(r.format) + QStringLiteral(", preset ") + r.preset;
    out() << r.fileName << " (" << how << "): " << r.statements.size()
          << (r.statements.size() == 1 ? " statement, " : " statements, ") << r.stored.linesImported
          << " lines imported, " << r.stored.duplicatesSkipped << " already there"
          << (r.stored.lockedSkipped ? QStringLiteral(", %1 left out: dated in a signed-off period (reopen it to add "
                                                      "them)")
                                           .arg(r.stored.lockedSkipped)
                                     : QString())
          << "." << Qt::endl;
    for (const StatementSummary &summary : r.statements) {
        const Statement &s = summary.statement;
        out() << "  " << s.account << "  " << s.id << ": " << summary.lines << " lines, opening "
              << balanceText(s.opening) << ", closing " << balanceText(s.closing) << "; " << checkText(summary) << '.'
              << Qt::endl;
    }
    return 0;
}
} // namespace

namespace Commands {

Command import()
{
    return { .name = QStringLiteral("import"),
        .summary = QStringLiteral(
            "Import a bank or card statement (camt.053, MT940, OFX, or a CSV through a preset) for reconciliation."),
        .details = QStringLiteral(
            "All or nothing: a file that fails to parse imports nothing, and the error names the line. Importing "
            "the same file again, or one that overlaps it, adds no line twice. Each statement's opening balance "
            "plus its lines is checked against its closing balance, and a statement that does not balance is "
            "reported, not hidden; a CSV has no balances. A CSV (a bank's export, or a Stripe report as the "
            "provider's account) is read through a statement preset: reconsolectl records presets list --kind "
            "statements. The file streams, so its size does not matter. Needs the finance role; audited."),
        .options = { { .name = QStringLiteral("format"),
                         .description = QStringLiteral("The file's format; detected when not given."),
                         .valueName = QStringLiteral("camt053|mt940|ofx|csv") },
            { .name = QStringLiteral("preset"),
                .description = QStringLiteral("For a CSV: the statement preset that maps its columns (bank-csv, "
                                              "bank-csv-decimal-comma, stripe-payout-reconciliation, "
                                              "stripe-balance-change, or one saved)."),
                .valueName = QStringLiteral("NAME") },
            { .name = QStringLiteral("account"),
                .description = QStringLiteral("The account the file must be for (refused if it names another)."),
                .valueName = QStringLiteral("A") } },
        .arguments = { { .name = QStringLiteral("FILE"), .description = QStringLiteral("The statement file.") } },
        .json = JsonOutput::OnRequest,
        .check = checkImport,
        .run = DatabaseHandler(importStatement) };
}

} // namespace Commands
