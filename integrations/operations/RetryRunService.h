#pragma once

#include "core/Result.h"
#include "operations/FailureGroup.h"
#include "operations/RetryRunStore.h"

#include <QHash>
#include <QObject>
#include <QVector>

class AccessPolicy;
class Database;

// What a person does with bulk retries and failure groups, each checked against their roles and
// audited: plan (a dry run), confirm, approve as a second person above the size threshold, pause,
// resume, cancel; acknowledge, resolve or ignore a group. The agents do the sending
// (RetryRunWorker). The console and reconsolectl both come through here.
class RetryRunService : public QObject
{
    Q_OBJECT
public:
    RetryRunService(const Database &db, const AccessPolicy &access, QObject *parent = nullptr);

    // Works out and stores the plan; nothing is sent.
    Result<RetryRun> plan(const OperationsFilter &scope);
    // The person who planned it says go: it runs, or waits for a second person's approval.
    Result<RetryRun> confirm(qint64 runId);
    // A second person (support or admin, never the planner) lets a large run go.
    Result<RetryRun> approve(qint64 runId, const QString &note);
    Result<RetryRun> reject(qint64 runId, const QString &reason);
    Result<RetryRun> pause(qint64 runId);
    Result<RetryRun> resume(qint64 runId);
    Result<RetryRun> cancel(qint64 runId, const QString &reason);
    Result<RetryRun> get(qint64 runId) const;
    Result<QList<RetryRun>> recent(int limit = 50) const;
    // Runs waiting for someone's approval: the status bar's count.
    Result<int> awaitingApproval() const;

    Result<QList<FailureGroup>> groups(const QList<FailureGroup::State> &states, qint64 since, int limit = 200) const;
    Result<FailureGroup> group(qint64 id) const;
    // Failures per bucket of `bucketMs` for each group, the last `buckets` ending at `until`.
    Result<QHash<qint64, QVector<qint64>>> sparklines(
        const QList<qint64> &ids, qint64 until, qint64 bucketMs, int buckets) const;
    // Ignored lasts until `ignoreUntil` (epoch ms), or `ignoreForFailures` more failures, or ever (both 0).
    Status setGroupState(qint64 id, FailureGroup::State state, const QString &note, qint64 ignoreUntil = 0,
        qint64 ignoreForFailures = 0);

    const AccessPolicy &access() const { return m_access; }

Q_SIGNALS:
    // A run or a group changed, so the views showing them read them again.
    void runsChanged();
    void groupsChanged();

private:
    Result<RetryRun> moved(qint64 runId, const QList<RetryRun::State> &from, RetryRun::State to, const QString &action,
        const QString &reason, const QList<std::pair<QString, QVariant>> &columns = {});

    const Database &m_db;
    const AccessPolicy &m_access;
};
