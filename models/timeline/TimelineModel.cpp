#include "timeline/TimelineModel.h"

#include <QDateTime>

TimelineModel::TimelineModel(const Database &db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(db)
{ }

bool TimelineModel::load(const QString &entityId)
{
    auto entries = Timeline::forEntity(m_db, entityId.trimmed());
    if (!entries) {
        m_error = entries.message();
        return false;
    }
    m_error.clear();
    m_entityId = entityId.trimmed();
    m_all = std::move(entries).value();
    refilter();
    return true;
}

void TimelineModel::setChannelShown(const QString &channel, bool shown)
{
    if (shown)
        m_hidden.remove(channel);
    else
        m_hidden.insert(channel);
    refilter();
}

void TimelineModel::refilter()
{
    beginResetModel();
    m_shown.clear();
    for (const TimelineEntry &t : m_all) {
        if (!m_hidden.contains(t.channel))
            m_shown << t;
    }
    endResetModel();
}

int TimelineModel::anomalies() const
{
    return static_cast<int>(
        std::count_if(m_shown.cbegin(), m_shown.cend(), [](const TimelineEntry &t) { return !t.anomaly.isEmpty(); }));
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_shown.size());
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles { tr("Time"), tr("Source"), tr("Type"), tr("Summary"), tr("Actor"),
        tr("Operation") };
    return titles.value(section);
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TimelineEntry &t = m_shown.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(t.at).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case Source:
            return QStringLiteral("%1 (%2)").arg(t.source, t.channel);
        case Type:
            return t.type;
        case Summary:
            return t.anomaly.isEmpty() ? t.summary : QStringLiteral("⚠ %1 — %2").arg(t.anomaly, t.summary);
        case Actor:
            return t.actor;
        case Operation:
            return t.operationId ? QVariant(t.operationId) : QVariant();
        }
        return {};
    case Qt::ToolTipRole:
        return t.anomaly.isEmpty() ? QVariant() : QVariant(t.anomaly);
    case PayloadRole:
        return t.payload;
    case AnomalyRole:
        return t.anomaly;
    case OperationIdRole:
        return t.operationId;
    case ChannelRole:
        return t.channel;
    case SortValueRole:
        return t.at;
    default:
        return {};
    }
}
