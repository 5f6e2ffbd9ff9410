#pragma once

#include "shell/Workspace.h"

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class RecordService;
class TimelineModel;

// One entity's history across every system: pick it (order id, customer, external id, or
// from an operation), filter by channel, read each event's redacted payload, export as CSV.
class TimelineWorkspace : public QWidget, public Workspace
{
    Q_OBJECT
public:
    TimelineWorkspace(TimelineModel &model, const RecordService &records, QWidget *parent = nullptr);

    TimelineModel *model() const { return m_model; }
    void showEntity(const QString &entityId);
    void exportCsv();

    QAbstractItemView *mainTable() const override;
    QLineEdit *searchField() const override;
    void refresh() override; // the shown entity again, same line selected

Q_SIGNALS:
    void message(const QString &text);
    void operationRequested(qint64 operationId);
    void compareRequested(qint64 operationId);
    void compareContactRequested(const QString &customerId); // a customer's line without an operation

private:
    void showSelected();

    const RecordService &m_records;
    TimelineModel *m_model;
    QLineEdit *m_entity;
    QTableView *m_table;
    QPlainTextEdit *m_payload;
    QLabel *m_summary;
    QAction *m_compare;
    QAction *m_export;
};
