#pragma once

#include "operations/RetryRunStore.h"
#include "transport/TokenBucket.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <map>

class Database;
class OperationService;

// The agent's share of the running bulk retries: claims their next operations (each agent its
// own, FOR UPDATE SKIP LOCKED), paces them to each provider's rate limit less the headroom kept
// for live traffic, sends each once through the runner, renews its claims while they are out,
// and counts the outcome in the run. A run's last item finishes it; a run over a failure group
// that leaves none of it failing resolves the group.
class RetryRunWorker : public QObject
{
    Q_OBJECT
public:
    // Sends as `operations`' actor (the agent); `claimant` names this process's claims.
    RetryRunWorker(const Database &db, OperationService &operations, QObject *parent = nullptr);

    void start(int intervalMs = 500);
    void stop();
    // Claims and starts what there is room for now.
    void tick();
    int inFlight() const { return static_cast<int>(m_held.size()); }
    void setMaxInFlight(int n) { m_maxInFlight = n; }

    static constexpr qint64 kItemLeaseMs = 10000;

Q_SIGNALS:
    void progressed(qint64 runId);
    void finished(const RetryRun &run);

private:
    void begin(const RetryRunItem &item);
    void done(const RetryRunItem &item, RetryRunStore::Outcome outcome, const QString &note);
    void postpone(const RetryRunItem &item, qint64 ms);
    void closeGroup(const RetryRun &run);
    void renew();
    TokenBucket &paceFor(const QString &providerId);
    // A tick soon, once however many items end before it: claims come in batches, not one by one.
    void tickSoon();

    const Database &m_db;
    OperationService &m_operations;
    QString m_claimant;
    QTimer m_timer;
    QTimer m_heartbeat;
    int m_maxInFlight = 32;
    QHash<QString, RetryRunItem> m_held; // "run:position" → the item this process holds
    std::map<QString, TokenBucket> m_pace;
    qint64 m_paceReadAt = 0; // the providers' limits are read again after kSettingsMs
    qint64 m_recoveredAt = 0; // recovery runs at most every kSettingsMs, not on every tick
    bool m_tickQueued = false;
    static constexpr qint64 kSettingsMs = 1000;
};
