#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "records/RecordService.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

Status checkImport(const QCommandLineParser &args)
{
    const QString target = args.positionalArguments().value(0);
    if (!RecordImport::targets().contains(target))
        return failure(ErrorClass::Input,
            QStringLiteral("There is nothing to import as '%1'; the kinds are %2.")
                .arg(target, RecordImport::targets().join(QStringLiteral(", "))));
    const QString format = args.value(QStringLiteral("format"));
    if (!format.isEmpty() && !ImportPreset::formats().contains(format))
        return failure(ErrorClass::Input,
            QStringLiteral("There is no format '%1'; the formats are %2.")
                .arg(format, ImportPreset::formats().join(QStringLiteral(", "))));
    for (const QString &map : args.values(QStringLiteral("map"))) {
        auto pairs = ImportPreset::parseMapping(map);
        if (!pairs)
            return pairs.error();
    }
    return success();
}

// The preset as the options make it: --preset (else the kind's shipped one), then each --map.
Result<ImportPreset> presetOf(RecordService &records, const QCommandLineParser &args)
{
    const QString target = args.positionalArguments().at(0);
    const QString name = args.isSet(QStringLiteral("preset")) ? args.value(QStringLiteral("preset"))
                                                              : ImportPreset::defaultName(target);
    auto preset = records.importPreset(name);
    if (!preset)
        return preset.error();
    ImportPreset p = preset.value();
    if (p.target != target)
        return failure(
            ErrorClass::Input, QStringLiteral("Preset %1 imports %2, not %3.").arg(p.name, p.target, target));
    for (const QString &map : args.values(QStringLiteral("map"))) {
        for (const auto &[field, column] : ImportPreset::parseMapping(map).value())
            p.setColumn(field, column);
    }
    if (args.isSet(QStringLiteral("format")))
        p.format = args.value(QStringLiteral("format"));
    return p;
}

QJsonObject outcomeJson(const ImportOutcome &o)
{
    return { { QStringLiteral("file"), o.fileName }, { QStringLiteral("kind"), o.target },
        { QStringLiteral("dry_run"), o.dryRun }, { QStringLiteral("new"), o.added },
        { QStringLiteral("changed"), o.changed }, { QStringLiteral("unchanged"), o.unchanged },
        { QStringLiteral("changes"), QJsonArray::fromStringList(o.changes) } };
}

int importRecords(const QCommandLineParser &args, AppContext &app)
{
    RecordService &records = app.records();
    auto preset = presetOf(records, args);
    if (!preset)
        return fail(preset.message());
    RecordImportRequest request;
    request.path = args.positionalArguments().at(1);
    request.format = args.value(QStringLiteral("format"));
    request.preset = preset.value();
    request.dryRun = args.isSet(QStringLiteral("dry-run"));
    auto outcome = records.importRecords(request);
    if (!outcome)
        return fail(outcome.message());
    if (args.isSet(QStringLiteral("save-preset"))) {
        // The mapping and format the file was read with, so the next file of that export is read the same way.
        const ImportFile file = records.readImport(request);
        ImportPreset saved = request.preset;
        saved.name = args.value(QStringLiteral("save-preset"));
        saved.format = file.format;
        saved.mapping = file.mapping;
        Status stored = records.saveImportPreset(saved);
        if (!stored)
            return fail(stored.message());
        err() << "Saved preset " << saved.name << ": " << saved.mappingText() << Qt::endl;
    }
    if (args.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(outcomeJson(outcome.value())).toJson(QJsonDocument::Indented);
    } else {
        for (const QString &change : outcome->changes)
            out() << change << '\n';
        out() << outcome->fileName << ": " << outcome->summary()
              << (outcome->dryRun ? QStringLiteral(" (dry run: nothing was changed)") : QString()) << '\n';
    }
    out().flush();
    return 0;
}

int listPresets(const QCommandLineParser &args, AppContext &app)
{
    auto presets = app.records().importPresets(args.value(QStringLiteral("kind")));
    if (!presets)
        return fail(presets.message());
    if (args.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const ImportPreset &p : presets.value())
            list.append(QJsonObject { { QStringLiteral("name"), p.name }, { QStringLiteral("kind"), p.target },
                { QStringLiteral("format"), p.format }, { QStringLiteral("mapping"), p.mappingJson() },
                { QStringLiteral("shipped"), p.shipped }, { QStringLiteral("updated_by"), p.updatedBy } });
        out() << QJsonDocument(list).toJson(QJsonDocument::Indented);
    } else {
        for (const ImportPreset &p : presets.value()) {
            const QString by = p.shipped ? QStringLiteral("shipped")
                                         : QStringLiteral("%1, %2").arg(p.updatedBy,
                                             QDateTime::fromMSecsSinceEpoch(p.updatedAt).toString(Qt::ISODate));
            out() << p.name.leftJustified(24) << ' ' << p.target.leftJustified(10) << ' ' << p.format.leftJustified(6)
                  << ' ' << p.mappingText() << "  (" << by << ")\n";
        }
    }
    out().flush();
    return 0;
}
} // namespace

namespace Commands {

Command records()
{
    return { .name = QStringLiteral("records"),
        .summary = QStringLiteral("Our side of the record diff: customers and payments imported from files."),
        .subcommands
        = { { .name = QStringLiteral("import"),
                .summary = QStringLiteral("Upsert our customers or payments from CSV or JSON Lines, all "
                                          "or nothing."),
                .details
                = QStringLiteral("Rows are matched by our id; a column external_id:<provider> (or a --map to one) "
                                 "keeps that provider's id for the row. A bad row is named by line and column and "
                                 "nothing is imported; the same file again changes nothing."),
                .options = { { .name = QStringLiteral("preset"),
                                 .description = QStringLiteral("The column mapping to read the file "
                                                               "with (default: KIND-default)."),
                                 .valueName = QStringLiteral("name") },
                    { .name = QStringLiteral("format"),
                        .description = QStringLiteral("csv or jsonl (default: by the file's extension)."),
                        .valueName = QStringLiteral("csv|jsonl") },
                    { .name = QStringLiteral("map"),
                        .description = QStringLiteral("Which column gives each of our fields, over the "
                                                      "preset's: email=e_mail,external_id:crm=hs_id."),
                        .valueName = QStringLiteral("our_field=column"),
                        .repeatable = true },
                    { .name = QStringLiteral("save-preset"),
                        .description = QStringLiteral("Save the mapping used under this name."),
                        .valueName = QStringLiteral("name") },
                    { .name = QStringLiteral("dry-run"),
                        .description = QStringLiteral("Say what would change; change nothing.") } },
                .arguments = { { .name = QStringLiteral("customers|payments"),
                                   .description = QStringLiteral("What the rows are.") },
                    { .name = QStringLiteral("FILE"), .description = QStringLiteral("The file to read.") } },
                .json = JsonOutput::OnRequest,
                .check = checkImport,
                .run = DatabaseHandler(importRecords) },
            { .name = QStringLiteral("presets"),
                .summary = QStringLiteral("Named column mappings for imports."),
                .subcommands = { { .name = QStringLiteral("list"),
                    .summary = QStringLiteral("The import presets, shipped and saved."),
                    .options = { { .name = QStringLiteral("kind"),
                        .description = QStringLiteral("Only those importing customers or payments."),
                        .valueName = QStringLiteral("customers|payments") } },
                    .json = JsonOutput::OnRequest,
                    .run = DatabaseHandler(listPresets) } } } } };
}

} // namespace Commands
