#pragma once

#include "core/Result.h"
#include "operations/OperationState.h"
#include "store/SqlDialect.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariant>
#include <QVector>

#include <optional>

class Database;
class QSqlDatabase;

// Columns of the operations table, in display order.
enum class OperationsColumn
{
    Action,
    Entity,
    Amount,
    Provider,
    State,
    Attempts,
    LastError,
    ExternalId,
    Age,
    Count
};

struct OperationsFilter
{
    QList<OperationState> states; // empty = any
    QString providerId;
    QString action;
    QString text; // in the entity id, external id, error text or customer e-mail, case-insensitive
    qint64 failureGroupId = 0; // the operations a failure group affected; 0 = any
    QString errorClass; // of the last error (rate_limited, ...); empty = any
    qint64 changedSince = 0; // epoch ms the operation last changed at or after; 0 = any

    bool operator==(const OperationsFilter &other) const = default;
};

struct OperationsSort
{
    OperationsColumn column = OperationsColumn::Age;
    Qt::SortOrder order = Qt::AscendingOrder; // Age ascending = newest first
};

// Where a keyset page starts: the sort value and id of a row.
struct RowKey
{
    QVariant sortValue;
    qint64 id = 0;
};

struct OperationRow
{
    qint64 id = 0;
    QString action;
    QString entityType;
    QString entityId;
    QString providerId;
    OperationState state = OperationState::Pending;
    int attempts = 0;
    QString lastErrorClass;
    QString lastError;
    QString externalId;
    qint64 createdAt = 0;
    std::optional<qint64> amount; // in the currency's minor units, from the payload
    QString currency; // ISO 4217 as the payload has it ("eur"); empty when not recorded
    RowKey key;
};

// What a reader of every match needs of each, and no more (no payload is opened): RetryPlanner.
struct OperationBrief
{
    qint64 id = 0;
    QString providerId;
    OperationState state = OperationState::Pending;
    ErrorClass lastErrorClass = ErrorClass::None;
    qint64 createdAt = 0;
};

// Turns a filter and a sort into SQL on indexed columns. Pages are keyset pages
// (`WHERE (sort, id) > (?, ?) ORDER BY sort, id LIMIT n`), never OFFSET. A filter has two
// plans: through the filter's own index (the state index, the search index) with the matches
// sorted, or along the sort column's index testing the filter on each row, which is cheaper
// when matches are many. headPageSql() tells which without counting anything.
class OperationsQuery
{
public:
    // `idsFollowCreation` (idsFollowCreation(db)): the Age order is the id order, so a search
    // may read its index in id order (readsSearchInOrder()).
    OperationsQuery(const OperationsFilter &filter, const OperationsSort &sort, const SqlDialect &dialect,
        bool idsFollowCreation = false);
    // Whether no operation was created before one with a smaller id (schema 23 keeps it).
    static bool idsFollowCreation(const QSqlDatabase &db);

    QString countSql() const;
    QVariantList countValues() const { return m_values; }
    QString pageSql(bool fromKey, bool inclusive, int limit) const;
    // The matches, counted through the filter's index but no further than `limit`.
    QString boundedCountSql(int limit) const;
    // The first `limit` matches among the first `span` rows in sort order, along the sort
    // index (bind headValues()). All `limit` found: matches are dense there, and walking the
    // sort index is the plan; fewer: they are sparse, and the filter's index is.
    QString headPageSql(int span, int limit) const;
    QVariantList headValues() const { return m_valuesUnindexed; }
    // The key of every `stride`-th row among the next `span` rows (from a key, inclusive), so
    // any page can be reached without scanning to it. Run chunk by chunk, so a newer filter
    // never waits for a full scan of an old one.
    QString anchorsSql(int stride, int span, bool fromKey) const;
    // The values for pageSql() and anchorsSql() under the plan chosen.
    QVariantList filterValues() const
    {
        return m_inOrder ? m_valuesInOrder : (m_preferSortIndex ? m_valuesUnindexed : m_values);
    }
    bool hasFilter() const { return !m_where.isEmpty(); }
    // The first page is read off the search index in order, never after sorting every match,
    // so no plan needs choosing (see the constructor).
    bool readsSearchInOrder() const { return m_inOrder.has_value(); }
    // What binds a keyset page's start (after filterValues()).
    QVariantList keyValues(const RowKey &from) const;
    // Page and index queries walk the sort column's index and test the filter on the way,
    // instead of collecting every match and sorting it: faster when matches are many.
    void setPreferSortIndex(bool prefer) { m_preferSortIndex = prefer; }
    bool prefersSortIndex() const { return m_preferSortIndex; }
    // Whether the column has an index to sort by (Amount lives inside the payload).
    static bool isSortable(OperationsColumn column);
    static OperationRow rowFrom(const class QSqlQuery &query);
    // Up to `limit` rows after `after` (from the first without it), on the database's own
    // connection: for readers that walk the whole table in order, a page at a time, without
    // a model or a worker thread (reconsolectl ops list).
    Result<QList<OperationRow>> page(const Database &db, const std::optional<RowKey> &after, int limit) const;
    // Up to `limit` matches after id `afterId`, in id order, through the filter's own index: for
    // readers that take every match and put them in their own order (RetryPlanner).
    Result<QList<OperationBrief>> pageById(const Database &db, qint64 afterId, int limit) const;

private:
    bool descending() const;
    static QString sortColumnSql(OperationsColumn column);
    // Newest first is id order while ids follow creation: the search index hands its matches
    // out in that order where it can, and a page is its first rows.
    void readSearchInIdOrder(const SqlDialect &dialect, const QString &text, const QString &others);
    // `FROM operations WHERE …` of a page or index chunk, from a key (`?`s after the filter's).
    QString fromWhere(bool fromKey, const QString &keyOp) const;

    QString where() const { return m_preferSortIndex ? m_whereUnindexed : m_where; }

    OperationsSort m_sort;
    QString m_sortColumn;
    std::optional<SqlDialect::IdOrderedSearch> m_inOrder;
    QHash<QString, QString> m_inOrderSql; // by the key's operator ("" without a key)
    QVariantList m_valuesInOrder;
    QString m_rowColumns;
    QString m_where;
    QString m_whereUnindexed;
    bool m_preferSortIndex = false;
    QVariantList m_values;
    QVariantList m_valuesUnindexed;
};

Q_DECLARE_METATYPE(OperationsFilter)
Q_DECLARE_METATYPE(OperationRow)
Q_DECLARE_METATYPE(RowKey)
