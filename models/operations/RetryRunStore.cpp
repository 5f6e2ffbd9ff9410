#include "operations/RetryRunStore.h"

#include "store/Database.h"
#include "store/SqlDialect.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace {
using State = RetryRun::State;
constexpr int kInsertBatch = 400; // rows per INSERT: few round trips, within every bind limit

struct StateInfo
{
    State state;
    const char *name;
};
const StateInfo kStates[] = {
    { State::Planned, "planned" },
    { State::AwaitingApproval, "awaiting_approval" },
    { State::Running, "running" },
    { State::Paused, "paused" },
    { State::Finished, "finished" },
    { State::Cancelled, "cancelled" },
    { State::Discarded, "discarded" },
};

const char *kColumns = "id, description, state, plan, to_send, needs_approval, planned_by, planned_at, confirmed_by, "
                       "confirmed_at, approved_by, approved_at, started_at, finished_at, done, succeeded, failed, "
                       "skipped, summary";

RetryRun runFrom(const QSqlQuery &q)
{
    RetryRun r;
    r.id = q.value(0).toLongLong();
    r.description = q.value(1).toString();
    RetryRun::stateFromName(q.value(2).toString(), &r.state);
    r.plan = RetryPlan::fromJson(QJsonDocument::fromJson(q.value(3).toString().toUtf8()).object());
    r.toSend = q.value(4).toLongLong();
    r.needsApproval = q.value(5).toInt() != 0;
    r.plannedBy = q.value(6).toString();
    r.plannedAt = q.value(7).toLongLong();
    r.confirmedBy = q.value(8).toString();
    r.confirmedAt = q.value(9).toLongLong();
    r.approvedBy = q.value(10).toString();
    r.approvedAt = q.value(11).toLongLong();
    r.startedAt = q.value(12).toLongLong();
    r.finishedAt = q.value(13).toLongLong();
    r.done = q.value(14).toLongLong();
    r.succeeded = q.value(15).toLongLong();
    r.failed = q.value(16).toLongLong();
    r.skipped = q.value(17).toLongLong();
    r.summary = q.value(18).toString();
    return r;
}

QString summaryOf(const RetryRun &r)
{
    return QStringLiteral("%1 of %2 done: %3 succeeded, %4 failed again, %5 skipped.")
        .arg(r.done)
        .arg(r.toSend)
        .arg(r.succeeded)
        .arg(r.failed)
        .arg(r.skipped);
}

QString marks(qsizetype n)
{
    return QStringList(n, QStringLiteral("?")).join(QLatin1Char(','));
}
} // namespace

double RetryRun::ratePerSecond(qint64 now) const
{
    const qint64 elapsed = (finishedAt ? finishedAt : now) - startedAt;
    return startedAt > 0 && elapsed > 0 ? (done + skipped) * 1000.0 / elapsed : 0;
}

double RetryRun::etaSeconds(qint64 now) const
{
    const double rate = ratePerSecond(now);
    return rate > 0 ? remaining() / rate : 0;
}

QString RetryRun::stateName(State state)
{
    for (const StateInfo &s : kStates)
        if (s.state == state)
            return QLatin1String(s.name);
    return {};
}

bool RetryRun::stateFromName(const QString &name, State *state)
{
    for (const StateInfo &s : kStates)
        if (name == QLatin1String(s.name)) {
            *state = s.state;
            return true;
        }
    return false;
}

RetryRunStore::RetryRunStore(const Database &db)
    : m_db(db)
{ }

Result<qint64> RetryRunStore::create(const RetryPlan &plan, const QString &by)
{
    Transaction tx(m_db.connection());
    QSqlQuery run(m_db.connection());
    run.prepare(
        QStringLiteral("INSERT INTO retry_runs (scope, description, state, plan, to_send, needs_approval, "
                       "planned_by, planned_at) VALUES (?, ?, 'planned', ?, ?, ?, ?, ?)%1")
            .arg(m_db.location().dialect == QLatin1String("postgresql") ? QStringLiteral(" RETURNING id") : QString()));
    for (const QVariant &v :
        { QVariant(QString::fromUtf8(QJsonDocument(RetryPlan::scopeToJson(plan.scope)).toJson(QJsonDocument::Compact))),
            sqlText(plan.description),
            QVariant(QString::fromUtf8(QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact))),
            QVariant(plan.toSend), QVariant(plan.needsApproval ? 1 : 0), sqlText(by), QVariant(plan.plannedAt) })
        run.addBindValue(v);
    if (!run.exec())
        return storageError(QStringLiteral("Cannot store the retry plan"), run);
    const bool returned = m_db.location().dialect == QLatin1String("postgresql");
    if (returned && !run.next())
        return storageError(QStringLiteral("Cannot read back the retry plan"), run);
    const qint64 id = returned ? run.value(0).toLongLong() : run.lastInsertId().toLongLong();
    // SQLite: one prepared row, stepped per item, is its fastest insert; PostgreSQL: rows in
    // batches, so a plan is a few round trips instead of one per operation.
    const qsizetype batch = returned ? kInsertBatch : 1;
    QSqlQuery items(m_db.connection());
    qsizetype prepared = 0;
    for (qsizetype from = 0; from < plan.items.size(); from += batch) {
        const qsizetype n = std::min<qsizetype>(batch, plan.items.size() - from);
        if (n != prepared) {
            items.prepare(
                QStringLiteral("INSERT INTO retry_run_items (run_id, position, operation_id, provider_id, "
                               "fresh_key, state) VALUES %1")
                    .arg(QStringList(n, QStringLiteral("(?, ?, ?, ?, ?, 'waiting')")).join(QLatin1Char(','))));
            prepared = n;
        }
        for (qsizetype i = from; i < from + n; ++i) {
            const RetryPlan::Item &item = plan.items[i];
            const int at = int(i - from) * 5;
            items.bindValue(at, id);
            items.bindValue(at + 1, qint64(i));
            items.bindValue(at + 2, item.operationId);
            items.bindValue(at + 3, item.providerId);
            items.bindValue(at + 4, item.freshKey ? 1 : 0);
        }
        if (!items.exec())
            return storageError(QStringLiteral("Cannot store the retry plan's operations"), items);
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the retry plan."));
    return id;
}

Result<RetryRun> RetryRunStore::get(qint64 id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM retry_runs WHERE id = ?").arg(QLatin1String(kColumns)));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read retry run %1").arg(id), q);
    if (!q.next())
        return failure(ErrorClass::Input, QStringLiteral("There is no retry run %1.").arg(id));
    return runFrom(q);
}

Result<QList<RetryRun>> RetryRunStore::recent(int limit) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM retry_runs ORDER BY id DESC LIMIT ?").arg(QLatin1String(kColumns)));
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list the retry runs"), q);
    QList<RetryRun> runs;
    while (q.next())
        runs << runFrom(q);
    return runs;
}

Status RetryRunStore::move(qint64 id, const QList<State> &from, State to,
    const QList<std::pair<QString, QVariant>> &columns, const AuditEntry &audit)
{
    auto before = get(id);
    if (!before)
        return before.error();
    if (!from.contains(before->state))
        return failure(ErrorClass::State,
            QStringLiteral("Retry run %1 is %2; it cannot become %3.")
                .arg(id)
                .arg(RetryRun::stateName(before->state), RetryRun::stateName(to)));
    QStringList sets { QStringLiteral("state = ?") };
    for (const auto &[column, value] : columns)
        sets << column + QStringLiteral(" = ?");
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("UPDATE retry_runs SET %1 WHERE id = ? AND state = ?").arg(sets.join(QStringLiteral(", "))));
    q.addBindValue(RetryRun::stateName(to));
    for (const auto &[column, value] : columns)
        q.addBindValue(value.typeId() == QMetaType::QString ? sqlText(value.toString()) : value);
    q.addBindValue(id);
    q.addBindValue(RetryRun::stateName(before->state));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot change retry run %1").arg(id), q);
    if (q.numRowsAffected() != 1)
        return failure(ErrorClass::State,
            QStringLiteral("Retry run %1 changed meanwhile (someone else acted on it); look again.").arg(id));
    return AuditLog(m_db).commitWith(tx, audit, QStringLiteral("the change of retry run %1").arg(id));
}

Status RetryRunStore::cancel(qint64 id, const AuditEntry &audit)
{
    Transaction tx(m_db.connection());
    QSqlQuery items(m_db.connection());
    items.prepare(QStringLiteral("UPDATE retry_run_items SET state = 'skipped', outcome = 'cancelled' WHERE run_id = ? "
                                 "AND state = 'waiting'"));
    items.addBindValue(id);
    if (!items.exec())
        return storageError(QStringLiteral("Cannot cancel the waiting operations of retry run %1").arg(id), items);
    const qint64 cancelled = items.numRowsAffected();
    QSqlQuery counted(m_db.connection());
    counted.prepare(QStringLiteral("UPDATE retry_runs SET skipped = skipped + ? WHERE id = ?"));
    counted.addBindValue(cancelled);
    counted.addBindValue(id);
    if (!counted.exec())
        return storageError(QStringLiteral("Cannot count the cancelled operations"), counted);
    Status moved = move(id, { State::Planned, State::AwaitingApproval, State::Running, State::Paused },
        State::Cancelled, { { QStringLiteral("finished_at"), nowMs() } }, audit);
    if (!moved)
        return moved;
    return tx.commit() ? success() : failure(ErrorClass::Storage, QStringLiteral("Cannot commit the cancel."));
}

Result<QList<RetryRunItem>> RetryRunStore::claim(const QString &claimant, qint64 now, qint64 until, int limit)
{
    QList<RetryRunItem> claimed;
    QSqlQuery running(m_db.connection());
    if (!running.exec(QStringLiteral("SELECT id FROM retry_runs WHERE state = 'running' ORDER BY id")))
        return storageError(QStringLiteral("Cannot find the running retry runs"), running);
    QList<qint64> runs;
    while (running.next())
        runs << running.value(0).toLongLong();
    // Per run and state, so each claim walks (run_id, state, position) and nothing else.
    const QString lapsed = QStringLiteral("state = 'claimed' AND claimed_until < ?");
    const QString waiting = QStringLiteral("state = 'waiting'");
    for (qint64 run : runs) {
        for (const QString &which : { lapsed, waiting }) {
            if (claimed.size() >= limit)
                return claimed;
            QSqlQuery q(m_db.connection());
            q.prepare(QStringLiteral("UPDATE retry_run_items SET state = 'claimed', claimed_by = ?, claimed_until = ? "
                                     "WHERE run_id = ? AND position IN (SELECT position FROM retry_run_items WHERE "
                                     "run_id = ? AND %1 ORDER BY position LIMIT ?%2) RETURNING position, "
                                     "operation_id, provider_id, fresh_key")
                          .arg(which, m_db.dialect().skipLocked()));
            q.addBindValue(claimant);
            q.addBindValue(until);
            q.addBindValue(run);
            q.addBindValue(run);
            if (which == lapsed)
                q.addBindValue(now);
            q.addBindValue(limit - static_cast<int>(claimed.size()));
            if (!q.exec())
                return storageError(QStringLiteral("Cannot claim the operations of retry run %1").arg(run), q);
            QList<RetryRunItem> batch;
            while (q.next())
                batch << RetryRunItem { run, q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
                    q.value(3).toInt() != 0 };
            // RETURNING gives no order: send in the plan's.
            std::sort(batch.begin(), batch.end(),
                [](const RetryRunItem &a, const RetryRunItem &b) { return a.position < b.position; });
            claimed << batch;
        }
    }
    return claimed;
}

Status RetryRunStore::renew(const QList<RetryRunItem> &items, const QString &claimant, qint64 until)
{
    for (const RetryRunItem &item : items) {
        QSqlQuery q(m_db.connection());
        q.prepare(QStringLiteral("UPDATE retry_run_items SET claimed_until = ? WHERE run_id = ? AND position = ? AND "
                                 "state = 'claimed' AND claimed_by = ?"));
        for (const QVariant &v : { QVariant(until), QVariant(item.runId), QVariant(item.position), QVariant(claimant) })
            q.addBindValue(v);
        if (!q.exec())
            return storageError(QStringLiteral("Cannot renew the claim of a retry run's operation"), q);
    }
    return success();
}

Status RetryRunStore::postpone(const RetryRunItem &item, const QString &claimant, qint64 at)
{
    QSqlQuery q(m_db.connection());
    // Left claimed by no one until `at`: then it is a lapsed claim, taken like any other.
    q.prepare(QStringLiteral("UPDATE retry_run_items SET claimed_by = '', claimed_until = ? WHERE run_id = ? AND "
                             "position = ? AND state = 'claimed' AND claimed_by = ?"));
    for (const QVariant &v : { QVariant(at), QVariant(item.runId), QVariant(item.position), QVariant(claimant) })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot postpone a retry run's operation"), q);
    return success();
}

Result<std::optional<RetryRun>> RetryRunStore::finish(
    const RetryRunItem &item, const QString &claimant, Outcome outcome, const QString &note, const QString &actor)
{
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("UPDATE retry_run_items SET state = ?, outcome = ?, claimed_until = 0 WHERE run_id = ? AND "
                       "position = ? AND state = 'claimed' AND claimed_by = ?"));
    for (const QVariant &v :
        { QVariant(outcome == Outcome::Skipped ? QStringLiteral("skipped") : QStringLiteral("done")), sqlText(note),
            QVariant(item.runId), QVariant(item.position), QVariant(claimant) })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot record a retry run's operation as done"), q);
    if (q.numRowsAffected() != 1)
        return std::optional<RetryRun>(); // another agent took it over and counts it
    const char *counter = outcome == Outcome::Succeeded ? "done = done + 1, succeeded = succeeded + 1"
        : outcome == Outcome::Failed                    ? "done = done + 1, failed = failed + 1"
                                                        : "skipped = skipped + 1";
    QSqlQuery count(m_db.connection());
    count.prepare(QStringLiteral("UPDATE retry_runs SET %1 WHERE id = ?").arg(QLatin1String(counter)));
    count.addBindValue(item.runId);
    if (!count.exec())
        return storageError(QStringLiteral("Cannot count a retry run's progress"), count);
    QSqlQuery left(m_db.connection());
    left.prepare(QStringLiteral("SELECT 1 FROM retry_run_items WHERE run_id = ? AND state IN ('waiting', 'claimed') "
                                "LIMIT 1"));
    left.addBindValue(item.runId);
    if (!left.exec())
        return storageError(QStringLiteral("Cannot see what is left of retry run %1").arg(item.runId), left);
    std::optional<RetryRun> finished;
    if (!left.next()) {
        auto run = get(item.runId);
        if (!run)
            return run.error();
        if (run->state == State::Running || run->state == State::Paused) {
            RetryRun ended = run.value();
            ended.state = State::Finished;
            ended.finishedAt = nowMs();
            ended.summary = summaryOf(ended);
            AuditEntry e;
            e.actor = actor;
            e.action = QStringLiteral("retry_run.finished");
            e.target = QStringLiteral("retry_run:%1").arg(ended.id);
            e.before = RetryRun::stateName(run->state);
            e.after = RetryRun::stateName(State::Finished);
            e.reason = ended.summary;
            Status moved = move(ended.id, { run->state }, State::Finished,
                { { QStringLiteral("finished_at"), ended.finishedAt }, { QStringLiteral("summary"), ended.summary } },
                e);
            if (!moved)
                return moved.error();
            finished = ended;
        }
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit a retry run's progress."));
    return finished;
}
