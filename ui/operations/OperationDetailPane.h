#pragma once

#include <QWidget>

class OperationService;
class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QTableWidget;

// One operation in full: its fields, and every attempt with its redacted request and response.
class OperationDetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit OperationDetailPane(const OperationService &operations, QWidget *parent = nullptr);

    void showOperation(qint64 id); // 0 clears
    qint64 operationId() const { return m_id; }
    void refresh() { showOperation(m_id); }

private:
    void showAttempt(int row);

    const OperationService &m_operations;
    qint64 m_id = 0;
    QLabel *m_title;
    QWidget *m_history;
    QFormLayout *m_form;
    QTableWidget *m_attempts;
    QPlainTextEdit *m_exchange;
    QList<QPair<QString, QString>> m_exchanges; // request, response per attempt row
};
