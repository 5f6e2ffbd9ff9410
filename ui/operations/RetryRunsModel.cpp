#include "operations/RetryRunsModel.h"

#include <QLocale>

namespace {
using Column = RetryRunsModel::Column;
using State = RetryRun::State;

bool stoppedEarly(State state)
{
    return state == State::Cancelled || state == State::Discarded;
}

bool isOver(State state)
{
    return state == State::Finished || state == State::Cancelled || state == State::Discarded;
}
} // namespace

RetryRunsModel::RetryRunsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void RetryRunsModel::setRuns(const QList<RetryRun> &runs, qint64 now)
{
    beginResetModel();
    m_runs = runs;
    m_now = now;
    endResetModel();
}

const RetryRun *RetryRunsModel::runAt(int row) const
{
    return row >= 0 && row < m_runs.size() ? &m_runs.at(row) : nullptr;
}

int RetryRunsModel::rowOf(qint64 runId) const
{
    for (int row = 0; row < m_runs.size(); ++row)
        if (m_runs.at(row).id == runId)
            return row;
    return -1;
}

int RetryRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RetryRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(Column::Count);
}

QString RetryRunsModel::stateLabel(State state)
{
    switch (state) {
    case State::Planned:
        return tr("planned");
    case State::AwaitingApproval:
        return tr("awaiting approval");
    case State::Running:
        return tr("running");
    case State::Paused:
        return tr("paused");
    case State::Finished:
        return tr("finished");
    case State::Cancelled:
        return tr("cancelled");
    case State::Discarded:
        return tr("discarded");
    }
    return {};
}

QString RetryRunsModel::duration(double seconds)
{
    if (seconds < 90)
        return tr("%1 s").arg(qMax(1, qRound(seconds)));
    if (seconds < 5400)
        return tr("%1 min").arg(qRound(seconds / 60));
    return tr("%1 h").arg(QLocale().toString(seconds / 3600, 'f', 1));
}

QVariant RetryRunsModel::display(const RetryRun &run, Column column) const
{
    const QLocale locale;
    switch (column) {
    case Column::Run:
        return tr("#%1").arg(run.id);
    case Column::State:
        return stateLabel(run.state);
    case Column::Progress:
        if (stoppedEarly(run.state)) // what it skipped is mostly what it never got to
            return tr("%1 of %2 sent").arg(locale.toString(run.done), locale.toString(run.toSend));
        return tr("%1 of %2").arg(locale.toString(run.done + run.skipped), locale.toString(run.toSend));
    case Column::Rate:
        if (const double rate = run.ratePerSecond(m_now); rate > 0)
            return tr("%1/s").arg(locale.toString(rate, 'f', rate < 10 ? 1 : 0));
        return {};
    case Column::Eta:
        if (run.state == State::Running && run.remaining() > 0)
            if (const double eta = run.etaSeconds(m_now); eta > 0)
                return tr("about %1").arg(duration(eta));
        if (run.state == State::Running || run.state == State::Paused)
            return run.remaining() > 0 ? tr("%L1 to go").arg(run.remaining()) : QString();
        return isOver(run.state) && run.finishedAt > 0 && run.startedAt > 0
            ? tr("took %1").arg(duration((run.finishedAt - run.startedAt) / 1000.0))
            : QString();
    case Column::Outcome:
        if (run.done + run.skipped == 0)
            return {};
        return tr("%L1 succeeded · %L2 failed · %L3 skipped").arg(run.succeeded).arg(run.failed).arg(run.skipped);
    case Column::PlannedBy:
        return run.approvedBy.isEmpty() ? run.plannedBy : tr("%1, approved by %2").arg(run.plannedBy, run.approvedBy);
    case Column::Scope:
        return run.description;
    case Column::Count:
        break;
    }
    return {};
}

QVariant RetryRunsModel::data(const QModelIndex &index, int role) const
{
    const RetryRun *run = index.isValid() ? runAt(index.row()) : nullptr;
    if (!run || index.column() >= static_cast<int>(Column::Count))
        return {};
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return display(*run, column);
    case Qt::ToolTipRole:
        if (column == Column::State && run->state == State::AwaitingApproval)
            return tr("Waiting for a second person: support or admin, not %1.").arg(run->plannedBy);
        if (column == Column::Scope || column == Column::Outcome)
            return run->summary.isEmpty() ? run->description : run->summary;
        return {};
    case RunIdRole:
        return run->id;
    case StateRole:
        return static_cast<int>(run->state);
    case ProgressRole: {
        const qint64 progressed = stoppedEarly(run->state) ? run->done : run->done + run->skipped;
        return run->toSend > 0 ? qMin(1.0, double(progressed) / double(run->toSend)) : 0.0;
    }
    default:
        return {};
    }
}

QVariant RetryRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(section)) {
    case Column::Run:
        return tr("Run");
    case Column::State:
        return tr("State");
    case Column::Progress:
        return tr("Progress");
    case Column::Rate:
        return tr("Rate");
    case Column::Eta:
        return tr("ETA");
    case Column::Outcome:
        return tr("Outcome");
    case Column::PlannedBy:
        return tr("Planned by");
    case Column::Scope:
        return tr("Scope");
    case Column::Count:
        break;
    }
    return {};
}
