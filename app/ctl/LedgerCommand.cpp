#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "ledger/LedgerService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

int importLedger(const QCommandLineParser &args, AppContext &app)
{
    auto imported = LedgerService(app.database(), app.access())
                        .importFile(args.positionalArguments().value(0), args.value(QStringLiteral("preset")),
                            args.value(QStringLiteral("account")));
    if (!imported)
        return fail(imported.message());
    const LedgerFileImport &r = imported.value();
    if (args.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(
            QJsonObject { { QStringLiteral("file"), r.fileName }, { QStringLiteral("format"), r.format },
                { QStringLiteral("preset"), r.preset }, { QStringLiteral("rows"), r.rows },
                { QStringLiteral("entries_imported"), r.imported },
                { QStringLiteral("duplicates_skipped"), r.duplicates },
                { QStringLiteral("ignored_columns"), QJsonArray::fromStringList(r.ignoredColumns) } })
                     .toJson(QJsonDocument::Indented);
        return 0;
    }
    out() << r.fileName << " (" << r.format << ", preset " << r.preset << "): " << r.rows << " entries, " << r.imported
          << " imported, " << r.duplicates << " already in the ledger." << Qt::endl;
    if (!r.ignoredColumns.isEmpty())
        out() << "  Columns no field reads (not imported): " << r.ignoredColumns.join(QStringLiteral(", ")) << '.'
              << Qt::endl;
    return 0;
}

Command importCommand()
{
    return { .name = QStringLiteral("import"),
        .summary = QStringLiteral("Import ledger entries (CSV or JSON Lines) for reconciliation."),
        .details = QStringLiteral(
            "All or nothing: a file with any problem imports nothing, and every problem is named by line and "
            "column. Each entry's id is ours and unique: importing the same file again, or one that overlaps it, "
            "books no entry twice, and an id already booked with other values is refused (book a correcting "
            "entry under a new id). The preset ledger-default reads the columns "
            "id,reference,amount_minor,currency,booked_on,description (+ account, counterparty, entity_type, "
            "entity_id); amounts in minor units, signed. Needs the finance role; audited."),
        .options = { { .name = QStringLiteral("preset"),
                         .description = QStringLiteral("A ledger preset (default ledger-default)."),
                         .valueName = QStringLiteral("NAME") },
            { .name = QStringLiteral("account"),
                .description = QStringLiteral("The account of rows that name none; rows naming another are refused."),
                .valueName = QStringLiteral("A") } },
        .arguments = { { .name = QStringLiteral("FILE"),
            .description = QStringLiteral("The ledger file (.csv, or .jsonl / .ndjson).") } },
        .json = JsonOutput::OnRequest,
        .run = DatabaseHandler(importLedger) };
}
} // namespace

namespace Commands {

Command ledger()
{
    return { .name = QStringLiteral("ledger"),
        .summary = QStringLiteral("Our books' entries, which reconciliation matches against statements."),
        .subcommands = { importCommand() } };
}

} // namespace Commands
