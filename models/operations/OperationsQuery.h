#pragma once

#include "core/Result.h"
#include "operations/OperationState.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariant>
#include <QVector>

#include <optional>

class Database;
class SqlDialect;

// Columns of the operations table, in display order.
enum class OperationsColumn
{
    Action,
    Entity,
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
    QString text; // entity id, external id or error text, case-insensitive

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
    RowKey key;
};

// Turns a filter and a sort into SQL on indexed columns. Pages are keyset pages
// (`WHERE (sort, id) > (?, ?) ORDER BY sort, id LIMIT n`), never OFFSET.
class OperationsQuery
{
public:
    OperationsQuery(const OperationsFilter &filter, const OperationsSort &sort, const SqlDialect &dialect);

    QString countSql() const;
    QString pageSql(bool fromKey, bool inclusive, int limit) const;
    // The key of every `stride`-th row among the next `span` rows (from a key, inclusive), so
    // any page can be reached without scanning to it. Run chunk by chunk, so a newer filter
    // never waits for a full scan of an old one.
    QString anchorsSql(int stride, int span, bool fromKey) const;
    QVariantList filterValues() const { return m_values; }
    bool hasFilter() const { return !m_where.isEmpty(); }
    // Page and index queries walk the sort column's index and test the filter on the way,
    // instead of collecting every match and sorting it: faster when matches are many.
    void setPreferSortIndex(bool prefer) { m_preferSortIndex = prefer; }
    static bool sortIndexIsCheaper(qint64 matches, qint64 total);
    static QString sortColumnSql(OperationsColumn column);
    static OperationRow rowFrom(const class QSqlQuery &query);
    // Up to `limit` rows after `after` (from the first without it), on the database's own
    // connection: for readers that walk the whole table in order, a page at a time, without
    // a model or a worker thread (reconsolectl ops list).
    Result<QList<OperationRow>> page(const Database &db, const std::optional<RowKey> &after, int limit) const;

private:
    bool descending() const;

    QString where() const { return m_preferSortIndex ? m_whereUnindexed : m_where; }

    OperationsSort m_sort;
    QString m_where;
    QString m_whereUnindexed;
    bool m_preferSortIndex = false;
    QVariantList m_values;
};

Q_DECLARE_METATYPE(OperationsFilter)
Q_DECLARE_METATYPE(OperationRow)
Q_DECLARE_METATYPE(RowKey)
