#pragma once

#include "core/Result.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QVariant>

#include <memory>
#include <optional>

class Database;

enum class MatchColumn
{
    ClearedOn,
    State,
    Rule,
    Score,
    LedgerRows,
    LedgerAmount,
    StatementRows,
    StatementAmount,
    Adjustment,
    ConfirmedBy,
    ConfirmedAt,
    Why,
    Count
};

// One side of a match as the Matched tab lists it.
struct MatchSideRow
{
    qint64 id = 0;
    QDate day;
    qint64 clearedMinor = 0; // statement lines net of fees
    QString reference;
};

struct MatchListRow
{
    qint64 id = 0;
    QDate clearedOn;
    QString rule;
    double score = 0;
    QString why;
    QString currency;
    QString confirmedBy; // empty: a suggestion still
    qint64 confirmedAt = 0;
    QList<MatchSideRow> ledger;
    QList<MatchSideRow> statement;
    QList<Adjustment> adjustments;

    qint64 ledgerMinor() const;
    qint64 statementMinor() const;
    // The adjustment that counts now: pending or approved before rejected or reversed ones.
    const Adjustment *currentAdjustment() const;
};

// Every match of a period (cleared in it): the rule and score that made it and why, the rows and
// totals of each side, who confirmed it when, and any adjustment with its state. Keyset pages by
// cleared day along the (account, cleared_on) index; the rows and adjustments of a page are read
// for the page's matches only.
class MatchesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        MatchIdRole = Qt::UserRole + 1,
        ConfirmedRole,
        AdjustmentIdRole, // the current adjustment's id, 0 when none
        AdjustmentStateRole, // Adjustment::State as int, invalid when none
        SortValueRole,
    };
    static constexpr int kPageSize = 256;

    explicit MatchesModel(std::shared_ptr<const Database> db, QObject *parent = nullptr);

    void setPeriod(const std::optional<ReconciliationPeriod> &period);
    // Confirmed matches only, or the last run's suggestions too.
    void setShowSuggestions(bool show);
    bool showsSuggestions() const { return m_showSuggestions; }
    void reload();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    const MatchListRow *rowAt(int row) const;
    int rowOf(qint64 matchId) const;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    Result<QList<MatchListRow>> nextPage() const;
    Status fillDetails(QList<MatchListRow> &rows) const;

    std::shared_ptr<const Database> m_db;
    std::optional<ReconciliationPeriod> m_period;
    bool m_showSuggestions = false;
    Qt::SortOrder m_order = Qt::AscendingOrder;
    QList<MatchListRow> m_rows;
    bool m_atEnd = true;
    // Set while rows are reset or inserted: a view (or a tester) asking for more from inside the
    // announcement gets nothing until it is over, so changes never nest.
    bool m_changing = false;
};
