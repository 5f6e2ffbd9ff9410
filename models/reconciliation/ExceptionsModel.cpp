#include "reconciliation/ExceptionsModel.h"

#include "operations/OperationsModel.h"
#include "store/Database.h"

#include <QDateTime>
#include <QLocale>

namespace {
QString stateLabel(RowException::State state)
{
    switch (state) {
    case RowException::State::Open:
        return QObject::tr("Open");
    case RowException::State::Investigating:
        return QObject::tr("Investigating");
    case RowException::State::Resolved:
        return QObject::tr("Resolved");
    }
    return {};
}

// Oldest first; on one day the ledger's rows before the statement's, each by id.
bool before(const ReconRow &a, const ReconRow &b)
{
    if (a.day != b.day)
        return a.day < b.day;
    if (a.side != b.side)
        return a.side == RowSide::Ledger;
    return a.id < b.id;
}
} // namespace

ExceptionsModel::ExceptionsModel(std::shared_ptr<const Database> db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(std::move(db))
{ }

void ExceptionsModel::setPeriod(const std::optional<ReconciliationPeriod> &period)
{
    m_period = period;
    reload();
}

void ExceptionsModel::setAge(int days, const QDate &asOf)
{
    m_ageDays = days;
    m_asOf = asOf;
    reload();
}

void ExceptionsModel::setStates(const QList<RowException::State> &states)
{
    m_states = states;
    reload();
}

void ExceptionsModel::setFilter(const ReconRowsFilter &filter)
{
    m_filter = filter;
    reload();
}

void ExceptionsModel::reload()
{
    m_changing = true;
    beginResetModel();
    m_rows.clear();
    m_error.clear();
    for (int side = 0; side < 2; ++side) {
        m_queries[side].reset();
        m_buffers[side].clear();
        m_last[side].reset();
        m_sideDone[side] = true;
    }
    if (m_period) {
        ReconRowsScope scope = ReconRowsScope::of(*m_period);
        scope.bookedBefore = cutOff();
        scope.exceptionStates = m_states;
        for (int side = 0; side < 2; ++side) {
            m_queries[side] = std::make_unique<ReconRowsQuery>(
                static_cast<RowSide>(side), scope, m_filter, ReconRowsSort {}, *m_db);
            m_sideDone[side] = false;
        }
        m_rows = nextPage();
    }
    endResetModel();
    m_changing = false;
    if (!m_error.isEmpty())
        Q_EMIT loadFailed(m_error);
}

bool ExceptionsModel::refill(int side)
{
    if (!m_buffers[side].isEmpty() || m_sideDone[side])
        return true;
    auto page = m_queries[side]->page(*m_db, m_last[side], kPageSize);
    if (!page) {
        m_error = page.message();
        m_sideDone = { true, true };
        return false;
    }
    m_sideDone[side] = page->size() < kPageSize;
    if (!page->isEmpty())
        m_last[side] = std::make_pair(page->last().sortValue, page->last().id);
    m_buffers[side] = std::move(page).value();
    return true;
}

QList<ReconRow> ExceptionsModel::nextPage()
{
    QList<ReconRow> page;
    while (page.size() < kPageSize) {
        if (!refill(0) || !refill(1))
            break;
        const bool ledger = !m_buffers[0].isEmpty();
        const bool statement = !m_buffers[1].isEmpty();
        if (!ledger && !statement)
            break;
        const int side = !statement || (ledger && before(m_buffers[0].first(), m_buffers[1].first())) ? 0 : 1;
        page << m_buffers[side].takeFirst();
    }
    return page;
}

bool ExceptionsModel::canFetchMore(const QModelIndex &parent) const
{
    if (parent.isValid() || m_changing)
        return false;
    for (int side = 0; side < 2; ++side)
        if (!m_buffers[side].isEmpty() || !m_sideDone[side])
            return true;
    return false;
}

void ExceptionsModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    const QList<ReconRow> page = nextPage();
    if (!m_error.isEmpty())
        Q_EMIT loadFailed(m_error);
    if (page.isEmpty())
        return;
    const int first = static_cast<int>(m_rows.size());
    m_changing = true;
    beginInsertRows({}, first, first + static_cast<int>(page.size()) - 1);
    m_rows += page;
    endInsertRows();
    m_changing = false;
}

int ExceptionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ExceptionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(ExceptionColumn::Count);
}

QVariant ExceptionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles { tr("Side"), tr("Date"), tr("Age"), tr("Amount"), tr("Reference"),
        tr("Counterparty"), tr("State"), tr("Assignee"), tr("Note") };
    return titles.value(section);
}

const ReconRow *ExceptionsModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int ExceptionsModel::rowOf(const RowRef &ref) const
{
    for (int i = 0; i < m_rows.size(); ++i) // the loaded pages of one queue: a few hundred rows
        if (m_rows.at(i).id == ref.id && m_rows.at(i).side == ref.side)
            return i;
    return -1;
}

QVariant ExceptionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReconRow &r = m_rows.at(index.row());
    const auto column = static_cast<ExceptionColumn>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case ExceptionColumn::Side:
            return r.side == RowSide::Ledger ? tr("Ledger") : tr("Statement");
        case ExceptionColumn::Date:
            return r.day.toString(Qt::ISODate);
        case ExceptionColumn::Age:
            return tr("%1 d").arg(r.day.daysTo(m_asOf));
        case ExceptionColumn::Amount:
            return OperationsModel::formatAmount(r.amountMinor, r.currency, QLocale());
        case ExceptionColumn::Reference:
            return r.reference;
        case ExceptionColumn::Counterparty:
            return r.counterparty;
        case ExceptionColumn::State:
            return stateLabel(r.exceptionState);
        case ExceptionColumn::Assignee:
            return r.exceptionAssignee;
        case ExceptionColumn::Note:
            return r.exceptionNote;
        case ExceptionColumn::Count:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == ExceptionColumn::State && !r.exceptionUpdatedBy.isEmpty())
            return tr("Set by %1 at %2")
                .arg(r.exceptionUpdatedBy,
                    QDateTime::fromMSecsSinceEpoch(r.exceptionUpdatedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        if (column == ExceptionColumn::Note && !r.exceptionNote.isEmpty())
            return r.exceptionNote;
        if (column == ExceptionColumn::Reference && r.references.size() > 1)
            return r.references.join(QLatin1Char('\n'));
        if (column == ExceptionColumn::Counterparty && !r.description.isEmpty())
            return r.description;
        return {};
    case Qt::TextAlignmentRole:
        if (column == ExceptionColumn::Amount || column == ExceptionColumn::Age)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RowIdRole:
        return r.id;
    case SideRole:
        return static_cast<int>(r.side);
    case StateRole:
        return static_cast<int>(r.exceptionState);
    case SortValueRole:
        return column == ExceptionColumn::Date || column == ExceptionColumn::Age ? QVariant(r.day) : QVariant();
    default:
        return {};
    }
}

Result<RowLink> ExceptionsModel::linkOf(const ReconRow &row) const
{
    return ReconRowsQuery::linkOf(*m_db, row);
}
