#pragma once

#include "core/Result.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

class Database;

// Columns of a reconciliation side's table, in display order (the ledger side hides Fee).
enum class ReconColumn
{
    Date,
    Amount,
    Fee,
    Reference,
    Counterparty,
    Suggestion,
    Description, // last: it takes the room left
    Count
};

// What a person types in the amount filter, in the currency's minor units: "120.50" is either
// sign (the bank and our books disagree on it as often as not), "-120.50" exactly that, "100..200"
// a range, ">100", ">=100", "<100", "<=100" one bound.
struct AmountFilter
{
    std::optional<qint64> minMinor; // inclusive, signed
    std::optional<qint64> maxMinor;
    bool eitherSign = false; // minMinor == maxMinor, and its negation matches too

    bool isEmpty() const { return !minMinor && !maxMinor; }
    bool operator==(const AmountFilter &other) const = default;
    // Nothing when `text` is none of the forms above; an empty filter for empty text.
    static std::optional<AmountFilter> parse(const QString &text, int exponent);
};

struct ReconRowsFilter
{
    QString text; // in the reference, counterparty or description; % and _ are literal
    AmountFilter amount;
    bool operator==(const ReconRowsFilter &other) const = default;
};

struct ReconRowsSort
{
    ReconColumn column = ReconColumn::Date; // Date or Amount: the two with an index
    Qt::SortOrder order = Qt::AscendingOrder;
};

// Which rows of a side: a period's unmatched ones, optionally only those booked before a day
// (the exceptions) and in some exception states.
struct ReconRowsScope
{
    QString account;
    QString currency;
    QDate from;
    QDate to;
    std::optional<QDate> bookedBefore;
    QList<RowException::State> exceptionStates; // empty: any (only with bookedBefore)

    static ReconRowsScope of(const ReconciliationPeriod &period);
};

// One unmatched row of either side as the workspace shows it.
struct ReconRow
{
    RowSide side = RowSide::Ledger;
    qint64 id = 0;
    QDate day;
    qint64 amountMinor = 0; // signed, gross
    qint64 feeMinor = 0; // a provider's fee (statement side); the line clears amount − fee
    QString currency;
    QString reference; // the one to show: the ledger's, a line's end-to-end id or first reference
    QStringList references; // every reference the row carries
    QString counterparty;
    QString description;
    // Our ledger's link to what Reconsole knows of the payment.
    QString entityType;
    QString entityId;
    qint64 operationId = 0;
    QString payoutId;
    // In an unconfirmed match of the last run: the rules' suggestion for it.
    qint64 suggestionMatchId = 0;
    QString suggestionRule;
    double suggestionScore = 0;
    // The person's word on it, when it is an exception.
    RowException::State exceptionState = RowException::State::Open;
    QString exceptionNote;
    QString exceptionAssignee;
    QString exceptionUpdatedBy;
    qint64 exceptionUpdatedAt = 0;
    QVariant sortValue; // of the keyset: the sort column's value

    qint64 clearedMinor() const { return amountMinor - feeMinor; }
    RowRef ref() const { return { side, id }; }
};

// What Reconsole knows of the payment a row is about: the entity its timeline is of, the
// operation its diff starts from. Empty when neither is known.
struct RowLink
{
    QString entityId;
    qint64 operationId = 0;
    bool isEmpty() const { return entityId.isEmpty() && operationId == 0; }
};

struct AccountCurrency
{
    QString account;
    QString currency;
};

// The SQL of one side's unmatched rows: in no confirmed match, booked in the period, in its
// currency, statement lines not split. Keyset pages (`(sort, id) > (?, ?) LIMIT n`) along the
// (account, booking date) or (account, amount) index. A rare text filter reads the search
// index (schema 19) to build the query, a common one is tested on each row.
class ReconRowsQuery
{
public:
    ReconRowsQuery(RowSide side, const ReconRowsScope &scope, const ReconRowsFilter &filter, const ReconRowsSort &sort,
        const Database &db);

    // Up to `limit` rows after the row with `afterValue` and `afterId` (from the first without).
    Result<QList<ReconRow>> page(
        const Database &db, const std::optional<std::pair<QVariant, qint64>> &after, int limit) const;
    // How many rows match, counting no further than `limit`.
    Result<qint64> countUpTo(const Database &db, int limit) const;

    static bool isSortable(ReconColumn column) { return column == ReconColumn::Date || column == ReconColumn::Amount; }
    // The rows with these ids (matched or not), in the order given; missing ids are left out.
    static Result<QList<ReconRow>> byIds(const Database &db, RowSide side, const QList<qint64> &ids);
    static Result<RowLink> linkOf(const Database &db, const ReconRow &row);
    // The accounts with statements or periods, with their currencies, for opening a period.
    static Result<QList<AccountCurrency>> knownAccounts(const Database &db);

private:
    QString sql(bool fromKey, int limit) const;

    RowSide m_side;
    ReconRowsSort m_sort;
    bool m_exceptions = false;
    QString m_sortSql; // the sort column as the page queries order by it
    QString m_where;
    QVariantList m_values;
};
