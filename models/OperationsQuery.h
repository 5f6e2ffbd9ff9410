#pragma once

#include "OperationState.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariant>
#include <QVector>

class SqlDialect;

// Columns of the operations table, in display order.
enum class OperationsColumn { Action, Entity, Provider, State, Attempts, LastError, ExternalId, Age, Count };

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
    // The key of every `stride`-th row, so any page can be reached without scanning to it.
    QString anchorsSql(int stride) const;
    QVariantList filterValues() const { return m_values; }
    static QString sortColumnSql(OperationsColumn column);
    static OperationRow rowFrom(const class QSqlQuery &query);

private:
    bool descending() const;

    OperationsSort m_sort;
    QString m_where;
    QVariantList m_values;
};

Q_DECLARE_METATYPE(OperationsFilter)
Q_DECLARE_METATYPE(OperationRow)
Q_DECLARE_METATYPE(RowKey)
