#pragma once

#include <QWidget>

class OperationDetailPane;
class OperationService;
class OperationsModel;
class QComboBox;
class MessageBanner;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

// The workbench: every operation, filtered and sorted in SQL, with the selected one's
// history beside it and the actions support staff take — retry, resolve, cancel.
class OperationsWorkspace : public QWidget
{
    Q_OBJECT
public:
    OperationsWorkspace(OperationsModel &model, OperationService &service, QWidget *parent = nullptr);

    OperationsModel *model() const { return m_model; }
    void retrySelected();
    void resolveSelected();
    void cancelSelected();
    // Shows the operation and selects its row if it is among the loaded ones.
    void selectOperation(qint64 id);

Q_SIGNALS:
    void message(const QString &text); // for the status bar
    void timelineRequested(const QString &entityId);
    void compareRequested(qint64 operationId);

private:
    void buildFilters();
    void applyFilter();
    void selectionChanged();
    QList<qint64> selectedIds() const;
    void showMessage(const QString &text, bool error);
    void reloadAfterAction();

    OperationService &m_service;
    OperationsModel *m_model;
    QTableView *m_table;
    OperationDetailPane *m_detail;
    QComboBox *m_stateFilter;
    QComboBox *m_providerFilter;
    QComboBox *m_actionFilter;
    QLineEdit *m_search;
    QTimer *m_searchDelay;
    QLabel *m_count;
    MessageBanner *m_message;
    QPushButton *m_retry;
    QPushButton *m_resolve;
    QPushButton *m_cancel;
    QPushButton *m_refresh;
    QPushButton *m_timeline;
    QPushButton *m_compare;
    bool m_busy = false;
};
