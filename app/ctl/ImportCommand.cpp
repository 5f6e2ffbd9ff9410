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
    return b ? Money::formatMajor(b->minor, Money::exponent(b->currency)) + QLatin1Char(' ') + b->currency
             : QStringLiteral("none");
}

QJsonValue balanceJson(const std::optional<StatementBalance> &b)
{
    return b ? QJsonValue(Money::formatMajor(b->minor, Money::exponent(b->currency))) : QJsonValue();
}

QString checkText(const Statement &s)
{
    switch (s.check()) {
    case Statement::Check::Balanced:
        return QStringLiteral("balances");
    case Statement::Check::Unbalanced: {
        const qint64 off = s.closing->minor - s.opening->minor - s.linesTotal();
        return QStringLiteral("does NOT balance: closing differs by %1")
            .arg(Money::formatMajor(off, Money::exponent(s.closing->currency)));
    }
    case Statement::Check::Unknown:
        break;
    }
    if (!s.opening || !s.closing)
        return QStringLiteral("cannot be checked: the file has no %1 balance").arg(s.opening ? "closing" : "opening");
    return QStringLiteral("cannot be checked: its balances and lines are in different currencies");
}

Status checkImport(const QCommandLineParser &args)
{
    if (args.isSet(QStringLiteral("format")) && !StatementReader::formatFromName(args.value(QStringLiteral("format"))))
        return failure(ErrorClass::Input,
            QStringLiteral("--format must be camt053, mt940 or ofx, not '%1'.")
                .arg(args.value(QStringLiteral("format"))));
    return success();
}

int importStatement(const QCommandLineParser &args, AppContext &app)
{
    const QString path = args.positionalArguments().value(0);
    const auto format = StatementReader::formatFromName(args.value(QStringLiteral("format")));
    auto imported = StatementService(app.database(), app.access())
                        .importFile(path, format, args.value(QStringLiteral("account")));
    if (!imported)
        return fail(imported.message());
    const StatementFileImport &r = imported.value();
    if (args.isSet(QStringLiteral("json"))) {
        QJsonArray statements;
        for (const Statement &s : r.statements)
            statements.append(QJsonObject { { QStringLiteral("account"), s.account },
                { QStringLiteral("reference"), s.id }, { QStringLiteral("currency"), s.currency },
                { QStringLiteral("lines"), s.lines.size() }, { QStringLiteral("opening"), balanceJson(s.opening) },
                { QStringLiteral("closing"), balanceJson(s.closing) },
                { QStringLiteral("balanced"), s.check() == Statement::Check::Balanced } });
        out() << QJsonDocument(QJsonObject { { QStringLiteral("file"), r.fileName },
                                   { QStringLiteral("format"), StatementReader::formatName(r.format) },
                                   { QStringLiteral("statements"), statements },
                                   { QStringLiteral("lines_imported"), r.stored.linesImported },
                                   { QStringLiteral("duplicates_skipped"), r.stored.duplicatesSkipped } })
                     .toJson(QJsonDocument::Indented);
        return 0;
    }
    out() << r.fileName << " (" << StatementReader::formatName(r.format) << "): " << r.statements.size()
          << (r.statements.size() == 1 ? " statement, " : " statements, ") << r.stored.linesImported
          << " lines imported, " << r.stored.duplicatesSkipped << " already there." << Qt::endl;
    for (const Statement &s : r.statements)
        out() << "  " << s.account << "  " << s.id << ": " << s.lines.size() << " lines, opening "
              << balanceText(s.opening) << ", closing " << balanceText(s.closing) << "; " << checkText(s) << '.'
              << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command import()
{
    return { .name = QStringLiteral("import"),
        .summary = QStringLiteral("Import a bank or card statement (camt.053, MT940, OFX) for reconciliation."),
        .details = QStringLiteral(
            "All or nothing: a file that fails to parse imports nothing, and the error names the line. Importing "
            "the same file again, or one that overlaps it, adds no line twice. Each statement's opening balance "
            "plus its lines is checked against its closing balance, and a statement that does not balance is "
            "reported, not hidden. Needs the finance role; audited."),
        .options = { { .name = QStringLiteral("format"),
                         .description = QStringLiteral("The file's format; detected when not given."),
                         .valueName = QStringLiteral("camt053|mt940|ofx") },
            { .name = QStringLiteral("account"),
                .description = QStringLiteral("The account the file must be for (refused if it names another)."),
                .valueName = QStringLiteral("A") } },
        .arguments = { { .name = QStringLiteral("FILE"), .description = QStringLiteral("The statement file.") } },
        .json = JsonOutput::OnRequest,
        .check = checkImport,
        .run = DatabaseHandler(importStatement) };
}

} // namespace Commands
