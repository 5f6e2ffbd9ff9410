#include "operations/RetryRunService.h"

#include "access/AccessPolicy.h"
#include "operations/FailureGroupStore.h"
#include "operations/RetryPlanner.h"
#include "store/Database.h"

namespace {
using State = RetryRun::State;

QString target(qint64 runId)
{
    return QStringLiteral("retry_run:%1").arg(runId);
}
} // namespace

RetryRunService::RetryRunService(const Database &db, const AccessPolicy &access, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_access(access)
{ }

Result<RetryRun> RetryRunService::plan(const OperationsFilter &scope)
{
    if (Status allowed = m_access.require(
            Permission::HandleOperations, m_db, QStringLiteral("retry_run.plan"), QStringLiteral("operations"));
        !allowed)
        return allowed.error();
    auto planned = RetryPlanner(m_db).plan(scope, nowMs());
    if (!planned)
        return planned.error();
    auto id = RetryRunStore(m_db).create(planned.value(), m_access.actor());
    if (!id)
        return id.error();
    Q_EMIT runsChanged();
    return get(id.value());
}

Result<RetryRun> RetryRunService::confirm(qint64 runId)
{
    auto run = get(runId);
    if (!run)
        return run.error();
    if (run->toSend == 0)
        return failure(ErrorClass::Input,
            QStringLiteral("Retry run %1 would send nothing: every operation it matched is skipped (see the plan).")
                .arg(runId));
    const qint64 now = nowMs();
    if (run->needsApproval)
        return moved(runId, { State::Planned }, State::AwaitingApproval, QStringLiteral("retry_run.confirm"),
            QStringLiteral("%1 sends, above the approval threshold of %2: waits for a second person")
                .arg(run->toSend)
                .arg(run->plan.approvalAbove),
            { { QStringLiteral("confirmed_by"), m_access.actor() }, { QStringLiteral("confirmed_at"), now } });
    return moved(runId, { State::Planned }, State::Running, QStringLiteral("retry_run.confirm"),
        QStringLiteral("%1 sends").arg(run->toSend),
        { { QStringLiteral("confirmed_by"), m_access.actor() }, { QStringLiteral("confirmed_at"), now },
            { QStringLiteral("started_at"), now } });
}

Result<RetryRun> RetryRunService::approve(qint64 runId, const QString &note)
{
    auto run = get(runId);
    if (!run)
        return run.error();
    if (run->plannedBy == m_access.actor() || run->confirmedBy == m_access.actor())
        return failure(ErrorClass::Auth,
            QStringLiteral("You planned retry run %1; another person (support or admin) must approve it.").arg(runId));
    const qint64 now = nowMs();
    return moved(runId, { State::AwaitingApproval }, State::Running, QStringLiteral("retry_run.approve"), note,
        { { QStringLiteral("approved_by"), m_access.actor() }, { QStringLiteral("approved_at"), now },
            { QStringLiteral("started_at"), now } });
}

Result<RetryRun> RetryRunService::reject(qint64 runId, const QString &reason)
{
    if (reason.trimmed().isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("Give a reason: whoever planned the run reads it."));
    auto run = get(runId);
    if (!run)
        return run.error();
    if (run->plannedBy == m_access.actor())
        return failure(ErrorClass::Auth,
            QStringLiteral("You planned retry run %1; cancel it instead of rejecting it.").arg(runId));
    return moved(runId, { State::AwaitingApproval }, State::Discarded, QStringLiteral("retry_run.reject"), reason,
        { { QStringLiteral("finished_at"), nowMs() } });
}

Result<RetryRun> RetryRunService::pause(qint64 runId)
{
    return moved(runId, { State::Running }, State::Paused, QStringLiteral("retry_run.pause"), {});
}

Result<RetryRun> RetryRunService::resume(qint64 runId)
{
    return moved(runId, { State::Paused }, State::Running, QStringLiteral("retry_run.resume"), {});
}

Result<RetryRun> RetryRunService::cancel(qint64 runId, const QString &reason)
{
    if (Status allowed
        = m_access.require(Permission::HandleOperations, m_db, QStringLiteral("retry_run.cancel"), target(runId));
        !allowed)
        return allowed.error();
    auto run = get(runId);
    if (!run)
        return run.error();
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = QStringLiteral("retry_run.cancel");
    e.target = target(runId);
    e.reason = reason.trimmed();
    e.before = RetryRun::stateName(run->state);
    e.after = RetryRun::stateName(State::Cancelled);
    if (Status cancelled = RetryRunStore(m_db).cancel(runId, e); !cancelled)
        return cancelled.error();
    Q_EMIT runsChanged();
    return get(runId);
}

Result<RetryRun> RetryRunService::get(qint64 runId) const
{
    return RetryRunStore(m_db).get(runId);
}

Result<QList<RetryRun>> RetryRunService::recent(int limit) const
{
    return RetryRunStore(m_db).recent(limit);
}

Result<int> RetryRunService::awaitingApproval() const
{
    auto runs = recent(200);
    if (!runs)
        return runs.error();
    return static_cast<int>(std::count_if(
        runs->cbegin(), runs->cend(), [](const RetryRun &r) { return r.state == State::AwaitingApproval; }));
}

Result<QList<FailureGroup>> RetryRunService::groups(
    const QList<FailureGroup::State> &states, qint64 since, int limit) const
{
    return FailureGroupStore(m_db).list(states, since, limit);
}

Result<FailureGroup> RetryRunService::group(qint64 id) const
{
    return FailureGroupStore(m_db).get(id);
}

Result<QHash<qint64, QVector<qint64>>> RetryRunService::sparklines(
    const QList<qint64> &ids, qint64 until, qint64 bucketMs, int buckets) const
{
    return FailureGroupStore(m_db).sparklines(ids, until, bucketMs, buckets);
}

Status RetryRunService::setGroupState(
    qint64 id, FailureGroup::State state, const QString &note, qint64 ignoreUntil, qint64 ignoreForFailures)
{
    const QString action = QStringLiteral("failure_group.") + FailureGroup::stateName(state);
    const QString what = QStringLiteral("failure_group:%1").arg(id);
    if (Status allowed = m_access.require(Permission::HandleOperations, m_db, action, what); !allowed)
        return allowed;
    auto before = FailureGroupStore(m_db).get(id);
    if (!before)
        return before.error();
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = action;
    e.target = what;
    e.reason = note.trimmed();
    e.before = FailureGroup::stateName(before->state);
    e.after = FailureGroup::stateName(state);
    Status set = FailureGroupStore(m_db).setState(id, state, m_access.actor(), note, ignoreUntil, ignoreForFailures, e);
    if (set)
        Q_EMIT groupsChanged();
    return set;
}

Result<RetryRun> RetryRunService::moved(qint64 runId, const QList<State> &from, State to, const QString &action,
    const QString &reason, const QList<std::pair<QString, QVariant>> &columns)
{
    // Support acts on runs; an admin may also approve one (the seed's human review).
    const bool adminApproves
        = action == QLatin1String("retry_run.approve") && m_access.allows(Permission::ManageCredentials);
    if (!adminApproves)
        if (Status allowed = m_access.require(Permission::HandleOperations, m_db, action, target(runId)); !allowed)
            return allowed.error();
    auto run = get(runId);
    if (!run)
        return run.error();
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = action;
    e.target = target(runId);
    e.reason = reason.trimmed();
    e.before = RetryRun::stateName(run->state);
    e.after = RetryRun::stateName(to);
    if (Status changed = RetryRunStore(m_db).move(runId, from, to, columns, e); !changed)
        return changed.error();
    Q_EMIT runsChanged();
    return get(runId);
}
