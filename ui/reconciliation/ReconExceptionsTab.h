#pragma once

#include "reconciliation/ReconciliationPeriod.h"

#include <QWidget>

class ExceptionsModel;
class QAction;
class QComboBox;
class QLineEdit;
class QTableView;
struct ReconRow;

// The Exceptions tab: every unmatched row older than the exception age, both sides, oldest
// first, with its state, assignee and note, which a person sets below the queue.
class ReconExceptionsTab : public QWidget
{
    Q_OBJECT
public:
    // `actions`: save the edit, open in Timeline, open in Diff.
    ReconExceptionsTab(ExceptionsModel &model, const QList<QAction *> &actions, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    const ReconRow *selected() const;
    // The edit below the queue: what Save sets.
    RowException::State editedState() const;
    QString editedNote() const;
    QString editedAssignee() const;
    void setEditable(bool editable, const QString &whyNot);
    void reload();

Q_SIGNALS:
    void selectionChanged();

private:
    void fillEditor();

    ExceptionsModel *m_model;
    QTableView *m_table;
    QComboBox *m_show;
    QComboBox *m_state;
    QLineEdit *m_assignee;
    QLineEdit *m_note;
};
