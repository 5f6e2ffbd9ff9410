#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "Console.h"
#include "DiffOutput.h"
#include "providers/ProviderRegistry.h"
#include "records/DriftScanner.h"
#include "store/Database.h"

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

Status checkScan(const QCommandLineParser &args)
{
    const QString type = args.positionalArguments().first();
    if (type != QLatin1String("contact") && type != QLatin1String("payment"))
        return failure(ErrorClass::Input, QStringLiteral("Scan contact or payment records, not '%1'.").arg(type));
    return success();
}

// The provider to scan: the one --provider names, among those this database has of the kind
// the records live at; without --provider, the only one of that kind. Only providers that
// exist are ever suggested.
Result<QString> providerToScan(const QCommandLineParser &args, AppContext &app)
{
    const QString type = args.positionalArguments().first();
    const QString kind = type == QLatin1String("contact") ? QStringLiteral("crm") : QStringLiteral("payments");
    const QString kindName = kind == QLatin1String("crm") ? QStringLiteral("CRM") : kind;
    const QString where = app.database().location().display();
    auto all = app.providers().configured();
    if (!all)
        return all.error();
    QStringList fitting;
    QString givenKind;
    const QString given = args.value(QStringLiteral("provider"));
    for (const ProviderConfig &p : all.value()) {
        if (p.kind == kind)
            fitting << p.id;
        if (p.id == given)
            givenKind = p.kind;
    }
    if (!given.isEmpty() && givenKind == kind)
        return given;
    const QString choice = fitting.size() == 1
        ? QStringLiteral("Use --provider %1.").arg(fitting.first())
        : QStringLiteral("Use --provider with one of: %1.").arg(fitting.join(QStringLiteral(", ")));
    const QString none = QStringLiteral("%1 has no %2 provider for %3 records; add one, or run the demo "
                                        "(`reconsolectl demo`).")
                             .arg(where, kindName, type);
    if (!given.isEmpty()) {
        const QString wrong = givenKind.isEmpty()
            ? QStringLiteral("No provider '%1' in %2.").arg(given, where)
            : QStringLiteral("Provider %1 is a %2 provider; %3 records live at a %4 provider.")
                  .arg(given, givenKind == QLatin1String("crm") ? QStringLiteral("CRM") : givenKind, type, kindName);
        return failure(ErrorClass::Input, wrong + QLatin1Char(' ') + (fitting.isEmpty() ? none : choice));
    }
    if (fitting.size() == 1)
        return fitting.first();
    return failure(ErrorClass::Input,
        fitting.isEmpty() ? none : QStringLiteral("%1 has several %2 providers. %3").arg(where, kindName, choice));
}

int scan(const QCommandLineParser &args, AppContext &app)
{
    const auto provider = providerToScan(args, app);
    if (!provider)
        return fail(provider.message(), 2);
    DriftScanner scanner(app.database(), app.providers());
    QObject::connect(&scanner, &DriftScanner::progress, &scanner, [](int compared, int drifted) {
        err() << "\r" << compared << " compared, " << drifted << " drifted" << Qt::flush;
    });
    const auto report = await<Result<DriftReport>>([&](auto done) {
        scanner.scan(args.positionalArguments().first(), provider.value(), args.isSet(QStringLiteral("restart")), done);
    });
    err() << Qt::endl;
    if (!report) {
        const ErrorClass c = report.error().errorClass;
        const bool passing = c == ErrorClass::Network || c == ErrorClass::Timeout || c == ErrorClass::RateLimited
            || c == ErrorClass::Server;
        return fail(report.message() + (passing ? QStringLiteral(" Run the scan again to resume.") : QString()));
    }
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
                             .description = QStringLiteral("The id of the provider to scan: a CRM's for contacts, a "
                                                           "payments provider's for payments (default: the only one "
                                                           "this database has)."),
                             .valueName = QStringLiteral("p") },
                { .name = QStringLiteral("restart"), .description = QStringLiteral("Start from the first record.") } },
            .arguments
            = { { .name = QStringLiteral("contact|payment"), .description = QStringLiteral("The kind of record.") } },
            .json = JsonOutput::OnRequest,
            .check = checkScan,
            .run = DatabaseHandler(scan) } } };
}

} // namespace Commands
