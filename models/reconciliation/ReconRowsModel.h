#pragma once

#include "reconciliation/ReconRowsQuery.h"

#include <QAbstractTableModel>
#include <QHash>

#include <memory>
#include <optional>

class Database;

// One side of a period's unmatched rows, as a window over the store: keyset pages of 256 are
// fetched as the view scrolls (canFetchMore/fetchMore), sorted by date or amount on their
// indexes and filtered in SQL, so a million rows open as fast as a hundred.
class ReconRowsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        RowIdRole = Qt::UserRole + 1,
        SortValueRole, // the raw value the column sorts by
        ClearedMinorRole, // what the row clears: amount, net of a provider's fee
        SuggestedRole, // true when the last run suggested a match for it
    };
    static constexpr int kPageSize = 256;

    ReconRowsModel(std::shared_ptr<const Database> db, RowSide side, QObject *parent = nullptr);

    RowSide side() const { return m_side; }
    // The period whose rows are shown; none shows nothing.
    void setPeriod(const std::optional<ReconciliationPeriod> &period);
    const std::optional<ReconciliationPeriod> &period() const { return m_period; }
    void setFilter(const ReconRowsFilter &filter);
    const ReconRowsFilter &filter() const { return m_filter; }
    ReconRowsSort sortOrder() const { return m_sort; }
    // Reads the first page again, keeping period, filter and sort (after an action).
    void reload();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    const ReconRow *rowAt(int row) const;
    // The row of `id` among those loaded, or -1.
    int rowOf(qint64 id) const;
    // Rows of either side by id, matched or not (the suggestions' counterparts).
    Result<QList<ReconRow>> rows(RowSide side, const QList<qint64> &ids) const;
    Result<RowLink> linkOf(const ReconRow &row) const;
    // How many rows the filter lets through, counted no further than `limit`.
    Result<qint64> countUpTo(int limit) const;
    Result<QList<AccountCurrency>> knownAccounts() const;
    QString lastError() const { return m_error; }

Q_SIGNALS:
    void loadFailed(const QString &message);
    void reloaded(); // the first page of the current period, filter and sort is in

private:
    QList<ReconRow> fetchPage(); // the next page after the last row loaded
    void append(const QList<ReconRow> &rows);

    std::shared_ptr<const Database> m_db;
    RowSide m_side;
    std::optional<ReconciliationPeriod> m_period;
    ReconRowsFilter m_filter;
    ReconRowsSort m_sort;
    std::unique_ptr<ReconRowsQuery> m_query;
    QList<ReconRow> m_rows;
    QHash<qint64, int> m_rowOfId;
    bool m_atEnd = true;
    QString m_error;
    // Set while rows are reset or inserted: a view (or a tester) asking for more from inside the
    // announcement gets nothing until it is over, so changes never nest.
    bool m_changing = false;
};
