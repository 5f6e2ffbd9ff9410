#include "operations/FailureGroupsModel.h"

#include <QDateTime>
#include <QLocale>

namespace {
using Column = FailureGroupsModel::Column;
using State = FailureGroup::State;

QString when(qint64 ms)
{
    return ms > 0 ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat) : QString();
}
} // namespace

FailureGroupsModel::FailureGroupsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void FailureGroupsModel::setGroups(
    const QList<FailureGroup> &groups, const QHash<qint64, QVector<qint64>> &sparklines, qint64 now)
{
    beginResetModel();
    m_groups = groups;
    m_sparklines = sparklines;
    m_now = now;
    endResetModel();
}

const FailureGroup *FailureGroupsModel::groupAt(int row) const
{
    return row >= 0 && row < m_groups.size() ? &m_groups.at(row) : nullptr;
}

int FailureGroupsModel::rowOf(qint64 groupId) const
{
    for (int row = 0; row < m_groups.size(); ++row)
        if (m_groups.at(row).id == groupId)
            return row;
    return -1;
}

int FailureGroupsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_groups.size());
}

int FailureGroupsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(Column::Count);
}

QString FailureGroupsModel::ago(qint64 then, qint64 now)
{
    if (then <= 0)
        return {};
    const qint64 seconds = qMax<qint64>(0, (now - then) / 1000);
    if (seconds < 60)
        return tr("just now");
    if (seconds < 3600)
        return tr("%1 min ago").arg(seconds / 60);
    if (seconds < 48 * 3600)
        return tr("%1 h ago").arg(seconds / 3600);
    return tr("%1 days ago").arg(seconds / 86400);
}

QString FailureGroupsModel::stateText(const FailureGroup &group, qint64 now)
{
    QString text = FailureGroup::stateName(group.state);
    if (group.state == State::Ignored) {
        if (group.ignoreUntil > now)
            text = tr("ignored until %1").arg(when(group.ignoreUntil));
        else if (group.ignoreUntilFailures > group.failures)
            text = tr("ignored for %L1 more failures").arg(group.ignoreUntilFailures - group.failures);
        else if (group.ignoreUntil == 0 && group.ignoreUntilFailures == 0)
            text = tr("ignored for ever");
    }
    if (group.regressed)
        text += tr(" · regression");
    return text;
}

QVariant FailureGroupsModel::display(const FailureGroup &group, Column column) const
{
    switch (column) {
    case Column::Title:
        return group.title();
    case Column::State:
        return stateText(group, m_now);
    case Column::Failing:
        return QLocale().toString(group.failing);
    case Column::Affected:
        return QLocale().toString(group.affected);
    case Column::Failures:
        return QLocale().toString(group.failures);
    case Column::FirstSeen:
        return when(group.firstSeen);
    case Column::LastSeen:
        return ago(group.lastSeen, m_now);
    case Column::Trend:
    case Column::Count:
        break;
    }
    return {};
}

QVariant FailureGroupsModel::tooltip(const FailureGroup &group, Column column) const
{
    switch (column) {
    case Column::Title:
        return tr("%1\n\nOne failure of this group, as it was written:\n%2").arg(group.title(), group.sampleError);
    case Column::State:
        if (group.stateBy.isEmpty())
            return group.regressed ? tr("It was resolved, and failed again.") : QVariant();
        return tr("%1 by %2, %3%4")
            .arg(FailureGroup::stateName(group.state), group.stateBy, when(group.stateAt),
                group.stateNote.isEmpty() ? QString() : QStringLiteral(": ") + group.stateNote);
    case Column::Failing:
        return tr("Operations of this group that have not succeeded or been settled by a person yet.");
    case Column::Affected:
        return tr("Operations that ever failed this way.");
    case Column::Failures:
        return tr("Every failure, retries included.");
    case Column::LastSeen:
        return when(group.lastSeen);
    case Column::Trend: {
        qint64 total = 0;
        for (qint64 n : m_sparklines.value(group.id))
            total += n;
        return tr("%L1 failures in the last 24 hours, by half hour.").arg(total);
    }
    case Column::FirstSeen:
    case Column::Count:
        break;
    }
    return {};
}

QVariant FailureGroupsModel::data(const QModelIndex &index, int role) const
{
    const FailureGroup *group = index.isValid() ? groupAt(index.row()) : nullptr;
    if (!group || index.column() >= static_cast<int>(Column::Count))
        return {};
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return display(*group, column);
    case Qt::ToolTipRole:
        return tooltip(*group, column);
    case Qt::TextAlignmentRole:
        if (column == Column::Failing || column == Column::Affected || column == Column::Failures)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case GroupIdRole:
        return group->id;
    case StateRole:
        return static_cast<int>(group->state);
    case RegressedRole:
        return group->regressed;
    case SparklineRole:
        return column == Column::Trend ? QVariant::fromValue(m_sparklines.value(group->id)) : QVariant();
    case SortRole:
        switch (column) {
        case Column::Title:
            return group->title();
        case Column::State:
            return static_cast<int>(group->state);
        case Column::Failing:
            return group->failing;
        case Column::Affected:
            return group->affected;
        case Column::Failures:
        case Column::Trend:
            return group->failures;
        case Column::FirstSeen:
            return group->firstSeen;
        case Column::LastSeen:
            return group->lastSeen;
        case Column::Count:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant FailureGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(section)) {
    case Column::Title:
        return tr("Failure");
    case Column::State:
        return tr("State");
    case Column::Failing:
        return tr("Failing");
    case Column::Affected:
        return tr("Affected");
    case Column::Failures:
        return tr("Failures");
    case Column::FirstSeen:
        return tr("First seen");
    case Column::LastSeen:
        return tr("Last seen");
    case Column::Trend:
        return tr("Last 24 h");
    case Column::Count:
        break;
    }
    return {};
}
