#include "shell/TableExport.h"

#include "core/Csv.h"
#include "operations/OperationsModel.h"

#include <QAbstractItemView>
#include <QEventLoop>
#include <QHeaderView>
#include <QIODevice>
#include <QTableView>
#include <QTimer>

namespace {
constexpr int kPageWaitMs = 15000;

// A row of a paged model is there once its page has arrived; asking for it fetches it.
bool waitForRow(const QAbstractItemModel &model, int row)
{
    auto loaded = [&] {
        const QVariant v = model.index(row, 0).data(OperationsModel::LoadedRole);
        return !v.isValid() || v.toBool();
    };
    if (qobject_cast<const OperationsModel *>(&model) == nullptr || loaded())
        return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&model, &QAbstractItemModel::dataChanged, &loop, [&] {
        if (loaded())
            loop.quit();
    });
    QObject::connect(&model, &QAbstractItemModel::modelReset, &loop, &QEventLoop::quit);
    timeout.start(kPageWaitMs);
    loop.exec();
    return loaded();
}
} // namespace

namespace TableExport {
Result<int> write(const QAbstractItemView &view, QIODevice &out)
{
    const QAbstractItemModel *model = view.model();
    if (!model)
        return failure(ErrorClass::Input, QObject::tr("This workspace shows no table to export."));
    QList<int> columns;
    const auto *table = qobject_cast<const QTableView *>(&view);
    const QHeaderView *header = table ? table->horizontalHeader() : nullptr;
    for (int visual = 0; visual < model->columnCount(); ++visual) {
        const int logical = header ? header->logicalIndex(visual) : visual;
        if (!header || !header->isSectionHidden(logical))
            columns << logical;
    }
    auto writeLine = [&](const QStringList &cells) {
        QStringList quoted;
        for (const QString &c : cells)
            quoted << Csv::field(c);
        const QByteArray line = (quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n")).toUtf8();
        return out.write(line) == line.size();
    };
    QStringList titles;
    for (int c : columns)
        titles << model->headerData(c, Qt::Horizontal).toString();
    if (!writeLine(titles))
        return failure(ErrorClass::Storage, out.errorString());
    const int rows = model->rowCount();
    for (int row = 0; row < rows; ++row) {
        if (!waitForRow(*model, row))
            return failure(ErrorClass::Timeout,
                QObject::tr("Row %1 of %2 did not arrive; nothing after it was written.").arg(row + 1).arg(rows));
        QStringList cells;
        for (int c : columns)
            cells << model->index(row, c).data().toString();
        if (!writeLine(cells))
            return failure(ErrorClass::Storage, out.errorString());
    }
    return rows;
}
} // namespace TableExport
