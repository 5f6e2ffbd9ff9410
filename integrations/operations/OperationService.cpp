#include "operations/OperationService.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "operations/IntakeStore.h"
#include "operations/OperationRunner.h"
#include "operations/OperationStore.h"
#include "store/Database.h"

#include <QLoggingCategory>
#include <QTimer>

#include <memory>

Q_LOGGING_CATEGORY(lcDue, "reconsole.operations.due")

OperationService::OperationService(
    const Database &db, OperationRunner &runner, const AccessPolicy &access, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_runner(runner)
    , m_access(access)
{ }

void OperationService::retry(const QList<qint64> &ids, Each each, std::function<void()> finished)
{
    if (ids.isEmpty()) {
        finished();
        return;
    }
    auto remaining = std::make_shared<int>(static_cast<int>(ids.size()));
    for (qint64 id : ids) {
        Status allowed = m_access.require(Permission::HandleOperations, m_db, QStringLiteral("operation.retry"),
            QStringLiteral("operation:%1").arg(id));
        if (!allowed) {
            each(id, allowed.error());
            if (--*remaining == 0)
                finished();
            continue;
        }
        m_runner.run(id, m_access.actor(), [this, id, each, finished, remaining](Result<Operation> result) {
            Q_EMIT operationsChanged({ id }); // a failed attempt changed it too
            each(id, result);
            if (--*remaining == 0)
                finished();
        });
    }
}

void OperationService::retryOne(qint64 id, const RunOptions &options, std::function<void(Result<Operation>)> done)
{
    Status allowed = m_access.require(
        Permission::HandleOperations, m_db, QStringLiteral("operation.retry"), QStringLiteral("operation:%1").arg(id));
    if (!allowed) {
        done(allowed.error());
        return;
    }
    m_runner.run(
        id, m_access.actor(),
        [this, id, done](Result<Operation> result) {
            Q_EMIT operationsChanged({ id });
            done(std::move(result));
        },
        options);
}

void OperationService::runDue(const QString &claimant, int maxInFlight)
{
    const int room = maxInFlight - m_dueInFlight;
    if (room <= 0) {
        m_dueBacklog = true;
        return;
    }
    // A claim outlives the run it is for; one of an agent that died lapses after a minute.
    const qint64 now = nowMs();
    const qint64 until = now + 60000;
    auto due = OperationStore(m_db).claimDueForRetry(now, room, claimant, until);
    if (!due)
        qCWarning(lcDue).noquote() << due.message();
    QList<qint64> ids = due.value_or({});
    if (ids.size() < room) {
        auto ready = IntakeStore(m_db).claimReady(now, room - static_cast<int>(ids.size()), claimant, until);
        if (!ready)
            qCWarning(lcDue).noquote() << ready.message();
        ids += ready.value_or({});
    }
    m_dueBacklog = ids.size() == room;
    if (ids.isEmpty())
        return;
    std::sort(ids.begin(), ids.end()); // oldest first, as they came in
    m_dueInFlight += static_cast<int>(ids.size());
    retry(
        ids,
        [this, claimant, maxInFlight](qint64, const Result<Operation> &) {
            --m_dueInFlight;
            if (m_dueBacklog) // later, not from inside the run that just ended
                QTimer::singleShot(0, this, [this, claimant, maxInFlight] { runDue(claimant, maxInFlight); });
        },
        [] {});
}

Status OperationService::resolve(qint64 id, const QString &reason)
{
    return close(id, OperationState::Resolved, reason, QStringLiteral("operation.resolve"));
}

Status OperationService::cancel(qint64 id, const QString &reason)
{
    return close(id, OperationState::Cancelled, reason, QStringLiteral("operation.cancel"));
}

Status OperationService::close(qint64 id, OperationState to, const QString &reason, const QString &action)
{
    const QString &actor = m_access.actor();
    Status allowed
        = m_access.require(Permission::HandleOperations, m_db, action, QStringLiteral("operation:%1").arg(id));
    if (!allowed)
        return allowed;
    if (reason.trimmed().isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("Give a reason: the audit log records why, for whoever looks "
                           "at this operation next."));
    OperationStore store(m_db);
    auto op = store.get(id);
    if (!op)
        return op.error();
    AuditEntry e;
    e.actor = actor;
    e.action = action;
    e.target = QStringLiteral("operation:%1").arg(id);
    e.reason = reason.trimmed();
    e.before = OperationStates::name(op->state);
    e.after = OperationStates::name(to);
    if (!OperationStates::canTransition(op->state, to)) {
        e.action += QStringLiteral(".refused");
        e.after = e.before;
        const QString refusal = OperationStates::refusal(op->state, to);
        if (Status audited = AuditLog(m_db).append(e); !audited)
            return failure(ErrorClass::State,
                refusal + QStringLiteral(" (The refusal could not be audited: %1)").arg(audited.message()));
        return failure(ErrorClass::State, refusal);
    }
    OperationUpdate u;
    u.resolvedBy = actor;
    u.resolution = reason.trimmed();
    Status moved = store.transition(id, op->state, to, u, e).status();
    if (moved)
        Q_EMIT operationsChanged({ id });
    return moved;
}

bool OperationService::circuitOpen(const QString &providerId) const
{
    return m_runner.circuitOpen(providerId);
}

Result<Operation> OperationService::get(qint64 id) const
{
    return OperationStore(m_db).get(id);
}

Result<QList<Attempt>> OperationService::attempts(qint64 id) const
{
    return OperationStore(m_db).attempts(id);
}

Result<QStringList> OperationService::providersInUse() const
{
    return OperationStore(m_db).distinctValues(QStringLiteral("provider_id"));
}

Result<QStringList> OperationService::actionsInUse() const
{
    return OperationStore(m_db).distinctValues(QStringLiteral("action"));
}
