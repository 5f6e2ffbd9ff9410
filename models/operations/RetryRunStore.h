#pragma once

#include "access/AuditLog.h"
#include "core/Result.h"
#include "operations/RetryPlan.h"

#include <QList>

class Database;

// A bulk retry as stored: its plan, who confirmed and approved it, and how far it got.
struct RetryRun
{
    enum class State
    {
        Planned, // a dry run: nothing sent
        AwaitingApproval, // confirmed; above the threshold, a second person approves
        Running,
        Paused,
        Finished,
        Cancelled,
        Discarded, // planned and never run
    };

    qint64 id = 0;
    QString description;
    State state = State::Planned;
    RetryPlan plan; // its summary; the items are rows of their own
    qint64 toSend = 0;
    bool needsApproval = false;
    QString plannedBy;
    qint64 plannedAt = 0;
    QString confirmedBy;
    qint64 confirmedAt = 0;
    QString approvedBy;
    qint64 approvedAt = 0;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    qint64 done = 0; // items sent (or settled by their lookup)
    qint64 succeeded = 0;
    qint64 failed = 0;
    qint64 skipped = 0; // settled meanwhile, or cancelled before their turn
    QString summary;

    bool isActive() const { return state == State::Running || state == State::Paused; }
    qint64 remaining() const { return std::max<qint64>(0, toSend - done - skipped); }
    // Items a second since it started, and the seconds left at that rate (0 when unknown).
    double ratePerSecond(qint64 now) const;
    double etaSeconds(qint64 now) const;
    static QString stateName(State state);
    static bool stateFromName(const QString &name, State *state);
};

// One item claimed for sending.
struct RetryRunItem
{
    qint64 runId = 0;
    qint64 position = 0;
    qint64 operationId = 0;
    QString providerId;
    bool freshKey = false;
};

// Runs and their items in the store. Every change of a run's state is audited with it; items
// are claimed by the agents sharing the database, each its own (FOR UPDATE SKIP LOCKED), and a
// claim whose agent died lapses, so another finishes the run.
class RetryRunStore
{
public:
    explicit RetryRunStore(const Database &db);

    // Stores `plan` (a dry run, nothing sent) with its items in sending order.
    Result<qint64> create(const RetryPlan &plan, const QString &by);
    Result<RetryRun> get(qint64 id) const;
    Result<QList<RetryRun>> recent(int limit) const;

    // Moves the run from one of `from` to `to`, setting `columns` (name → value) too, with `audit`.
    Status move(qint64 id, const QList<RetryRun::State> &from, RetryRun::State to,
        const QList<std::pair<QString, QVariant>> &columns, const AuditEntry &audit);
    // Cancels: the items still waiting are skipped as cancelled.
    Status cancel(qint64 id, const AuditEntry &audit);

    // Up to `limit` items of running runs for `claimant` until `until`: first those whose
    // claimant's lease lapsed, then the next waiting ones in sending order.
    Result<QList<RetryRunItem>> claim(const QString &claimant, qint64 now, qint64 until, int limit);
    Status renew(const QList<RetryRunItem> &items, const QString &claimant, qint64 until);
    // The item cannot go now (its operation is being sent by someone): it is tried again after `at`.
    Status postpone(const RetryRunItem &item, const QString &claimant, qint64 at);
    enum class Outcome
    {
        Succeeded,
        Failed,
        Skipped,
    };
    // The item is done: counted in its run unless `claimant` lost it meanwhile. The run, when
    // this was its last item (it is finished then, its summary written and audited as `actor`).
    Result<std::optional<RetryRun>> finish(
        const RetryRunItem &item, const QString &claimant, Outcome outcome, const QString &note, const QString &actor);

private:
    const Database &m_db;
};
