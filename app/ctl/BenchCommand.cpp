#include "AppContext.h"
#include "Commands.h"
#include "Database.h"
#include "DemoData.h"
#include "OperationStore.h"
#include "OperationsModel.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <sys/resource.h>

namespace {
using namespace Commands;

// Runs the event loop until `signal` fires (true) or `timeoutMs` passes (false).
template <typename Signal>
bool waitFor(const OperationsModel &model, Signal signal, int timeoutMs = 60000)
{
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, [&loop] { loop.exit(1); });
    QObject::connect(&model, signal, &loop, [&loop] { loop.exit(0); });
    QObject::connect(&model, &OperationsModel::loadFailed, &loop, [&loop](const QString &message) {
        err() << message << Qt::endl;
        loop.exit(1);
    });
    return loop.exec() == 0;
}

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0; // Linux reports kilobytes
}

Status ensureRows(const QString &url, qint64 rows, bool mayRecreate)
{
    auto db = Database::open(url);
    if (!db)
        return db.error();
    auto count = OperationStore(*db.value()).count();
    if (!count)
        return count.error();
    if (count.value() == rows)
        return success();
    if (count.value() != 0) {
        if (!mayRecreate)
            return failure(ErrorClass::Input, QStringLiteral("%1 holds %2 operations, not %3; give an empty database.")
                                                  .arg(url)
                                                  .arg(count.value())
                                                  .arg(rows));
        const QString path = db.value()->location().path;
        db.value().reset(); // release the file before removing it
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(path + suffix);
        return ensureRows(url, rows, false);
    }
    err() << "Generating " << rows << " operations (once; later runs reuse the file)…" << Qt::endl;
    DemoData data;
    constexpr int kChunk = 20000;
    const qint64 now = nowMs();
    for (qint64 done = 0; done < rows; done += kChunk) {
        QList<Operation> chunk = data.operations(static_cast<int>(qMin<qint64>(kChunk, rows - done)));
        for (int i = 0; i < chunk.size(); ++i) {
            Operation &op = chunk[i];
            const qint64 n = done + i;
            op.idempotencyKey = QStringLiteral("bench-%1").arg(n);
            op.entityId = QStringLiteral("ORD-%1").arg(1000000 + n);
            op.createdAt = op.updatedAt = now - (rows - n) * 1000;
        }
        Status inserted = OperationStore(*db.value()).insertMany(chunk);
        if (!inserted)
            return inserted;
    }
    return success();
}

int benchTable(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Measures the operations table over N rows: open and first page, "
                                                    "jump to the middle, filter, sort, peak memory. Prints JSON."));
    AppContext::addDatabaseOption(parser);
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Rows in the table (default 1000000)."),
                      QStringLiteral("n"), QStringLiteral("1000000")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    bool ok = false;
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong(&ok);
    if (!ok || rows < 1)
        return fail(QStringLiteral("--rows must be a positive number."), 2);
    const bool ownFile = !parser.isSet(QStringLiteral("database"));
    const QString url = ownFile ? QDir::temp().filePath(QStringLiteral("reconsole-bench-%1.sqlite").arg(rows))
                                : parser.value(QStringLiteral("database"));
    Status ready = ensureRows(url, rows, ownFile);
    if (!ready)
        return fail(ready.message());

    QJsonObject result{{QStringLiteral("rows"), rows}, {QStringLiteral("database"), url}};
    QElapsedTimer clock;
    clock.start();
    auto db = Database::open(url);
    if (!db)
        return fail(db.message());
    OperationsModel model(db.value());
    if (!waitFor(model, &OperationsModel::ready))
        return fail(QStringLiteral("The first page did not arrive."));
    result.insert(QStringLiteral("open_and_first_page_ms"), clock.elapsed());
    if (!model.hasAnchors() && !waitFor(model, &OperationsModel::anchorsLoaded))
        return fail(QStringLiteral("The page index did not arrive."));
    result.insert(QStringLiteral("page_index_ready_ms"), clock.elapsed());

    const int middle = model.rowCount() / 2;
    clock.restart();
    model.data(model.index(middle, 0));
    if (!model.isRowLoaded(middle) && !waitFor(model, &OperationsModel::pageLoaded))
        return fail(QStringLiteral("The middle page did not arrive."));
    result.insert(QStringLiteral("jump_to_middle_ms"), clock.elapsed());

    auto timeReset = [&](const char *name, auto change) {
        clock.restart();
        change();
        if (!waitFor(model, &OperationsModel::ready))
            return false;
        result.insert(QLatin1String(name), clock.elapsed());
        return true;
    };
    OperationsFilter failed;
    failed.states = OperationStates::needingAction();
    OperationsFilter text;
    text.text = QStringLiteral("ORD-15");
    const bool measured =
        timeReset("filter_state_ms", [&] { model.setFilter(failed); })
        && timeReset("filter_text_ms", [&] { model.setFilter(text); })
        && timeReset("clear_filter_ms", [&] { model.setFilter({}); })
        && timeReset("sort_ms", [&] { model.sort(static_cast<int>(OperationsColumn::Attempts), Qt::DescendingOrder); })
        && timeReset("sort_filtered_ms", [&] { model.setFilter(failed); });
    if (!measured)
        return fail(QStringLiteral("A reload did not finish."));
    result.insert(QStringLiteral("rows_after_filter"), model.rowCount());
    result.insert(QStringLiteral("peak_rss_mb"), qRound(peakRssMb() * 10) / 10.0);
    out() << QJsonDocument(result).toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}
} // namespace

namespace Commands {

int bench(const QStringList &args)
{
    if (args.value(1) == QLatin1String("table"))
        return benchTable(QStringList{args.value(0) + QStringLiteral(" table")} + args.mid(2));
    return fail(QStringLiteral("Usage: reconsolectl bench table --rows N"), 2);
}

} // namespace Commands
