#pragma once

#include "operations/RetryRunService.h"

#include <QAbstractTableModel>
#include <QList>

// The recent bulk retry runs, newest first, as RetryRunService read them: how far each got,
// how fast it goes and when it will be done.
class RetryRunsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Column
    {
        Run,
        State,
        Progress,
        Rate,
        Eta,
        Outcome,
        PlannedBy,
        Scope,
        Count
    };
    enum Role
    {
        RunIdRole = Qt::UserRole + 1,
        StateRole, // RetryRun::State as int
        ProgressRole, // done + skipped of toSend, 0..1 (only done of a run stopped early)
    };

    explicit RetryRunsModel(QObject *parent = nullptr);

    // Replaces the rows; `now` (epoch ms) is what rates and ETAs are worked out at.
    void setRuns(const QList<RetryRun> &runs, qint64 now);
    const RetryRun *runAt(int row) const;
    int rowOf(qint64 runId) const; // -1 when not listed

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateLabel(RetryRun::State state); // "awaiting approval"
    static QString duration(double seconds); // "2 min"

private:
    QVariant display(const RetryRun &run, Column column) const;

    QList<RetryRun> m_runs;
    qint64 m_now = 0;
};
