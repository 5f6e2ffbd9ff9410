#include "operations/OperationsQuery.h"

#include "store/Database.h"
#include "store/SqlDialect.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace {
const char *kRowColumns = "id, action, entity_type, entity_id, provider_id, state, attempts, last_error_class, "
                          "last_error, external_id, created_at";
constexpr int kKeyColumn = 13; // after the row's columns, amount and currency
} // namespace

OperationsQuery::OperationsQuery(
    const OperationsFilter &filter, const OperationsSort &sort, const SqlDialect &dialect, bool idsFollowCreation)
    : m_sort(sort)
    , m_sortColumn(sortColumnSql(sort.column))
    , m_rowColumns(
          QStringLiteral("%1, %2, %3")
              .arg(QLatin1String(kRowColumns), dialect.jsonText(QStringLiteral("payload"), QStringLiteral("amount")),
                  dialect.jsonText(QStringLiteral("payload"), QStringLiteral("currency"))))
{
    QStringList clauses;
    QStringList unindexed;
    auto both = [&](const QVariant &value) {
        m_values << value;
        m_valuesUnindexed << value;
    };
    if (!filter.states.isEmpty()) {
        QStringList marks;
        for (OperationState s : filter.states) {
            marks << QStringLiteral("?");
            both(OperationStates::name(s));
        }
        clauses << QStringLiteral("state IN (%1)").arg(marks.join(QStringLiteral(", ")));
        unindexed << QStringLiteral("%1 IN (%2)")
                         .arg(dialect.unindexed(QStringLiteral("state")), marks.join(QStringLiteral(", ")));
    }
    if (!filter.providerId.isEmpty()) {
        clauses << QStringLiteral("provider_id = ?");
        unindexed << dialect.unindexed(QStringLiteral("provider_id")) + QStringLiteral(" = ?");
        both(filter.providerId);
    }
    if (!filter.action.isEmpty()) {
        clauses << QStringLiteral("action = ?");
        unindexed << dialect.unindexed(QStringLiteral("action")) + QStringLiteral(" = ?");
        both(filter.action);
    }
    if (filter.failureGroupId != 0) {
        clauses << QStringLiteral("failure_group_id = ?");
        unindexed << dialect.unindexed(QStringLiteral("failure_group_id")) + QStringLiteral(" = ?");
        both(filter.failureGroupId);
    }
    if (!filter.errorClass.isEmpty()) {
        clauses << QStringLiteral("last_error_class = ?");
        unindexed << QStringLiteral("last_error_class = ?");
        both(filter.errorClass);
    }
    if (filter.changedSince > 0) {
        clauses << QStringLiteral("updated_at >= ?");
        unindexed << QStringLiteral("updated_at >= ?");
        both(filter.changedSince);
    }
    if (const QString text = filter.text.trimmed(); !text.isEmpty()) {
        // Row by row, each searched field is tested on its own; the search index holds the same
        // fields (migration 7) but answers only text long enough for a trigram.
        const QString onEachRow
            = QStringLiteral("(%1 OR %2 OR %3 OR %4)")
                  .arg(dialect.like(QStringLiteral("entity_id")), dialect.like(QStringLiteral("external_id")),
                      dialect.like(QStringLiteral("last_error")),
                      dialect.like(dialect.jsonText(QStringLiteral("payload"), QStringLiteral("customer_email"))));
        const QString pattern = SqlDialect::likeContaining(text);
        // Newest first is id order while ids follow creation: the index hands its matches
        // out in that order where it can, and the page is its first rows.
        if (idsFollowCreation && sort.column == OperationsColumn::Age)
            readSearchInIdOrder(dialect, text, clauses.join(QStringLiteral(" AND ")));
        if (dialect.searchIndexCan(text)) {
            clauses << dialect.searchIndexMatch(QStringLiteral("operations"), text);
            unindexed << dialect.searchIndexRowTest(QStringLiteral("operations"), text);
            for (const QString &value : dialect.searchIndexValues(text))
                both(value);
        } else if (const QString joined = dialect.searchEachRow(QStringLiteral("operations"), text);
                   !joined.isEmpty()) {
            clauses << joined;
            unindexed << joined;
            both(pattern);
        } else {
            clauses << onEachRow;
            unindexed << onEachRow;
            for (int i = 0; i < 4; ++i)
                both(pattern);
        }
    }
    m_where = clauses.isEmpty() ? QString() : QStringLiteral(" WHERE ") + clauses.join(QStringLiteral(" AND "));
    m_whereUnindexed
        = unindexed.isEmpty() ? QString() : QStringLiteral(" WHERE ") + unindexed.join(QStringLiteral(" AND "));
    m_preferSortIndex = m_where.isEmpty();
}

void OperationsQuery::readSearchInIdOrder(const SqlDialect &dialect, const QString &text, const QString &others)
{
    m_inOrder = dialect.idOrderedSearch(text);
    if (!m_inOrder)
        return;
    m_sortColumn = QStringLiteral("id");
    const bool down = descending();
    for (const QString &keyOp : { QString(), down ? QStringLiteral("<") : QStringLiteral(">"),
             down ? QStringLiteral("<=") : QStringLiteral(">=") })
        m_inOrderSql.insert(keyOp, dialect.idOrderedSearchSql(QStringLiteral("operations"), others, keyOp, down));
    m_valuesInOrder = m_values + m_inOrder->values;
}

bool OperationsQuery::isSortable(OperationsColumn column)
{
    return column != OperationsColumn::Amount && column != OperationsColumn::Count;
}

QString OperationsQuery::sortColumnSql(OperationsColumn column)
{
    switch (column) {
    case OperationsColumn::Action:
        return QStringLiteral("action");
    case OperationsColumn::Entity:
        return QStringLiteral("entity_id");
    case OperationsColumn::Provider:
        return QStringLiteral("provider_id");
    case OperationsColumn::State:
        return QStringLiteral("state");
    case OperationsColumn::Attempts:
        return QStringLiteral("attempts");
    case OperationsColumn::LastError:
        return QStringLiteral("last_error");
    case OperationsColumn::ExternalId:
        return QStringLiteral("external_id");
    case OperationsColumn::Amount: // not sortable: no index (isSortable)
    case OperationsColumn::Age:
    case OperationsColumn::Count:
        break;
    }
    return QStringLiteral("created_at");
}

bool OperationsQuery::descending() const
{
    // Age grows as created_at shrinks, so its ascending order is created_at descending.
    const bool ascending = m_sort.order == Qt::AscendingOrder;
    return m_sort.column == OperationsColumn::Age ? ascending : !ascending;
}

bool OperationsQuery::idsFollowCreation(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    return q.exec(QStringLiteral("SELECT ids_follow_creation FROM operations_order")) && q.next()
        && q.value(0).toBool();
}

QVariantList OperationsQuery::keyValues(const RowKey &from) const
{
    if (m_inOrder)
        return QVariantList(m_inOrder->keyBindings, from.id);
    return { from.sortValue, from.id };
}

QString OperationsQuery::fromWhere(bool fromKey, const QString &keyOp) const
{
    QString sql = QStringLiteral(" FROM operations") + where();
    if (fromKey)
        sql += (where().isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND "))
            + QStringLiteral("(%1, id) %2 (?, ?)").arg(m_sortColumn, keyOp);
    return sql;
}

QString OperationsQuery::countSql() const
{
    return QStringLiteral("SELECT COUNT(*) FROM operations") + m_where;
}

QString OperationsQuery::pageSql(bool fromKey, bool inclusive, int limit) const
{
    const QString dir = descending() ? QStringLiteral("DESC") : QStringLiteral("ASC");
    const QString op = descending() ? (inclusive ? QStringLiteral("<=") : QStringLiteral("<"))
                                    : (inclusive ? QStringLiteral(">=") : QStringLiteral(">"));
    // The page is picked first and its columns computed after, so the amount and currency are
    // read out of the JSON of `limit` rows, not of every match the sort looks at.
    const QString inner = m_inOrder
        ? m_inOrderSql.value(fromKey ? op : QString())
        : QStringLiteral("SELECT operations.*%1 ORDER BY %2 %3, id %3").arg(fromWhere(fromKey, op), m_sortColumn, dir);
    return QStringLiteral("SELECT %1, %2 FROM (%3 LIMIT %4) page ORDER BY %2 %5, id %5")
        .arg(m_rowColumns, m_sortColumn, inner)
        .arg(limit)
        .arg(dir);
}

QString OperationsQuery::boundedCountSql(int limit) const
{
    return QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM operations%1 LIMIT %2) bounded").arg(m_where).arg(limit);
}

QString OperationsQuery::headPageSql(int span, int limit) const
{
    const QString &col = m_sortColumn;
    const QString dir = descending() ? QStringLiteral("DESC") : QStringLiteral("ASC");
    // The inner LIMIT bounds the rows visited; the outer query filters them as they come, in
    // the index's order (both databases stream a subquery's rows in order), and stops at
    // `limit`. An outer ORDER BY would read the whole span first.
    return QStringLiteral(
        "SELECT %1, %2 FROM (SELECT * FROM operations ORDER BY %2 %3, id %3 LIMIT %4) head%5 LIMIT %6")
        .arg(m_rowColumns, col, dir)
        .arg(span)
        .arg(m_whereUnindexed)
        .arg(limit);
}

QString OperationsQuery::anchorsSql(int stride, int span, bool fromKey) const
{
    const QString dir = descending() ? QStringLiteral("DESC") : QStringLiteral("ASC");
    const QString op = descending() ? QStringLiteral("<=") : QStringLiteral(">=");
    const QString keys = m_inOrder ? QStringLiteral("SELECT id AS k, id FROM (%1 LIMIT %2) matched")
                                         .arg(m_inOrderSql.value(fromKey ? op : QString()))
                                         .arg(span + 1)
                                   : QStringLiteral("SELECT %1 AS k, id%2 ORDER BY %1 %3, id %3 LIMIT %4")
                                         .arg(m_sortColumn, fromWhere(fromKey, op), dir)
                                         .arg(span + 1);
    // One row past the span, so the chunk also yields where the next one starts.
    return QStringLiteral("SELECT k, id FROM (SELECT k, id, ROW_NUMBER() OVER (ORDER BY k %1, id %1) AS rn FROM "
                          "(%2) span) numbered WHERE (rn - 1) - ((rn - 1) / %3) * %3 = 0 ORDER BY rn")
        .arg(dir, keys)
        .arg(stride);
}

OperationRow OperationsQuery::rowFrom(const QSqlQuery &q)
{
    OperationRow r;
    r.id = q.value(0).toLongLong();
    r.action = q.value(1).toString();
    r.entityType = q.value(2).toString();
    r.entityId = q.value(3).toString();
    r.providerId = q.value(4).toString();
    OperationStates::fromName(q.value(5).toString(), &r.state);
    r.attempts = q.value(6).toInt();
    r.lastErrorClass = q.value(7).toString();
    r.lastError = q.value(8).toString();
    r.externalId = q.value(9).toString();
    r.createdAt = q.value(10).toLongLong();
    bool isNumber = false;
    const qint64 amount = q.value(11).toString().toLongLong(&isNumber);
    if (isNumber)
        r.amount = amount;
    r.currency = q.value(12).toString();
    r.key = RowKey { q.value(kKeyColumn), r.id };
    return r;
}

Result<QList<OperationBrief>> OperationsQuery::pageById(const Database &db, qint64 afterId, int limit) const
{
    const QString where = m_where + (m_where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND "))
        + QStringLiteral("id > ?");
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, provider_id, state, last_error_class, created_at FROM (SELECT id, "
                             "provider_id, state, last_error_class, created_at FROM operations%1 ORDER BY id "
                             "LIMIT %2) page ORDER BY id")
                  .arg(where)
                  .arg(limit));
    for (const QVariant &v : m_values)
        q.addBindValue(v);
    q.addBindValue(afterId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list operations"), q);
    QList<OperationBrief> rows;
    rows.reserve(limit);
    // Providers and states repeat: share one string each instead of one per row.
    QHash<QString, OperationState> states;
    QString provider;
    while (q.next()) {
        OperationBrief b;
        b.id = q.value(0).toLongLong();
        const QString p = q.value(1).toString();
        if (p != provider)
            provider = p;
        b.providerId = provider;
        const QString state = q.value(2).toString();
        auto known = states.constFind(state);
        if (known == states.cend()) {
            OperationState parsed = OperationState::Pending;
            OperationStates::fromName(state, &parsed);
            known = states.insert(state, parsed);
        }
        b.state = known.value();
        b.lastErrorClass = errorClassFromName(q.value(3).toString());
        b.createdAt = q.value(4).toLongLong();
        rows << b;
    }
    return rows;
}

Result<QList<OperationRow>> OperationsQuery::page(
    const Database &db, const std::optional<RowKey> &after, int limit) const
{
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    q.prepare(pageSql(after.has_value(), false, limit));
    for (const QVariant &v : filterValues())
        q.addBindValue(v);
    if (after)
        for (const QVariant &v : keyValues(*after))
            q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list operations"), q);
    QList<OperationRow> rows;
    while (q.next())
        rows << rowFrom(q);
    return rows;
}
