#pragma once

class QAbstractItemView;
class QWidget;

// Edit > Copy and Select all, for whatever has the focus: a text field's own copy, or a table's
// selected rows as tab-separated lines (a spreadsheet pastes them as rows). With the focus on
// no text and no table, they act on `table`, the shown workspace's.
namespace EditCommands {
void copy(QWidget *focus, QAbstractItemView *table);
void selectAll(QWidget *focus, QAbstractItemView *table);
} // namespace EditCommands
