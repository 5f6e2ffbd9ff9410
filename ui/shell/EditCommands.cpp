#include "shell/EditCommands.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>

#include <algorithm>

namespace EditCommands {
void copy(QWidget *focus, QAbstractItemView *table)
{
    if (auto *line = qobject_cast<QLineEdit *>(focus))
        return line->copy();
    if (auto *text = qobject_cast<QTextEdit *>(focus))
        return text->copy();
    if (auto *plain = qobject_cast<QPlainTextEdit *>(focus))
        return plain->copy();
    if (auto *label = qobject_cast<QLabel *>(focus); label && label->hasSelectedText())
        return QApplication::clipboard()->setText(label->selectedText());
    auto *view = qobject_cast<QAbstractItemView *>(focus);
    if (!view)
        view = table;
    if (!view || !view->selectionModel())
        return;
    QModelIndexList rows = view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex &row : rows) {
        QStringList cells;
        for (int c = 0; c < view->model()->columnCount(); ++c)
            cells << row.siblingAtColumn(c).data().toString();
        lines << cells.join(QLatin1Char('\t'));
    }
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void selectAll(QWidget *focus, QAbstractItemView *table)
{
    if (auto *line = qobject_cast<QLineEdit *>(focus))
        return line->selectAll();
    if (auto *text = qobject_cast<QTextEdit *>(focus))
        return text->selectAll();
    if (auto *plain = qobject_cast<QPlainTextEdit *>(focus))
        return plain->selectAll();
    auto *view = qobject_cast<QAbstractItemView *>(focus);
    if (!view)
        view = table;
    if (view)
        view->selectAll();
}
} // namespace EditCommands
