#pragma once

#include "operations/FailureGroup.h"

#include <QList>
#include <QWidget>

class CircuitBreakerBanner;
class CircuitBreakerReader;
class EmptyState;
class FailureGroupsModel;
class QAction;
class QComboBox;
class QLabel;
class QTableView;
class QTimer;
class RetryRunService;
class RetryRunsPanel;

// Failed operations gathered by how they failed, Sentry's issue list for operations: each
// group's state, how many it affects and still fails, when it was seen and its last day, with
// what a person decides about a group (acknowledge, resolve, ignore, reopen), its operations,
// and a bulk retry of it; the retry runs under it.
class FailuresView : public QWidget
{
    Q_OBJECT
public:
    explicit FailuresView(RetryRunService &runs, QWidget *parent = nullptr);

    FailureGroupsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    RetryRunsPanel *runsPanel() const { return m_runsPanel; }
    // Warns above the groups of every provider whose breaker is open or half-open.
    void setCircuitBreakers(const CircuitBreakerReader &breakers);
    // Reads the groups again now, keeping the selection.
    void refresh();
    // Something changed (a failure, a settlement, a run): read again soon, once for a burst.
    void changed();
    qint64 selectedGroupId() const;
    void selectGroup(qint64 groupId);

    void acknowledgeSelected();
    void resolveSelected();
    void ignoreSelected();
    void reopenSelected();
    void retrySelected();

    static constexpr int kSparkBuckets = 48;
    static constexpr qint64 kSparkBucketMs = 30 * 60 * 1000; // 48 half hours: the last day

Q_SIGNALS:
    void message(const QString &text, bool error);
    // "Show operations": the operations table filtered to this group.
    void showOperationsRequested(qint64 groupId);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void buildFilter();
    void buildActions();
    void buildTable();
    void selectionChanged();
    QList<FailureGroup::State> shownStates() const;
    QString emptyMessage() const;
    void setState(FailureGroup::State state, const QString &done, const QString &note = {}, qint64 ignoreUntil = 0,
        qint64 ignoreForFailures = 0);

    RetryRunService &m_runs;
    FailureGroupsModel *m_model;
    QTableView *m_table;
    QComboBox *m_stateFilter;
    QLabel *m_count;
    RetryRunsPanel *m_runsPanel;
    CircuitBreakerBanner *m_breakers;
    QTimer *m_changed;
    QTimer *m_clock; // "last seen 3 min ago" moves on by itself
    QAction *m_acknowledge;
    QAction *m_resolve;
    QAction *m_ignore;
    QAction *m_reopen;
    QAction *m_showOperations;
    QAction *m_retry;
    EmptyState *m_empty = nullptr;
    qint64 m_selected = 0;
    bool m_stale = true; // changed while hidden: read when shown
    bool m_loaded = false;
};
