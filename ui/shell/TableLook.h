#pragma once

#include <QAbstractItemView>
#include <QList>
#include <QString>

#include <utility>

class QTableView;

// How the console's data tables look, set one way: whole rows selected, alternate colours,
// one line per row of the font's height, no row numbers, the last column taking the room left.
namespace TableLook {
void apply(QTableView *table, QAbstractItemView::SelectionMode selection);
// Each column as wide as its sample text (the widest value it usually shows).
void sizeColumns(QTableView *table, const QList<std::pair<int, QString>> &samples);
} // namespace TableLook
