#pragma once

#include "operations/OperationsQuery.h"

#include "core/Result.h"

#include <QMutex>
#include <QObject>
#include <QVector>

#include <atomic>

#include <functional>
#include <memory>

class Database;
class QSqlQuery;

// Runs the operations table's SQL on a worker thread, on a connection of its own
// (connections belong to one thread). Every answer carries the generation it was asked
// for, so the model drops answers to a filter or sort that is no longer shown.
class OperationsPageLoader : public QObject
{
    Q_OBJECT
public:
    static constexpr int kPageSize = 256;
    // Rows of the sort index a filtered first page may walk before the filter's index is asked.
    static constexpr int kHeadSpan = 64 * kPageSize;
    // Matches few enough to sort, counted through the filter's index before anything else.
    static constexpr int kFewMatches = 8 * kPageSize;

    // `latestGeneration` is written by the model's thread: a scan for an older one stops early.
    OperationsPageLoader(std::shared_ptr<const Database> db, const std::atomic<quint64> &latestGeneration);
    ~OperationsPageLoader() override;

    // Called on the worker thread (queued from the model).
    void reset(quint64 generation, const OperationsFilter &filter, const OperationsSort &sort);
    void loadPage(quint64 generation, int page, const RowKey &from, bool fromKey, bool inclusive);
    void shutdown();
    // Any thread: stops the statement running for a generation older than the latest.
    void interruptStale();

Q_SIGNALS:
    // `count` is -1 when it is not known yet; countReady follows.
    void resetReady(quint64 generation, qint64 count, const QVector<OperationRow> &firstPage);
    void countReady(quint64 generation, qint64 count);
    void pageReady(quint64 generation, int page, const QVector<OperationRow> &rows);
    // Page-start keys for pages firstPage, firstPage + 1, …; arrives in chunks.
    void anchorsReady(quint64 generation, int firstPage, const QVector<RowKey> &anchors);
    void failed(quint64 generation, const QString &message);

private:
    bool ensureConnection(quint64 generation);
    void indexPages(quint64 generation);
    bool exec(QSqlQuery &query, quint64 generation);
    Result<qint64> count(const QString &sql, const QVariantList &values, quint64 generation);
    bool runPage(const RowKey &from, bool fromKey, bool inclusive, QVector<OperationRow> *rows, QString *error);
    bool runRows(const QString &sql, const QVariantList &values, QVector<OperationRow> *rows, QString *error);
    // Chooses the plan for the new filter and loads its first page; `count` is set if learnt.
    bool firstPage(QVector<OperationRow> *rows, qint64 *count, QString *error);

    std::shared_ptr<const Database> m_db;
    const std::atomic<quint64> &m_latestGeneration;
    QString m_connection;
    quint64 m_generation = 0;
    std::unique_ptr<OperationsQuery> m_query;

    QMutex m_runningLock;
    quint64 m_running = 0; // generation of the statement in progress, 0 when idle
    std::function<void()> m_interrupt;
};
