#pragma once

#include "core/Result.h"

#include <QWidget>

#include <functional>

class QAction;
class QLabel;
class QTableView;
class QTimer;
class RetryRunService;
class RetryRunsModel;
struct RetryRun;

// The recent bulk retry runs under the failure groups: how far each got, its rate and ETA, and
// what a person does to one — confirm a plan, approve it as the second person, pause, resume,
// cancel. Read again
// when the service announces a change and every second while a run is going.
class RetryRunsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RetryRunsPanel(RetryRunService &runs, QWidget *parent = nullptr);

    RetryRunsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    void refresh();
    void selectRun(qint64 runId);

Q_SIGNALS:
    void message(const QString &text, bool error);
    // A going run moved on (sent more, or ended): the groups it retries may have changed.
    void runsAdvanced();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void buildActions();
    void selectionChanged();
    const RetryRun *selectedRun() const;
    QString describe(const RetryRun &run) const;
    void act(const QString &done, const std::function<Result<RetryRun>(qint64)> &action);
    void review();
    void approve();
    void cancel();

    RetryRunService &m_runs;
    RetryRunsModel *m_model;
    QTableView *m_table;
    QLabel *m_status;
    QAction *m_review;
    QAction *m_approve;
    QAction *m_pause;
    QAction *m_resume;
    QAction *m_cancel;
    QTimer *m_poll;
    QString m_going; // the going runs and their progress at the last read
    qint64 m_selected = 0;
};
