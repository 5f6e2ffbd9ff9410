#include "shell/ViewSettings.h"

#include <QHeaderView>
#include <QSettings>
#include <QSplitter>
#include <QTableView>

namespace {
QString keyOf(const QWidget &workspace, const QString &kind, const QObject &child)
{
    return QStringLiteral("workspaces/%1/%2/%3").arg(workspace.objectName(), kind, child.objectName());
}
} // namespace

namespace ViewSettings {
void save(const QWidget &workspace, QSettings &settings)
{
    for (const QSplitter *splitter : workspace.findChildren<QSplitter *>()) {
        if (!splitter->objectName().isEmpty())
            settings.setValue(keyOf(workspace, QStringLiteral("splitter"), *splitter), splitter->saveState());
    }
    for (const QTableView *table : workspace.findChildren<QTableView *>()) {
        if (table->objectName().isEmpty() || !table->model())
            continue;
        const QString key = keyOf(workspace, QStringLiteral("table"), *table);
        settings.setValue(key + QStringLiteral("/header"), table->horizontalHeader()->saveState());
        settings.setValue(key + QStringLiteral("/columns"), table->model()->columnCount());
    }
}

void restoreSplitters(QWidget &workspace, const QSettings &settings)
{
    for (QSplitter *splitter : workspace.findChildren<QSplitter *>()) {
        const QVariant state = settings.value(keyOf(workspace, QStringLiteral("splitter"), *splitter));
        if (!splitter->objectName().isEmpty() && state.isValid())
            splitter->restoreState(state.toByteArray());
    }
}

void restoreTables(QWidget &workspace, const QSettings &settings)
{
    for (QTableView *table : workspace.findChildren<QTableView *>()) {
        if (table->objectName().isEmpty() || !table->model())
            continue;
        const QString key = keyOf(workspace, QStringLiteral("table"), *table);
        // A model that gained a column since (an Amount column, say) starts from its defaults.
        if (settings.value(key + QStringLiteral("/columns")).toInt() != table->model()->columnCount())
            continue;
        QHeaderView *header = table->horizontalHeader();
        if (!header->restoreState(settings.value(key + QStringLiteral("/header")).toByteArray()))
            continue;
        if (table->isSortingEnabled()) // the header keeps the indicator; the model sorts by it again
            table->sortByColumn(header->sortIndicatorSection(), header->sortIndicatorOrder());
    }
}
} // namespace ViewSettings
