#pragma once

#include "Operation.h"
#include "Result.h"

#include <QList>
#include <QObject>

#include <functional>

class Database;
class OperationRunner;

// What a person can do to operations — retry, resolve, cancel — each audited with who, when,
// why and the states before and after. The console and reconsolectl both come through here.
class OperationService : public QObject
{
    Q_OBJECT
public:
    using Each = std::function<void(qint64 id, const Result<Operation> &result)>;

    OperationService(const Database &db, OperationRunner &runner, QObject *parent = nullptr);

    // Retries each operation; `each` reports every one, `finished` once all are done.
    void retry(const QList<qint64> &ids, const QString &actor, Each each, std::function<void()> finished);
    Status resolve(qint64 id, const QString &actor, const QString &reason);
    Status cancel(qint64 id, const QString &actor, const QString &reason);

private:
    Status close(qint64 id, OperationState to, const QString &actor, const QString &reason, const QString &action);

    const Database &m_db;
    OperationRunner &m_runner;
};
