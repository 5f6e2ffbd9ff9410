#pragma once

#include "reconciliation/ReconRowsQuery.h"

#include <QSet>
#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class ReconRowsModel;

// One side of the reconciliation: its unmatched rows, filtered by text and amount, and what
// the selected rows add up to, so a one-to-many selection is seen to balance before it is made.
class ReconSidePanel : public QWidget
{
    Q_OBJECT
public:
    ReconSidePanel(ReconRowsModel &model, const QString &title, QWidget *parent = nullptr);

    ReconRowsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchField() const { return m_search; }
    QList<qint64> selectedIds() const;
    QList<const ReconRow *> selectedRows() const;
    qint64 selectedTotal() const; // what the selected rows clear, in minor units
    // Reads the rows again; the rows selected before are selected again if still there, or the
    // row at the same place (the next one, after a match took the selected one away).
    void reload();
    void clearFilter();
    void selectFirst();

Q_SIGNALS:
    void selectionChanged();
    void filterRefused(const QString &why);

private:
    void applyFilter();
    void showTotal();
    QString emptyMessage() const;

    ReconRowsModel *m_model;
    QTableView *m_table;
    QLineEdit *m_search;
    QLineEdit *m_amount;
    QLabel *m_count;
    QLabel *m_total;
    QTimer *m_delay;
};
