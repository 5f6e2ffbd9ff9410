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
    // `m_running` is only written on this thread, where the stale test runs too.
    m_interrupt = m_db->dialect().interrupter(QSqlDatabase::database(m_connection, false),
        [this] { return m_running != 0 && m_running != m_latestGeneration.load(); });
    return true;
}

Result<qint64> OperationsPageLoader::count(const QString &sql, const QVariantList &values, quint64 generation)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    RunningStatement running(m_runningLock, m_running, generation);
    if (m_latestGeneration.load() != generation) // replaced before interruptStale() could see us
        return failure(ErrorClass::Storage, QStringLiteral("Superseded by a newer filter."));
    q.prepare(sql);
    bindAll(q, values);
    if (!q.exec() || !q.next())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot count operations: %1").arg(q.lastError().text()));
    return q.value(0).toLongLong();
}

bool OperationsPageLoader::runRows(
    const QString &sql, const QVariantList &values, QVector<OperationRow> *rows, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    RunningStatement running(m_runningLock, m_running, m_generation);
    q.prepare(sql);
    bindAll(q, values);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    rows->reserve(kPageSize);
    while (q.next())
        rows->append(OperationsQuery::rowFrom(q));
    return true;
}

bool OperationsPageLoader::runPage(
    const RowKey &from, bool fromKey, bool inclusive, QVector<OperationRow> *rows, QString *error)
{
    QVariantList values = m_query->filterValues();
    if (fromKey)
        values << m_query->keyValues(from);
    return runRows(m_query->pageSql(fromKey, inclusive, kPageSize), values, rows, error);
}

bool OperationsPageLoader::firstPage(QVector<OperationRow> *rows, qint64 *count, QString *error)
{
    *count = -1;
    if (!m_query->hasFilter() || m_query->readsSearchInOrder())
        return runPage({}, false, false, rows, error);
    // The plan is chosen without counting the table: first the filter's index, read no
    // further than kFewMatches. Fewer: sorting them is cheap, and that was their count.
    auto few = this->count(m_query->boundedCountSql(kFewMatches), m_query->countValues(), m_generation);
    if (!few) {
        *error = few.message();
        return false;
    }
    if (few.value() < kFewMatches) {
        m_query->setPreferSortIndex(false);
        *count = few.value();
        return runPage({}, false, false, rows, error);
    }
    // Many: a page of them near the top of the sort order says walking the sort index is cheap,
    // and is the first page already.
    if (!runRows(m_query->headPageSql(kHeadSpan, kPageSize), m_query->headValues(), rows, error))
        return false;
    const bool dense = rows->size() == kPageSize;
    m_query->setPreferSortIndex(dense);
    if (dense)
        return true;
    rows->clear(); // many, but far down the order: the filter's index finds them, then they are sorted
    return runPage({}, false, false, rows, error);
}

void OperationsPageLoader::reset(quint64 generation, const OperationsFilter &filter, const OperationsSort &sort)
{
    if (m_latestGeneration.load() != generation || !ensureConnection(generation))
        return; // superseded while queued: skip straight to the newest
    m_generation = generation;
    const bool idsFollowCreation
        = !filter.text.isEmpty() && OperationsQuery::idsFollowCreation(QSqlDatabase::database(m_connection, false));
    m_query = std::make_unique<OperationsQuery>(filter, sort, m_db->dialect(), idsFollowCreation);

    QVector<OperationRow> first;
    qint64 known = -1;
    QString error;
    if (!firstPage(&first, &known, &error)) {
        Q_EMIT failed(generation, QStringLiteral("Cannot load operations: %1").arg(error));
        return;
    }
    if (first.size() < kPageSize)
        known = first.size();
    Q_EMIT resetReady(generation, known, first);
    if (m_latestGeneration.load() != generation)
        return;
    qint64 matches = known;
    if (matches < 0) {
        // The count and the page index come after the first page, which never waits for them.
        auto counted = count(m_query->countSql(), m_query->countValues(), generation);
        if (m_latestGeneration.load() != generation)
            return; // possibly cut short by interruptStale()
        if (!counted) {
            Q_EMIT failed(generation, counted.message());
            return;
        }
        matches = counted.value();
        Q_EMIT countReady(generation, matches);
    }
    if (matches > kPageSize)
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
            if (m_latestGeneration.load() != generation)
                return; // replaced between the check above and now: interruptStale() saw no statement
            a.prepare(m_query->anchorsSql(kPageSize, kPageSize * kPagesPerChunk, fromKey));
            bindAll(a, m_query->filterValues());
            if (fromKey)
                bindAll(a, m_query->keyValues(from));
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
