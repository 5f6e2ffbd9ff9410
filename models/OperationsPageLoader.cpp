#include "OperationsPageLoader.h"

#include "Database.h"

#include <QSqlError>
#include <QSqlQuery>

OperationsPageLoader::OperationsPageLoader(std::shared_ptr<const Database> db)
    : m_db(std::move(db))
{
}

OperationsPageLoader::~OperationsPageLoader() = default;

void OperationsPageLoader::shutdown()
{
    if (!m_connection.isEmpty())
        Database::closeConnection(m_connection);
    m_connection.clear();
}

bool OperationsPageLoader::ensureConnection(quint64 generation)
{
    if (!m_connection.isEmpty())
        return true;
    auto name = m_db->openConnection(QStringLiteral("pages"));
    if (!name) {
        Q_EMIT failed(generation, name.message());
        return false;
    }
    m_connection = name.value();
    return true;
}

bool OperationsPageLoader::runPage(const RowKey &from, bool fromKey, bool inclusive, QVector<OperationRow> *rows,
                                   QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(m_query->pageSql(fromKey, inclusive, kPageSize));
    for (const QVariant &v : m_query->filterValues())
        q.addBindValue(v);
    if (fromKey) {
        q.addBindValue(from.sortValue);
        q.addBindValue(from.id);
    }
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    rows->reserve(kPageSize);
    while (q.next())
        rows->append(OperationsQuery::rowFrom(q));
    return true;
}

void OperationsPageLoader::reset(quint64 generation, const OperationsFilter &filter, const OperationsSort &sort)
{
    if (!ensureConnection(generation))
        return;
    m_generation = generation;
    m_query = std::make_unique<OperationsQuery>(filter, sort, m_db->dialect());
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);

    // The first page comes before the count: the user sees rows while COUNT(*) runs.
    QVector<OperationRow> first;
    QString error;
    if (!runPage({}, false, false, &first, &error)) {
        Q_EMIT failed(generation, QStringLiteral("Cannot load operations: %1").arg(error));
        return;
    }
    qint64 count = first.size();
    if (first.size() == kPageSize) {
        QSqlQuery q(db);
        q.prepare(m_query->countSql());
        for (const QVariant &v : m_query->filterValues())
            q.addBindValue(v);
        if (!q.exec() || !q.next()) {
            Q_EMIT failed(generation, QStringLiteral("Cannot count operations: %1").arg(q.lastError().text()));
            return;
        }
        count = q.value(0).toLongLong();
    }
    Q_EMIT resetReady(generation, count, first);
    if (count <= kPageSize)
        return;

    QSqlQuery a(db);
    a.setForwardOnly(true);
    a.prepare(m_query->anchorsSql(kPageSize));
    for (const QVariant &v : m_query->filterValues())
        a.addBindValue(v);
    if (!a.exec()) {
        Q_EMIT failed(generation, QStringLiteral("Cannot index the operations: %1").arg(a.lastError().text()));
        return;
    }
    QVector<RowKey> anchors;
    anchors.reserve(static_cast<int>(count / kPageSize + 1));
    while (a.next())
        anchors.append(RowKey{a.value(0), a.value(1).toLongLong()});
    Q_EMIT anchorsReady(generation, anchors);
}

void OperationsPageLoader::loadPage(quint64 generation, int page, const RowKey &from, bool fromKey, bool inclusive)
{
    if (generation != m_generation || !m_query)
        return; // a newer filter or sort replaced this request before it ran
    QVector<OperationRow> rows;
    QString error;
    if (!runPage(from, fromKey, inclusive, &rows, &error)) {
        Q_EMIT failed(generation, QStringLiteral("Cannot load operations: %1").arg(error));
        return;
    }
    Q_EMIT pageReady(generation, page, rows);
}
