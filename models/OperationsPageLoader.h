#pragma once

#include "OperationsQuery.h"

#include <QObject>
#include <QVector>

#include <memory>

class Database;

// Runs the operations table's SQL on a worker thread, on a connection of its own
// (connections belong to one thread). Every answer carries the generation it was asked
// for, so the model drops answers to a filter or sort that is no longer shown.
class OperationsPageLoader : public QObject
{
    Q_OBJECT
public:
    static constexpr int kPageSize = 256;

    explicit OperationsPageLoader(std::shared_ptr<const Database> db);
    ~OperationsPageLoader() override;

    // Called on the worker thread (queued from the model).
    void reset(quint64 generation, const OperationsFilter &filter, const OperationsSort &sort);
    void loadPage(quint64 generation, int page, const RowKey &from, bool fromKey, bool inclusive);
    void shutdown();

Q_SIGNALS:
    void resetReady(quint64 generation, qint64 count, const QVector<OperationRow> &firstPage);
    void pageReady(quint64 generation, int page, const QVector<OperationRow> &rows);
    void anchorsReady(quint64 generation, const QVector<RowKey> &anchors);
    void failed(quint64 generation, const QString &message);

private:
    bool ensureConnection(quint64 generation);
    bool runPage(const RowKey &from, bool fromKey, bool inclusive, QVector<OperationRow> *rows, QString *error);

    std::shared_ptr<const Database> m_db;
    QString m_connection;
    quint64 m_generation = 0;
    std::unique_ptr<OperationsQuery> m_query;
};
