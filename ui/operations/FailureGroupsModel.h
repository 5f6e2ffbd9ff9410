#pragma once

#include "operations/FailureGroup.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QVector>

// The failure groups the Failures view lists, as RetryRunService read them, with each one's
// failures over the last day for the trend column. A few hundred rows at most: held in memory.
class FailureGroupsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Column
    {
        Title,
        State,
        Failing,
        Affected,
        Failures,
        FirstSeen,
        LastSeen,
        Trend,
        Count
    };
    enum Role
    {
        GroupIdRole = Qt::UserRole + 1,
        SortRole, // the raw value of the column
        StateRole, // FailureGroup::State as int
        RegressedRole,
        SparklineRole, // QVector<qint64>, oldest bucket first
    };

    explicit FailureGroupsModel(QObject *parent = nullptr);

    // Replaces the rows; `now` (epoch ms) is what "last seen" is relative to.
    void setGroups(const QList<FailureGroup> &groups, const QHash<qint64, QVector<qint64>> &sparklines, qint64 now);
    const FailureGroup *groupAt(int row) const;
    int rowOf(qint64 groupId) const; // -1 when not listed

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateText(const FailureGroup &group, qint64 now);
    static QString ago(qint64 then, qint64 now); // "3 min ago"

private:
    QVariant display(const FailureGroup &group, Column column) const;
    QVariant tooltip(const FailureGroup &group, Column column) const;

    QList<FailureGroup> m_groups;
    QHash<qint64, QVector<qint64>> m_sparklines;
    qint64 m_now = 0;
};
