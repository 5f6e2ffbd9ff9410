#include "shell/TableLook.h"

#include <QHeaderView>
#include <QTableView>

namespace TableLook {

void apply(QTableView *table, QAbstractItemView::SelectionMode selection)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(selection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
}

void sizeColumns(QTableView *table, const QList<std::pair<int, QString>> &samples)
{
    const QFontMetrics metrics(table->font());
    for (const auto &[column, sample] : samples)
        table->setColumnWidth(column, metrics.horizontalAdvance(sample) + 18);
}

} // namespace TableLook
