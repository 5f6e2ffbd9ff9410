#include "operations/OperationsPageLoader.h"

#include "store/Database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace {
void bindAll(QSqlQuery &q, const QVariantList &values)
{
    for (const QVariant &v : values)
        q.addBindValue(v);
}
} // namespace

// Marks which generation the connection is working for while a statement runs, so
// interruptStale() stops only statements that nobody is waiting for any more.
class RunningStatement
{
public:
    RunningStatement(QMutex &lock, quint64 &running, quint64 generation)
        : m_lock(lock)
        , m_running(running)
    {
        QMutexLocker locker(&m_lock);
        m_running = generation;
    }
    ~RunningStatement()
    {
        QMutexLocker locker(&m_lock);
        m_running = 0;
    }

private:
    QMutex &m_lock;
    quint64 &m_running;
};

OperationsPageLoader::OperationsPageLoader(
    std::shared_ptr<const Database> db, const std::atomic<quint64> &latestGeneration)
    : m_db(std::move(db))
    , m_latestGeneration(latestGeneration)
{ }

OperationsPageLoader::~OperationsPageLoader() = default;

void OperationsPageLoader::shutdown()
{
    {
        QMutexLocker locker(&m_runningLock);
        m_interrupt = nullptr;
    }
    if (!m_connection.isEmpty())
        Database::closeConnection(m_connection);
    m_connection.clear();
}

void OperationsPageLoader::interruptStale()
{
    QMutexLocker locker(&m_runningLock);
    if (m_running != 0 && m_running != m_latestGeneration.load() && m_interrupt)
        m_interrupt();
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
    QMutexLocker locker(&m_runningLock);
    m_interrupt = m_db->dialect().interrupter(QSqlDatabase::database(m_connection, false));
    return true;
}

Result<qint64> OperationsPageLoader::count(const OperationsQuery &query, quint64 generation)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    RunningStatement running(m_runningLock, m_running, generation);
    q.prepare(query.countSql());
    bindAll(q, query.filterValues());
    if (!q.exec() || !q.next())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot count operations: %1").arg(q.lastError().text()));
    return q.value(0).toLongLong();
}

bool OperationsPageLoader::runPage(
    const RowKey &from, bool fromKey, bool inclusive, QVector<OperationRow> *rows, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    RunningStatement running(m_runningLock, m_running, m_generation);
    q.prepare(m_query->pageSql(fromKey, inclusive, kPageSize));
    bindAll(q, m_query->filterValues());
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
    if (m_latestGeneration.load() != generation || !ensureConnection(generation))
        return; // superseded while queued: skip straight to the newest
    m_generation = generation;
    m_query = std::make_unique<OperationsQuery>(filter, sort, m_db->dialect());

    // The count (on the filter's index) decides the plan for pages: walk the sort index when
    // matches are many, sort the matches when they are few.
    auto matches = count(*m_query, generation);
    if (!matches) {
        Q_EMIT failed(generation, matches.message());
        return;
    }
    if (!m_query->hasFilter()) {
        m_totalRows = matches.value();
    } else if (m_totalRows < 0) {
        auto total = count(OperationsQuery({}, sort, m_db->dialect()), generation);
        m_totalRows = total ? total.value() : matches.value();
    }
    m_query->setPreferSortIndex(OperationsQuery::sortIndexIsCheaper(matches.value(), m_totalRows));

    QVector<OperationRow> first;
    QString error;
    if (!runPage({}, false, false, &first, &error)) {
        Q_EMIT failed(generation, QStringLiteral("Cannot load operations: %1").arg(error));
        return;
    }
    Q_EMIT resetReady(generation, matches.value(), first);
    if (matches.value() > kPageSize)
        indexPages(generation);
}

void OperationsPageLoader::indexPages(quint64 generation)
{
    constexpr int kPagesPerChunk = 64;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    RowKey from;
    bool fromKey = false;
    int firstPage = 0;
    for (;;) {
        if (m_latestGeneration.load() != generation)
            return; // the user moved on; the new filter's reset is queued behind us
        QSqlQuery a(db);
        a.setForwardOnly(true);
        QVector<RowKey> anchors;
        {
            RunningStatement running(m_runningLock, m_running, generation);
            a.prepare(m_query->anchorsSql(kPageSize, kPageSize * kPagesPerChunk, fromKey));
            bindAll(a, m_query->filterValues());
            if (fromKey) {
                a.addBindValue(from.sortValue);
                a.addBindValue(from.id);
            }
            if (!a.exec()) {
                Q_EMIT failed(generation, QStringLiteral("Cannot index the operations: %1").arg(a.lastError().text()));
                return;
            }
            anchors.reserve(kPagesPerChunk + 1);
            while (a.next())
                anchors.append(RowKey { a.value(0), a.value(1).toLongLong() });
        }
        if (m_latestGeneration.load() != generation)
            return; // possibly cut short by interruptStale()
        const bool more = anchors.size() > kPagesPerChunk;
        if (more)
            from = anchors.takeLast(); // the first row of the next chunk
        fromKey = true;
        Q_EMIT anchorsReady(generation, firstPage, anchors);
        firstPage += static_cast<int>(anchors.size());
        if (!more)
            return;
    }
}

void OperationsPageLoader::loadPage(quint64 generation, int page, const RowKey &from, bool fromKey, bool inclusive)
{
    if (generation != m_generation || m_latestGeneration.load() != generation || !m_query)
        return; // a newer filter or sort replaced this request before it ran
    QVector<OperationRow> rows;
    QString error;
    if (!runPage(from, fromKey, inclusive, &rows, &error)) {
        Q_EMIT failed(generation, QStringLiteral("Cannot load operations: %1").arg(error));
        return;
    }
    Q_EMIT pageReady(generation, page, rows);
}
