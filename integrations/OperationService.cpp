#include "OperationService.h"

#include "AuditLog.h"
#include "Database.h"
#include "OperationRunner.h"
#include "OperationStore.h"

#include <memory>

OperationService::OperationService(const Database &db, OperationRunner &runner, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_runner(runner)
{
}

void OperationService::retry(const QList<qint64> &ids, const QString &actor, Each each, std::function<void()> finished)
{
    if (ids.isEmpty()) {
        finished();
        return;
    }
    auto remaining = std::make_shared<int>(static_cast<int>(ids.size()));
    for (qint64 id : ids) {
        m_runner.run(id, actor, [id, each, finished, remaining](Result<Operation> result) {
            each(id, result);
            if (--*remaining == 0)
                finished();
        });
    }
}

Status OperationService::resolve(qint64 id, const QString &actor, const QString &reason)
{
    return close(id, OperationState::Resolved, actor, reason, QStringLiteral("operation.resolve"));
}

Status OperationService::cancel(qint64 id, const QString &actor, const QString &reason)
{
    return close(id, OperationState::Cancelled, actor, reason, QStringLiteral("operation.cancel"));
}

Status OperationService::close(qint64 id, OperationState to, const QString &actor, const QString &reason,
                               const QString &action)
{
    if (reason.trimmed().isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("Give a reason: the audit log records why, for whoever looks "
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
        AuditLog(m_db).append(e);
        return failure(ErrorClass::State, OperationStates::refusal(op->state, to));
    }
    OperationUpdate u;
    u.resolvedBy = actor;
    u.resolution = reason.trimmed();
    return store.transition(id, op->state, to, u, e);
}
