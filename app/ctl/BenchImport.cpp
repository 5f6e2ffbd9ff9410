#include "BenchImport.h"

#include "Console.h"
#include "access/AccessPolicy.h"
#include "statements/StatementReader.h"
#include "statements/StatementSamples.h"
#include "statements/StatementService.h"
#include "store/Database.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

namespace {
using namespace Console;

// Reads and counts, stores nothing: the parser's own speed.
class CountingSink : public StatementSink
{
public:
    Status begin(const Statement &) override { return success(); }
    Status line(StatementLine &) override
    {
        ++lines;
        return success();
    }
    Status end(const Statement &) override { return success(); }
    qint64 lines = 0;
};

double perSecond(qint64 n, qint64 ms)
{
    return ms > 0 ? qRound64(n * 1000.0 / ms) : double(n) * 1000;
}

int runBenchImport(const QCommandLineParser &args)
{
    const auto format = StatementReader::formatFromName(args.value(QStringLiteral("format")));
    const qint64 lines = args.value(QStringLiteral("lines")).toLongLong();
    if (!format || (*format != StatementFormat::Camt053 && *format != StatementFormat::Mt940))
        return fail(QStringLiteral("--format must be camt053 or mt940."), 2);
    if (lines < 1)
        return fail(QStringLiteral("--lines must be a positive number."), 2);
    QTemporaryDir dir;
    const QString path
        = dir.filePath(*format == StatementFormat::Camt053 ? QStringLiteral("bench.xml") : QStringLiteral("bench.sta"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    const qint64 bytes = *format == StatementFormat::Camt053 ? StatementSamples::writeCamt053(file, lines)
                                                             : StatementSamples::writeMt940(file, lines);
    file.close();
    if (bytes < 0)
        return fail(QStringLiteral("Cannot write %1 (is the disk full?).").arg(path));

    QElapsedTimer timer;
    timer.start();
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read %1 back.").arg(path));
    CountingSink counted;
    if (Status parsed = StatementReader::read(*format, file, file.fileName(), counted); !parsed)
        return fail(parsed.message());
    file.close();
    const qint64 parseMs = timer.elapsed();

    auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("bench.sqlite")));
    if (!db)
        return fail(db.message());
    const AccessPolicy finance({ Role::Finance }, QStringLiteral("agent:bench"));
    timer.restart();
    auto imported = StatementService(*db.value(), finance).importFile(path, format);
    if (!imported)
        return fail(imported.message());
    const qint64 importMs = timer.elapsed();
    const qint64 storeMs = qMax<qint64>(0, importMs - parseMs); // the import parses again as it stores

    out() << QJsonDocument(
        QJsonObject { { QStringLiteral("format"), StatementReader::formatName(*format) },
            { QStringLiteral("lines"), counted.lines }, { QStringLiteral("bytes"), bytes },
            { QStringLiteral("parse_ms"), parseMs }, { QStringLiteral("store_ms"), storeMs },
            { QStringLiteral("import_ms"), importMs },
            { QStringLiteral("parse_lines_per_s"), perSecond(counted.lines, parseMs) },
            { QStringLiteral("import_lines_per_s"), perSecond(counted.lines, importMs) },
            { QStringLiteral("lines_imported"), imported->stored.linesImported },
            { QStringLiteral("balanced"),
                !imported->statements.isEmpty() && imported->statements.first().check() == Statement::Check::Balanced },
            { QStringLiteral("peak_rss_mb"), peakRssMb() } })
                 .toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}
} // namespace

namespace Commands {

Command benchImport()
{
    return { .name = QStringLiteral("import"),
        .summary = QStringLiteral("Measure statement import: a generated camt.053 or MT940 file parsed, then stored."),
        .details = QStringLiteral(
            "Writes a statement of N lines into a temporary folder, parses it without storing (parse ms), then "
            "imports it into a fresh SQLite database as reconsolectl import does, in one transaction (import ms; "
            "store ms is the difference). Prints lines, bytes, the times, lines per second and peak RSS."),
        .options = { { .name = QStringLiteral("format"),
                         .description = QStringLiteral("The file to generate (default camt053)."),
                         .valueName = QStringLiteral("camt053|mt940"),
                         .defaultValue = QStringLiteral("camt053") },
            { .name = QStringLiteral("lines"),
                .description = QStringLiteral("Entries in the file (default 100000)."),
                .valueName = QStringLiteral("N"),
                .defaultValue = QStringLiteral("100000") } },
        .json = JsonOutput::Always,
        .run = Handler(runBenchImport) };
}

} // namespace Commands
