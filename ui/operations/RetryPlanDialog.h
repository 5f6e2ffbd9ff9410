#pragma once

#include "core/Result.h"
#include "operations/RetryRunService.h"

#include <QDialog>

class QLabel;
class QPushButton;

// A bulk retry's plan before anything is sent: what goes, what is skipped and why, how long
// it takes at the providers' limits and whether a second person must approve it. Confirm lets
// it run (or wait for the approval); Discard, Escape or closing drops the plan.
class RetryPlanDialog : public QDialog
{
    Q_OBJECT
public:
    RetryPlanDialog(RetryRunService &runs, const RetryRun &planned, QWidget *parent = nullptr);

    // Plans `scope` and opens the dialog on it, window-modal but not blocking (it deletes itself
    // when closed); the reason when nothing could be planned.
    static Result<RetryPlanDialog *> planAndOpen(RetryRunService &runs, const OperationsFilter &scope, QWidget *parent);

    qint64 runId() const { return m_run.id; }
    void reject() override; // discards the plan

Q_SIGNALS:
    // What became of the plan, for the workspace's banner.
    void reported(const QString &text, bool error);
    void confirmed(const RetryRun &run);

private:
    void confirmRun();
    QWidget *buildSkips();

    RetryRunService &m_runs;
    RetryRun m_run;
    QLabel *m_error;
    QPushButton *m_confirm;
    bool m_settled = false; // confirmed or discarded: closing does nothing more
};
