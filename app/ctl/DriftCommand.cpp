#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "Console.h"
#include "DiffOutput.h"
#include "records/DriftScanner.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

void print(const DriftReport &report, bool json)
{
    if (json) {
        QJsonArray array;
        for (const DriftedRecord &r : report.drifted)
            array.append(
                QJsonObject { { QStringLiteral("entity"), r.entityId }, { QStringLiteral("external_id"), r.externalId },
                    { QStringLiteral("fields"), fieldsJson(r.fields, true) } });
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const DriftedRecord &r : report.drifted) {
            for (const FieldDiff &d : r.fields)
                out() << QStringLiteral("%1 (%2)  %3: ours %4, provider %5 → %6\n")
                             .arg(r.entityId.isEmpty() ? QStringLiteral("not ours") : r.entityId, r.externalId, d.field,
                                 RecordDiff::shown(d.ours), RecordDiff::shown(d.provider), d.verdictText());
        }
        out() << report.compared << " compared in this run, " << report.drifted.size() << " drifted in all" << Qt::endl;
    }
    out().flush();
}

int scan(const QCommandLineParser &args, AppContext &app)
{
    DriftScanner scanner(app.database(), app.providers());
    QObject::connect(&scanner, &DriftScanner::progress, &scanner, [](int compared, int drifted) {
        err() << "\r" << compared << " compared, " << drifted << " drifted" << Qt::flush;
    });
    const auto report = await<Result<DriftReport>>([&](auto done) {
        scanner.scan(args.positionalArguments().first(), args.value(QStringLiteral("provider")),
            args.isSet(QStringLiteral("restart")), done);
    });
    err() << Qt::endl;
    if (!report)
        return fail(report.message() + QStringLiteral(" Run the scan again to resume."));
    print(report.value(), args.isSet(QStringLiteral("json")));
    return 0;
}
} // namespace

namespace Commands {

Command drift()
{
    return { .name = QStringLiteral("drift"),
        .summary = QStringLiteral("Records that drifted apart from a provider's."),
        .subcommands = { { .name = QStringLiteral("scan"),
            .summary = QStringLiteral("Compare every record of a type at a provider with ours, within "
                                      "its rate limit."),
            .details = QStringLiteral("Lists the drifted ones. Resumes where a stopped scan ended "
                                      "unless --restart."),
            .options = { { .name = QStringLiteral("provider"),
                             .description = QStringLiteral("The provider to scan (a CRM for contacts)."),
                             .valueName = QStringLiteral("p"),
                             .required = true },
                { .name = QStringLiteral("restart"), .description = QStringLiteral("Start from the first record.") } },
            .arguments
            = { { .name = QStringLiteral("contact|payment"), .description = QStringLiteral("The kind of record.") } },
            .json = JsonOutput::OnRequest,
            .run = DatabaseHandler(scan) } } };
}

} // namespace Commands
