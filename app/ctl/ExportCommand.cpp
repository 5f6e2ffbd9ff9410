#include "AppContext.h"
#include "Commands.h"
#include "Console.h"
#include "reconciliation/ReconciliationReport.h"
#include "reconciliation/ReconciliationReportPdf.h"

#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>

namespace {
using namespace Console;

const QString kPeriod = QStringLiteral("period");
const QString kFormat = QStringLiteral("format");
const QString kOutput = QStringLiteral("output");

Status checkReconciliation(const QCommandLineParser &args)
{
    bool number = false;
    const qint64 period = args.value(kPeriod).toLongLong(&number);
    if (args.isSet(kPeriod) && (!number || period <= 0))
        return failure(ErrorClass::Input,
            QStringLiteral("--period must be a period's id, a number, not '%1'; `reconsolectl periods list` shows "
                           "them.")
                .arg(args.value(kPeriod)));
    if (args.isSet(kFormat) && !ReconciliationReportPdf::formatFromName(args.value(kFormat)))
        return failure(
            ErrorClass::Input, QStringLiteral("--format must be pdf or csv, not '%1'.").arg(args.value(kFormat)));
    if (args.isSet(kOutput) && args.value(kOutput).trimmed().isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("--output must name the file to write, as report.pdf."));
    return success();
}

int exportReconciliation(const QCommandLineParser &args, AppContext &app)
{
    // reconsolectl.cpp makes a QGuiApplication for `export`: the PDF's text needs fonts.
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return fail(QStringLiteral("The PDF needs fonts, which this process did not load; run it as "
                                   "`reconsolectl export reconciliation …`."));
    const qint64 periodId = args.value(kPeriod).toLongLong();
    const QString target = QStringLiteral("period:%1").arg(periodId);
    if (Status allowed
        = app.access().require(Permission::Reconcile, app.database(), QStringLiteral("reconciliation.report"), target);
        !allowed)
        return fail(allowed.message());
    auto report = ReconciliationReport::read(app.database(), periodId, app.access().actor());
    if (!report)
        return fail(report.message());
    const auto format = ReconciliationReportPdf::formatFromName(args.value(kFormat)).value();
    const QString path = args.value(kOutput);
    if (Status written = ReconciliationReportPdf::write(report.value(), format, path); !written)
        return fail(written.message());
    out() << "Wrote the reconciliation report of " << report->period.label() << " ("
          << (report->period.signedOff ? QStringLiteral("signed off") : QStringLiteral("not signed off"))
          << ", difference " << report->amount(report->differenceMinor) << ' ' << report->period.currency << ") to "
          << QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()) << '.' << Qt::endl;
    return 0;
}
} // namespace

namespace Commands {

Command exports()
{
    return { .name = QStringLiteral("export"),
        .summary = QStringLiteral("Write a report for others to read: a reconciliation period's, as PDF or CSV."),
        .subcommands = { { .name = QStringLiteral("reconciliation"),
            .summary = QStringLiteral("Write a reconciliation period's report for the auditor, as PDF or CSV."),
            .details = QStringLiteral(
                "The period's summary (balances, cleared total, difference, who signed it off when), the "
                "confirmed matches cleared in it per rule, every match made by hand, every adjustment and "
                "write-off with its reason, proposer and approver, and the exceptions left and resolved. The PDF "
                "is A4 with the account and period on every page; the CSV is one table whose first column names "
                "the section. A file already at --output is replaced only once the new one is complete. Needs the "
                "finance role."),
            .options = { { .name = kPeriod,
                             .description = QStringLiteral("The period (`reconsolectl periods list` shows them)."),
                             .valueName = QStringLiteral("ID"),
                             .required = true },
                { .name = kFormat,
                    .description = QStringLiteral("pdf or csv."),
                    .valueName = QStringLiteral("pdf|csv"),
                    .required = true },
                { .name = kOutput,
                    .description = QStringLiteral("The file to write."),
                    .valueName = QStringLiteral("FILE"),
                    .required = true } },
            .check = checkReconciliation,
            .run = DatabaseHandler(exportReconciliation) } } };
}

} // namespace Commands
