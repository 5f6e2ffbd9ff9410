#pragma once

#include "shell/Workspace.h"

#include <QSet>
#include <QWidget>

class EmptyState;
class FailuresView;
class OperationDetailPane;
class OperationService;
class OperationsModel;
class QComboBox;
class MessageBanner;
class QLabel;
class QLineEdit;
class QAction;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;
class QToolButton;
class RetryRunService;

// The workbench: every operation, filtered and sorted in SQL, with the selected one's
// history beside it and the actions support staff take — retry, resolve, cancel. Given the
// retry runs (setRetryRuns), a Failures tab beside the table lists the operations gathered by
// how they failed, and bulk retries are planned from either.
class OperationsWorkspace : public QWidget, public Workspace
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
    void clearFilters();
    // The Failures tab and "Retry all matching…"; without it, neither is offered.
    void setRetryRuns(RetryRunService &runs);
    FailuresView *failuresView() const { return m_failures; }
    void showFailures(); // no-op without retry runs
    void showOperationsTable();
    // The operations table filtered to the operations a failure group affected (0: any).
    void filterToGroup(qint64 groupId);
    // Plans a bulk retry of what the filters match and shows the plan.
    void retryMatching();

    QAbstractItemView *mainTable() const override;
    QLineEdit *searchField() const override;
    void refresh() override;
    // Some operations changed (empty: unknown which): read them again soon, once for a burst.
    void operationsChanged(const QList<qint64> &ids);

Q_SIGNALS:
    void message(const QString &text); // for the status bar
    void timelineRequested(const QString &entityId);
    void compareRequested(qint64 operationId);
    void providersRequested(); // the empty state's link: set a provider up

private:
    void buildFilters();
    QWidget *buildTablePage();
    void applyFilter();
    void selectionChanged();
    QList<qint64> selectedIds() const;
    void showMessage(const QString &text, bool error);
    void buildActions();
    void sizeColumns();
    QString emptyMessage() const;
    // After a refresh, selects again the rows that were selected, as their pages arrive.
    void reselect(int firstRow, int rowCount);

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
    QAction *m_retry;
    QAction *m_resolve;
    QAction *m_cancel;
    QAction *m_timeline;
    QAction *m_compare;
    QPushButton *m_refresh;
    QAction *m_retryMatching;
    QTabWidget *m_views;
    QToolButton *m_groupChip; // "failure group N ×": the filter the Failures tab set, removable
    qint64 m_groupFilter = 0;
    RetryRunService *m_runs = nullptr;
    FailuresView *m_failures = nullptr;
    QTimer *m_changed; // gathers a burst of changes into one reload
    EmptyState *m_empty = nullptr;
    QSet<qint64> m_reselect; // ids still to select again after a refresh
    int m_keptScroll = -1;
    bool m_reselecting = false;
    bool m_busy = false;
};
