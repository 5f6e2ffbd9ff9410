#pragma once

#include "reconciliation/ReconRowsQuery.h"

#include <QAbstractTableModel>

#include <array>
#include <memory>
#include <optional>

class Database;

enum class ExceptionColumn
{
    Side,
    Date,
    Age,
    Amount,
    Reference,
    Counterparty,
    State,
    Assignee,
    Note,
    Count
};

// A period's exceptions: its unmatched rows of both sides booked more than the exception age
// ago, oldest first, each with what a person said of it (open when nobody has). Both sides are
// read a keyset page at a time and merged by date, so the queue pages like the side tables.
class ExceptionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        RowIdRole = Qt::UserRole + 1,
        SideRole, // RowSide as int
        StateRole, // RowException::State as int
        SortValueRole,
    };
    static constexpr int kPageSize = 256;

    explicit ExceptionsModel(std::shared_ptr<const Database> db, QObject *parent = nullptr);

    void setPeriod(const std::optional<ReconciliationPeriod> &period);
    const std::optional<ReconciliationPeriod> &period() const { return m_period; }
    // Rows booked before `asOf` − `days` are exceptions (ReconciliationDesk::exceptionAgeDays()).
    void setAge(int days, const QDate &asOf = QDate::currentDate());
    // The states shown; empty shows all.
    void setStates(const QList<RowException::State> &states);
    QList<RowException::State> states() const { return m_states; }
    void setFilter(const ReconRowsFilter &filter);
    void reload();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    const ReconRow *rowAt(int row) const;
    int rowOf(const RowRef &ref) const;
    Result<RowLink> linkOf(const ReconRow &row) const;
    QDate cutOff() const { return m_asOf.addDays(-m_ageDays); }

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    QList<ReconRow> nextPage();
    bool refill(int side);

    std::shared_ptr<const Database> m_db;
    std::optional<ReconciliationPeriod> m_period;
    int m_ageDays = 7;
    QDate m_asOf = QDate::currentDate();
    QList<RowException::State> m_states;
    ReconRowsFilter m_filter;
    std::array<std::unique_ptr<ReconRowsQuery>, 2> m_queries;
    std::array<QList<ReconRow>, 2> m_buffers; // read ahead, not yet shown
    std::array<bool, 2> m_sideDone { true, true };
    std::array<std::optional<std::pair<QVariant, qint64>>, 2> m_last; // keyset position of each side
    QList<ReconRow> m_rows;
    QString m_error;
    // Set while rows are reset or inserted: a view (or a tester) asking for more from inside the
    // announcement gets nothing until it is over, so changes never nest.
    bool m_changing = false;
};
