#include "reconciliation/ReconRowsModel.h"

#include "operations/OperationsModel.h"
#include "store/Database.h"

#include <QLocale>

ReconRowsModel::ReconRowsModel(std::shared_ptr<const Database> db, RowSide side, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(std::move(db))
    , m_side(side)
{ }

void ReconRowsModel::setPeriod(const std::optional<ReconciliationPeriod> &period)
{
    m_period = period;
    reload();
}

void ReconRowsModel::setFilter(const ReconRowsFilter &filter)
{
    m_filter = filter;
    reload();
}

void ReconRowsModel::sort(int column, Qt::SortOrder order)
{
    if (!ReconRowsQuery::isSortable(static_cast<ReconColumn>(column)))
        return;
    m_sort = { static_cast<ReconColumn>(column), order };
    reload();
}

void ReconRowsModel::reload()
{
    m_changing = true;
    beginResetModel();
    m_rows.clear();
    m_rowOfId.clear();
    m_error.clear();
    m_query.reset();
    m_atEnd = true;
    if (m_period) {
        m_query = std::make_unique<ReconRowsQuery>(m_side, ReconRowsScope::of(*m_period), m_filter, m_sort, *m_db);
        m_atEnd = false;
        append(fetchPage());
    }
    endResetModel();
    m_changing = false;
    if (!m_error.isEmpty())
        Q_EMIT loadFailed(m_error);
    Q_EMIT reloaded();
}

QList<ReconRow> ReconRowsModel::fetchPage()
{
    std::optional<std::pair<QVariant, qint64>> after;
    if (!m_rows.isEmpty())
        after = std::make_pair(m_rows.last().sortValue, m_rows.last().id);
    auto page = m_query->page(*m_db, after, kPageSize);
    if (!page) {
        m_error = page.message();
        m_atEnd = true;
        return {};
    }
    m_atEnd = page->size() < kPageSize;
    return std::move(page).value();
}

void ReconRowsModel::append(const QList<ReconRow> &rows)
{
    for (const ReconRow &r : rows) {
        m_rowOfId.insert(r.id, static_cast<int>(m_rows.size()));
        m_rows << r;
    }
}

bool ReconRowsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && !m_changing;
}

void ReconRowsModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    const QList<ReconRow> page = fetchPage(); // read first: rows are inserted once they are known
    if (page.isEmpty()) {
        if (!m_error.isEmpty())
            Q_EMIT loadFailed(m_error);
        return;
    }
    const int first = static_cast<int>(m_rows.size());
    m_changing = true;
    beginInsertRows({}, first, first + static_cast<int>(page.size()) - 1);
    append(page);
    endInsertRows();
    m_changing = false;
}

int ReconRowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ReconRowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(ReconColumn::Count);
}

QVariant ReconRowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles { tr("Date"), tr("Amount"), tr("Fee"), tr("Reference"), tr("Counterparty"),
        tr("Suggestion"), tr("Description") };
    return titles.value(section);
}

const ReconRow *ReconRowsModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int ReconRowsModel::rowOf(qint64 id) const
{
    return m_rowOfId.value(id, -1);
}

QVariant ReconRowsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReconRow &r = m_rows.at(index.row());
    const auto column = static_cast<ReconColumn>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case ReconColumn::Date:
            return r.day.toString(Qt::ISODate);
        case ReconColumn::Amount:
            return OperationsModel::formatAmount(r.amountMinor, r.currency, QLocale());
        case ReconColumn::Fee:
            return r.feeMinor ? OperationsModel::formatAmount(r.feeMinor, r.currency, QLocale()) : QString();
        case ReconColumn::Reference:
            return r.reference;
        case ReconColumn::Counterparty:
            return r.counterparty;
        case ReconColumn::Description:
            return r.description;
        case ReconColumn::Suggestion:
            return r.suggestionMatchId
                ? QStringLiteral("%1 · %2").arg(r.suggestionRule).arg(r.suggestionScore, 0, 'f', 2)
                : QString();
        case ReconColumn::Count:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == ReconColumn::Reference && r.references.size() > 1)
            return r.references.join(QLatin1Char('\n'));
        if (column == ReconColumn::Amount && r.feeMinor)
            return tr("%1 gross, %2 fee: clears %3")
                .arg(OperationsModel::formatAmount(r.amountMinor, r.currency, QLocale()),
                    OperationsModel::formatAmount(r.feeMinor, r.currency, QLocale()),
                    OperationsModel::formatAmount(r.clearedMinor(), r.currency, QLocale()));
        if (column == ReconColumn::Suggestion && r.suggestionMatchId)
            return tr("The last run matched this row by the rule %1 (score %2); select it to see why.")
                .arg(r.suggestionRule)
                .arg(r.suggestionScore, 0, 'f', 2);
        if (column == ReconColumn::Description && !r.description.isEmpty())
            return r.description;
        return {};
    case Qt::TextAlignmentRole:
        if (column == ReconColumn::Amount || column == ReconColumn::Fee)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RowIdRole:
        return r.id;
    case SortValueRole:
        if (column == ReconColumn::Date)
            return r.day;
        if (column == ReconColumn::Amount)
            return r.amountMinor;
        if (column == ReconColumn::Fee)
            return r.feeMinor;
        return {};
    case ClearedMinorRole:
        return r.clearedMinor();
    case SuggestedRole:
        return r.suggestionMatchId != 0;
    default:
        return {};
    }
}

Result<QList<ReconRow>> ReconRowsModel::rows(RowSide side, const QList<qint64> &ids) const
{
    return ReconRowsQuery::byIds(*m_db, side, ids);
}

Result<RowLink> ReconRowsModel::linkOf(const ReconRow &row) const
{
    return ReconRowsQuery::linkOf(*m_db, row);
}

Result<qint64> ReconRowsModel::countUpTo(int limit) const
{
    if (!m_query)
        return qint64(0);
    return m_query->countUpTo(*m_db, limit);
}

Result<QList<AccountCurrency>> ReconRowsModel::knownAccounts() const
{
    return ReconRowsQuery::knownAccounts(*m_db);
}
