#pragma once

#include "access/AuditLog.h"
#include "core/Result.h"
#include "operations/FailureGroup.h"
#include "operations/Operation.h"

#include <QHash>
#include <QList>
#include <QSqlQuery>
#include <QVector>

#include <array>
#include <optional>

class Database;

// Failure groups in the store. OperationStore calls recordFailure() and settled() inside the
// transaction that writes the failure or the settlement, so a group is never behind its
// operations and nothing ever scans them to group. One store kept across many failures (an
// import, OperationStore::insertMany) prepares its statements once.
class FailureGroupStore
{
public:
    explicit FailureGroupStore(const Database &db);

    // Counts `failed` (its error as now written) in its group, made on first sight; links the
    // operation to it and moves it out of the group it failed in before. A resolved group
    // reopens as a regression; an ignored one whose time or count ran out opens again.
    Result<qint64> recordFailure(const Operation &failed, qint64 at);
    // `settled` (succeeded, resolved, cancelled) no longer fails in its group.
    Status settled(const Operation &settled);

    Result<FailureGroup> get(qint64 id) const;
    // The groups seen since `since`, most recent first; states empty = any.
    Result<QList<FailureGroup>> list(const QList<FailureGroup::State> &states, qint64 since, int limit) const;
    // Failures per bucket of `bucketMs` for each group, the last `buckets` ending at `until`.
    Result<QHash<qint64, QVector<qint64>>> sparklines(
        const QList<qint64> &ids, qint64 until, qint64 bucketMs, int buckets) const;
    // A person's decision on a group, with `audit` in the same transaction. `ignoreUntil` and
    // `ignoreForFailures` apply to Ignored (both 0: forever).
    Status setState(qint64 id, FailureGroup::State state, const QString &by, const QString &note, qint64 ignoreUntil,
        qint64 ignoreForFailures, const AuditEntry &audit);

private:
    enum Statement
    {
        Make,
        Read,
        Count,
        Minute,
        Link,
        StatementCount
    };
    QSqlQuery &prepared(Statement which, const QString &sql);

    const Database &m_db;
    std::array<std::optional<QSqlQuery>, StatementCount> m_statements;
};
