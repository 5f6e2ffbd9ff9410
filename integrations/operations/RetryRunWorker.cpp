#include "operations/RetryRunWorker.h"

#include "access/AccessPolicy.h"
#include "operations/Claimant.h"
#include "operations/FailureGroupStore.h"
#include "operations/OperationService.h"
#include "operations/OperationStore.h"
#include "providers/ProviderStore.h"
#include "store/Database.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRuns, "reconsole.operations.runs")

namespace {
QString keyOf(const RetryRunItem &item)
{
    return QStringLiteral("%1:%2").arg(item.runId).arg(item.position);
}
} // namespace

RetryRunWorker::RetryRunWorker(const Database &db, OperationService &operations, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_operations(operations)
    , m_claimant(Claimant::of(operations.access().actor()))
{
    connect(&m_timer, &QTimer::timeout, this, &RetryRunWorker::tick);
    m_heartbeat.setInterval(2000);
    connect(&m_heartbeat, &QTimer::timeout, this, &RetryRunWorker::renew);
}

void RetryRunWorker::start(int intervalMs)
{
    m_timer.start(intervalMs);
    m_heartbeat.start();
}

void RetryRunWorker::stop()
{
    m_timer.stop();
    m_heartbeat.stop();
}

TokenBucket &RetryRunWorker::paceFor(const QString &providerId)
{
    // An admin's change of rate or headroom applies within a second, without a read per item.
    auto it = m_pace.find(providerId);
    if (it != m_pace.end() && nowMs() - m_paceReadAt < kSettingsMs)
        return it->second;
    m_paceReadAt = nowMs();
    auto p = ProviderStore(m_db).get(providerId);
    const double rate = p ? p->ratePerSecond * (100 - p->retryHeadroomPercent) / 100.0 : 1;
    const int burst = p ? std::max(1, std::min(p->burst, static_cast<int>(rate))) : 1;
    if (it == m_pace.end() || it->second.ratePerSecond() != rate || it->second.burst() != burst)
        it = m_pace.insert_or_assign(providerId, TokenBucket(rate, burst)).first;
    return it->second;
}

void RetryRunWorker::tickSoon()
{
    if (m_tickQueued)
        return;
    m_tickQueued = true;
    QTimer::singleShot(0, this, [this] {
        m_tickQueued = false;
        tick();
    });
}

void RetryRunWorker::tick()
{
    const int room = m_maxInFlight - inFlight();
    if (room <= 0)
        return;
    const qint64 now = nowMs();
    // A request of a process that died in a run is settled as unknown outcome before its item
    // is taken again (its claim lapses after kItemLeaseMs), so the lookup comes first and
    // nothing is charged twice.
    if (now - m_recoveredAt >= kSettingsMs) {
        m_recoveredAt = now;
        if (auto recovered = OperationStore(m_db).recoverInterrupted(now); !recovered)
            qCWarning(lcRuns).noquote() << recovered.message();
    }
    auto claimed = RetryRunStore(m_db).claim(m_claimant, now, now + kItemLeaseMs, room);
    if (!claimed) {
        qCWarning(lcRuns).noquote() << claimed.message();
        return;
    }
    for (const RetryRunItem &item : claimed.value()) {
        m_held.insert(keyOf(item), item);
        const qint64 wait = paceFor(item.providerId).reserve();
        if (wait <= 0)
            begin(item);
        else
            QTimer::singleShot(wait, Qt::PreciseTimer, this, [this, item] { begin(item); });
    }
}

void RetryRunWorker::begin(const RetryRunItem &item)
{
    auto run = RetryRunStore(m_db).get(item.runId);
    if (run && run->state == RetryRun::State::Paused) {
        postpone(item, 1000); // its turn comes again when the run is resumed
        return;
    }
    if (run && run->state != RetryRun::State::Running) {
        done(item, RetryRunStore::Outcome::Skipped, QStringLiteral("run %1").arg(RetryRun::stateName(run->state)));
        return;
    }
    auto op = OperationStore(m_db).get(item.operationId);
    if (!op) {
        done(item, RetryRunStore::Outcome::Skipped, op.message());
        return;
    }
    if (OperationStates::isTerminal(op->state)) {
        done(item, RetryRunStore::Outcome::Skipped, OperationStates::name(op->state) + QStringLiteral(" meanwhile"));
        return;
    }
    if (m_operations.circuitOpen(op->providerId)) {
        postpone(item, 2000); // the provider is down: the run waits, spending no attempt
        return;
    }
    if (op->state == OperationState::Sending) {
        postpone(item, 2000); // someone's request is out: its answer comes first
        return;
    }
    RunOptions options;
    options.immediateAttempts = 1; // one send each; a failure waits for the policy's next try
    options.freshKeyAfterLookup = item.freshKey && op->state != OperationState::UnknownOutcome;
    const int attemptsBefore = op->attempts;
    m_operations.retryOne(item.operationId, options, [this, item, attemptsBefore](Result<Operation> result) {
        // A success hands back the row as it now is; only a failure needs it read again.
        auto after = result ? result : OperationStore(m_db).get(item.operationId);
        if (result) {
            const bool looked = after && after->attempts == attemptsBefore;
            done(item, RetryRunStore::Outcome::Succeeded,
                looked ? QStringLiteral("succeeded at the provider already (looked up)") : QStringLiteral("succeeded"));
        } else if (after && after->state == OperationState::Sending) {
            postpone(item, 2000);
        } else if (result.error().errorClass == ErrorClass::State && after
            && (OperationStates::isTerminal(after->state) || after->state == OperationState::FailedPermanent)) {
            done(item, RetryRunStore::Outcome::Skipped, result.message());
        } else {
            done(item, RetryRunStore::Outcome::Failed,
                QStringLiteral("%1: %2").arg(
                    after ? OperationStates::name(after->state) : QStringLiteral("?"), result.message()));
        }
    });
}

void RetryRunWorker::postpone(const RetryRunItem &item, qint64 ms)
{
    m_held.remove(keyOf(item));
    if (Status later = RetryRunStore(m_db).postpone(item, m_claimant, nowMs() + ms); !later)
        qCWarning(lcRuns).noquote() << later.message();
}

void RetryRunWorker::done(const RetryRunItem &item, RetryRunStore::Outcome outcome, const QString &note)
{
    m_held.remove(keyOf(item));
    auto ended = RetryRunStore(m_db).finish(item, m_claimant, outcome, note.left(500), m_operations.access().actor());
    if (!ended) {
        qCWarning(lcRuns).noquote() << ended.message();
        return;
    }
    Q_EMIT progressed(item.runId);
    if (ended->has_value()) {
        qCInfo(lcRuns).noquote() << QStringLiteral("retry run %1 finished: %2").arg(item.runId).arg((*ended)->summary);
        closeGroup(**ended);
        Q_EMIT finished(**ended);
    }
    tickSoon(); // room again
}

void RetryRunWorker::closeGroup(const RetryRun &run)
{
    const qint64 groupId = run.plan.scope.failureGroupId;
    if (groupId == 0)
        return;
    auto group = FailureGroupStore(m_db).get(groupId);
    if (!group || group->failing > 0 || group->state == FailureGroup::State::Resolved)
        return;
    AuditEntry e;
    e.actor = m_operations.access().actor();
    e.action = QStringLiteral("failure_group.resolved");
    e.target = QStringLiteral("failure_group:%1").arg(groupId);
    e.before = FailureGroup::stateName(group->state);
    e.after = FailureGroup::stateName(FailureGroup::State::Resolved);
    e.reason = QStringLiteral("retry run %1 left none of its operations failing: %2").arg(run.id).arg(run.summary);
    if (Status resolved
        = FailureGroupStore(m_db).setState(groupId, FailureGroup::State::Resolved, e.actor, e.reason, 0, 0, e);
        !resolved)
        qCWarning(lcRuns).noquote() << resolved.message();
}

void RetryRunWorker::renew()
{
    if (m_held.isEmpty())
        return;
    if (Status renewed = RetryRunStore(m_db).renew(m_held.values(), m_claimant, nowMs() + kItemLeaseMs); !renewed)
        qCWarning(lcRuns).noquote() << renewed.message();
}
