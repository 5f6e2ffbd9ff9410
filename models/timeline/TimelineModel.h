#pragma once

#include "timeline/Timeline.h"

#include <QAbstractTableModel>
#include <QSet>

class Database;

// An entity's timeline as a table, with the channels a person switched off left out.
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Time,
        Source,
        Type,
        Summary,
        Actor,
        Operation,
        ColumnCount
    };
    enum Role
    {
        PayloadRole = Qt::UserRole + 1,
        AnomalyRole,
        OperationIdRole,
        ChannelRole,
        SortValueRole
    };

    explicit TimelineModel(const Database &db, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Returns false (and keeps the old rows) when the entity cannot be read.
    bool load(const QString &entityId);
    QString entityId() const { return m_entityId; }
    QString lastError() const { return m_error; }
    void setChannelShown(const QString &channel, bool shown);
    const QList<TimelineEntry> &shownEntries() const { return m_shown; }
    int anomalies() const;

private:
    void refilter();

    const Database &m_db;
    QString m_entityId;
    QString m_error;
    QList<TimelineEntry> m_all;
    QList<TimelineEntry> m_shown;
    QSet<QString> m_hidden;
};
