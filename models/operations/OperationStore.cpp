#include "operations/OperationStore.h"

#include "core/Redactor.h"
#include "events/EventStore.h"
#include "ledger/LedgerBooking.h"
#include "operations/Claimant.h"
#include "operations/FailureGroupStore.h"
#include "store/Database.h"
#include "store/SqlDialect.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace {
const char *kColumns = "id, action, entity_type, entity_id, provider_id, payload, idempotency_key, external_id, state, "
                       "attempts, next_attempt_at, last_error_class, last_error, claimed_by, claimed_until, "
                       "resolved_by, resolution, created_at, updated_at, failure_group_id";

Operation operationFrom(const QSqlQuery &q)
{
    Operation op;
    op.id = q.value(0).toLongLong();
    op.action = q.value(1).toString();
    op.entityType = q.value(2).toString();
    op.entityId = q.value(3).toString();
    op.providerId = q.value(4).toString();
    op.payload = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
    op.idempotencyKey = q.value(6).toString();
    op.externalId = q.value(7).toString();
    OperationStates::fromName(q.value(8).toString(), &op.state);
    op.attempts = q.value(9).toInt();
    op.nextAttemptAt = q.value(10).toLongLong();
    op.lastErrorClass = errorClassFromName(q.value(11).toString());
    op.lastError = q.value(12).toString();
    op.claimedBy = q.value(13).toString();
    op.claimedUntil = q.value(14).toLongLong();
    op.resolvedBy = q.value(15).toString();
    op.resolution = q.value(16).toString();
    op.createdAt = q.value(17).toLongLong();
    op.updatedAt = q.value(18).toLongLong();
    op.failureGroupId = q.value(19).toLongLong();
    return op;
}

void bindOperation(QSqlQuery &q, const Operation &op)
{
    const qint64 created = op.createdAt ? op.createdAt : nowMs();
    for (const QVariant &v : { sqlText(op.action), sqlText(op.entityType), sqlText(op.entityId), sqlText(op.providerId),
             sqlText(QString::fromUtf8(QJsonDocument(op.payload).toJson(QJsonDocument::Compact))),
             sqlText(op.idempotencyKey), sqlText(op.externalId), sqlText(OperationStates::name(op.state)),
             QVariant(op.attempts), QVariant(op.nextAttemptAt), sqlText(errorClassName(op.lastErrorClass)),
             sqlText(Redactor::redact(op.lastError)), QVariant(created),
             QVariant(op.updatedAt ? op.updatedAt : created) })
        q.addBindValue(v);
}

const char *kInsert = "INSERT INTO operations (action, entity_type, entity_id, provider_id, payload, idempotency_key, "
                      "external_id, state, attempts, next_attempt_at, last_error_class, last_error, created_at, "
                      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// The new row's id: SQLite knows it (its RETURNING on an INSERT reads back wrong through
// QSQLITE); PostgreSQL says it when asked.
QString insertSql(const Database &db)
{
    return db.location().dialect == QLatin1String("postgresql")
        ? QLatin1String(kInsert) + QStringLiteral(" RETURNING id")
        : QLatin1String(kInsert);
}

std::optional<qint64> insertedId(const Database &db, QSqlQuery &q)
{
    if (db.location().dialect != QLatin1String("postgresql"))
        return q.lastInsertId().toLongLong();
    if (!q.next())
        return std::nullopt;
    return q.value(0).toLongLong();
}
} // namespace

OperationStore::OperationStore(const Database &db)
    : m_db(db)
{ }

Result<qint64> OperationStore::insert(Operation operation)
{
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(insertSql(m_db));
    bindOperation(q, operation);
    const auto id = q.exec() ? insertedId(m_db, q) : std::nullopt;
    if (!id)
        return storageError(QStringLiteral("Cannot store the operation"), q);
    operation.id = *id;
    q.finish();
    FailureGroupStore groups(m_db);
    if (Status grouped = groupIfFailed(groups, operation); !grouped)
        return grouped.error();
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the operation"));
    return operation.id;
}

Status OperationStore::groupIfFailed(FailureGroupStore &groups, const Operation &operation)
{
    // Stored failed (the demo's history, an import): grouped as a failure written any other way.
    if (!OperationStates::isFailure(operation.state) || operation.lastErrorClass == ErrorClass::None)
        return success();
    const qint64 at = operation.updatedAt ? operation.updatedAt : (operation.createdAt ? operation.createdAt : nowMs());
    return groups.recordFailure(operation, at).status();
}

Status OperationStore::insertMany(const QList<Operation> &operations)
{
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(insertSql(m_db));
    FailureGroupStore groups(m_db); // its statements prepared once for all of them
    for (Operation op : operations) {
        bindOperation(q, op);
        const auto id = q.exec() ? insertedId(m_db, q) : std::nullopt;
        if (!id)
            return storageError(QStringLiteral("Cannot store operation %1").arg(op.idempotencyKey), q);
        op.id = *id;
        q.finish();
        if (Status grouped = groupIfFailed(groups, op); !grouped)
            return grouped;
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the operations"));
    return success();
}

Result<Operation> OperationStore::get(qint64 id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM operations WHERE id = ?").arg(QLatin1String(kColumns)));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read operation %1").arg(id), q);
    if (!q.next())
        return failure(ErrorClass::Input, QStringLiteral("There is no operation %1.").arg(id));
    return operationFrom(q);
}

Result<Operation> OperationStore::byIdempotencyKey(const QString &key) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM operations WHERE idempotency_key = ?").arg(QLatin1String(kColumns)));
    q.addBindValue(key);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up the operation with idempotency key %1").arg(key), q);
    if (!q.next())
        return failure(ErrorClass::Input, QStringLiteral("There is no operation with idempotency key %1.").arg(key));
    return operationFrom(q);
}

Result<QList<Operation>> OperationStore::byAction(
    const QString &action, std::optional<OperationState> state, qint64 afterId, int limit) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM operations WHERE action = ?%2 AND id > ? ORDER BY id LIMIT ?")
                  .arg(QLatin1String(kColumns), state ? QStringLiteral(" AND state = ?") : QString()));
    q.addBindValue(action);
    if (state)
        q.addBindValue(OperationStates::name(*state));
    q.addBindValue(afterId);
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list the %1 operations").arg(action), q);
    QList<Operation> found;
    while (q.next())
        found << operationFrom(q);
    return found;
}

Result<QList<Operation>> OperationStore::byExternalIds(const QString &providerId, const QStringList &externalIds) const
{
    QList<Operation> found;
    if (externalIds.isEmpty())
        return found;
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("SELECT %1 FROM operations WHERE provider_id = ? AND external_id IN (%2) ORDER BY id")
            .arg(QLatin1String(kColumns), QStringList(externalIds.size(), QStringLiteral("?")).join(QLatin1Char(','))));
    q.addBindValue(providerId);
    for (const QString &id : externalIds)
        q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up %1's objects").arg(providerId), q);
    while (q.next())
        found << operationFrom(q);
    return found;
}

Status OperationStore::amend(
    const Operation &expected, const QJsonObject &payload, const QString &externalId, const AuditEntry &audit)
{
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE operations SET payload = ?, external_id = ?, updated_at = ? "
                             "WHERE id = ? AND state = ? AND updated_at = ?"));
    q.addBindValue(QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)));
    q.addBindValue(sqlText(externalId));
    q.addBindValue(std::max(nowMs(), expected.updatedAt + 1));
    q.addBindValue(expected.id);
    q.addBindValue(OperationStates::name(expected.state));
    q.addBindValue(expected.updatedAt);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot correct operation %1").arg(expected.id), q);
    if (q.numRowsAffected() != 1)
        return failure(ErrorClass::State,
            QStringLiteral("Operation %1 changed while you looked at it; compare again.").arg(expected.id));
    return AuditLog(m_db).commitWith(tx, audit, QStringLiteral("the correction of operation %1").arg(expected.id));
}

Result<qint64> OperationStore::count() const
{
    QSqlQuery q(m_db.connection());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM operations")) || !q.next())
        return storageError(QStringLiteral("Cannot count operations"), q);
    return q.value(0).toLongLong();
}

Result<Operation> OperationStore::transition(qint64 id, OperationState from, OperationState to,
    const OperationUpdate &update, const std::optional<AuditEntry> &audit)
{
    if (!OperationStates::canTransition(from, to))
        return failure(ErrorClass::State, OperationStates::refusal(from, to));

    QStringList sets { QStringLiteral("state = ?"), QStringLiteral("updated_at = ?") };
    QVariantList values { OperationStates::name(to), nowMs() };
    auto set = [&](const char *column, const QVariant &value) {
        sets << QStringLiteral("%1 = ?").arg(QLatin1String(column));
        values << (value.typeId() == QMetaType::QString ? sqlText(value.toString()) : value);
    };
    if (update.externalId)
        set("external_id", *update.externalId);
    if (update.lastErrorClass)
        set("last_error_class", errorClassName(*update.lastErrorClass));
    if (update.lastError)
        set("last_error", Redactor::redact(*update.lastError));
    if (update.nextAttemptAt)
        set("next_attempt_at", *update.nextAttemptAt);
    if (update.claimedBy)
        set("claimed_by", *update.claimedBy);
    if (update.claimedUntil)
        set("claimed_until", *update.claimedUntil);
    if (update.resolvedBy)
        set("resolved_by", *update.resolvedBy);
    if (update.resolution)
        set("resolution", Redactor::redact(*update.resolution)); // people paste anything into a reason
    if (update.countAttempt)
        sets << QStringLiteral("attempts = attempts + 1");

    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("UPDATE operations SET %1 WHERE id = ? AND state = ?").arg(sets.join(QStringLiteral(", "))));
    for (const QVariant &v : values)
        q.addBindValue(v);
    q.addBindValue(id);
    q.addBindValue(OperationStates::name(from));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot update operation %1").arg(id), q);
    if (q.numRowsAffected() != 1) {
        auto current = get(id);
        if (!current)
            return current.error();
        return failure(ErrorClass::State,
            QStringLiteral("Operation %1 is now %2 (someone else changed it); refresh and try again.")
                .arg(id)
                .arg(OperationStates::label(current->state).toLower()));
    }
    if (audit) {
        Status audited = AuditLog(m_db).append(*audit);
        if (!audited)
            return audited.error();
    }
    // Our own state change is an event of the entity's timeline like any provider's.
    auto read = get(id);
    if (!read)
        return read.error();
    Operation op = read.value();
    {
        Event change;
        change.source = QStringLiteral("reconsole");
        change.externalId = QStringLiteral("op-%1-%2-%3").arg(id).arg(op.updatedAt).arg(op.attempts) + QLatin1Char('-')
            + OperationStates::name(to);
        change.type = QStringLiteral("operation.") + OperationStates::name(to);
        change.entityType = op.entityType;
        change.entityId = op.entityId;
        change.operationId = id;
        change.occurredAt = op.updatedAt;
        change.channel = QStringLiteral("internal");
        change.processedAt = op.updatedAt;
        change.note = QStringLiteral("%1 → %2%3")
                          .arg(OperationStates::name(from), OperationStates::name(to),
                              op.lastError.isEmpty() ? QString() : QStringLiteral(": ") + op.lastError);
        auto recorded = EventStore(m_db).insertIfNew(change);
        if (!recorded)
            return recorded.error();
    }
    // Failures are grouped as they are written; a settled operation leaves its group's failing.
    if (OperationStates::isFailure(to) && op.lastErrorClass != ErrorClass::None) {
        auto group = FailureGroupStore(m_db).recordFailure(op, op.updatedAt);
        if (!group)
            return group.error();
        op.failureGroupId = group.value();
    } else if (OperationStates::isTerminal(to)) {
        if (Status left = FailureGroupStore(m_db).settled(op); !left)
            return left.error();
    }
    // A capture or refund that succeeded books its ledger entry with the change, once.
    if (to == OperationState::Succeeded)
        if (Status booked = LedgerBooking::book(m_db, op); !booked)
            return booked.error();
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the change to operation %1").arg(id));
    return op;
}

Result<Operation> OperationStore::renewKey(qint64 id, OperationState expected, const QString &key)
{
    auto before = get(id);
    if (!before)
        return before.error();
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE operations SET idempotency_key = ?, updated_at = ? WHERE id = ? AND state = ?"));
    q.addBindValue(key);
    q.addBindValue(std::max(nowMs(), before->updatedAt + 1));
    q.addBindValue(id);
    q.addBindValue(OperationStates::name(expected));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot give operation %1 a fresh idempotency key").arg(id), q);
    if (q.numRowsAffected() != 1)
        return failure(ErrorClass::State, QStringLiteral("Operation %1 changed meanwhile; nothing was sent.").arg(id));
    Event renewed;
    renewed.source = QStringLiteral("reconsole");
    renewed.externalId = QStringLiteral("op-%1-key-%2").arg(id).arg(key);
    renewed.type = QStringLiteral("operation.key_renewed");
    renewed.entityType = before->entityType;
    renewed.entityId = before->entityId;
    renewed.operationId = id;
    renewed.occurredAt = nowMs();
    renewed.processedAt = renewed.occurredAt;
    renewed.channel = QStringLiteral("internal");
    renewed.note = QStringLiteral("idempotency key %1 → %2: the provider's window for the old key had passed, and a "
                                  "lookup found no earlier attempt that went through")
                       .arg(before->idempotencyKey, key);
    if (auto recorded = EventStore(m_db).insertIfNew(renewed); !recorded)
        return recorded.error();
    auto after = get(id);
    if (!after)
        return after.error();
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the fresh key of operation %1").arg(id));
    return after;
}

Result<Attempt> OperationStore::beginAttempt(
    qint64 operationId, Attempt::Kind kind, const QString &redactedRequest, qint64 startedAt)
{
    Attempt a;
    a.operationId = operationId;
    a.kind = kind;
    a.startedAt = startedAt ? startedAt : nowMs();
    a.request = Redactor::redact(redactedRequest); // the adapter redacts; this makes sure
    // One run at a time holds an operation, so the next number cannot be taken meanwhile; if it
    // were, the unique (operation_id, number) refuses the second line rather than merging them.
    Transaction tx(m_db.connection());
    QSqlQuery next(m_db.connection());
    next.prepare(QStringLiteral("SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE operation_id = ?"));
    next.addBindValue(operationId);
    if (!next.exec() || !next.next())
        return storageError(QStringLiteral("Cannot number the attempt"), next);
    a.number = next.value(0).toInt();
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("INSERT INTO attempts (operation_id, number, kind, started_at, status, request) "
                             "VALUES (?, ?, ?, ?, ?, ?)"));
    for (const QVariant &v : { QVariant(operationId), QVariant(a.number), QVariant(Attempt::kindName(kind)),
             QVariant(a.startedAt), QVariant(Attempt::statusName(Attempt::Status::InFlight)), sqlText(a.request) })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot journal the attempt"), q);
    QSqlQuery id(m_db.connection());
    id.prepare(QStringLiteral("SELECT id FROM attempts WHERE operation_id = ? AND number = ?"));
    id.addBindValue(operationId);
    id.addBindValue(a.number);
    if (!id.exec() || !id.next())
        return storageError(QStringLiteral("Cannot read back the attempt"), id);
    a.id = id.value(0).toLongLong();
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the attempt journal."));
    return a;
}

Status OperationStore::finishAttempt(const Attempt &a)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, status = ?, http_status = ?, latency_ms = ?, "
                             "error_class = ?, error_message = ?, response = ? WHERE id = ?"));
    for (const QVariant &v : { QVariant(a.finishedAt ? a.finishedAt : nowMs()), QVariant(Attempt::statusName(a.status)),
             QVariant(a.httpStatus), QVariant(a.latencyMs), sqlText(errorClassName(a.errorClass)),
             sqlText(Redactor::redact(a.errorMessage)), sqlText(Redactor::redact(a.response)), QVariant(a.id) })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot complete the attempt journal"), q);
    return success();
}

Result<QList<Attempt>> OperationStore::attempts(qint64 operationId) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("SELECT id, operation_id, number, started_at, finished_at, status, http_status, latency_ms, "
                       "error_class, error_message, request, response, kind FROM attempts WHERE operation_id = ? "
                       "ORDER BY number"));
    q.addBindValue(operationId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the attempts"), q);
    QList<Attempt> list;
    while (q.next()) {
        Attempt a;
        a.id = q.value(0).toLongLong();
        a.operationId = q.value(1).toLongLong();
        a.number = q.value(2).toInt();
        a.startedAt = q.value(3).toLongLong();
        a.finishedAt = q.value(4).toLongLong();
        a.status = Attempt::statusFromName(q.value(5).toString());
        a.httpStatus = q.value(6).toInt();
        a.latencyMs = q.value(7).toLongLong();
        a.errorClass = errorClassFromName(q.value(8).toString());
        a.errorMessage = q.value(9).toString();
        a.request = q.value(10).toString();
        a.response = q.value(11).toString();
        a.kind = Attempt::kindFromName(q.value(12).toString());
        list << a;
    }
    return list;
}

Result<int> OperationStore::recoverInterrupted(qint64 now)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT id, claimed_by FROM operations WHERE state = 'sending' AND claimed_until < ?"));
    q.addBindValue(now);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look for interrupted operations"), q);
    // A lapsed lease alone is not enough: a process that is alive but slow (a long bulk run, a
    // busy database) still has its request out and will journal the answer.
    QList<qint64> ids;
    while (q.next())
        if (Claimant::isGone(q.value(1).toString()))
            ids << q.value(0).toLongLong();
    const QString why = QStringLiteral("Reconsole stopped while this request was in flight; the provider may have "
                                       "acted. Retrying asks the provider first.");
    for (qint64 id : ids) {
        QSqlQuery a(m_db.connection());
        a.prepare(QStringLiteral("UPDATE attempts SET status = 'failed', finished_at = ?, error_class = 'timeout', "
                                 "error_message = ? WHERE operation_id = ? AND status = 'in_flight'"));
        a.addBindValue(now);
        a.addBindValue(QStringLiteral("interrupted"));
        a.addBindValue(id);
        if (!a.exec())
            return storageError(QStringLiteral("Cannot close the interrupted attempt"), a);
        OperationUpdate u;
        u.lastErrorClass = ErrorClass::Timeout;
        u.lastError = why;
        u.claimedBy = QString();
        u.claimedUntil = 0;
        auto moved = transition(id, OperationState::Sending, OperationState::UnknownOutcome, u);
        if (!moved && moved.error().errorClass != ErrorClass::State)
            return moved.error();
    }
    return static_cast<int>(ids.size());
}

Status OperationStore::renewClaims(const QList<qint64> &ids, const QString &claimant, qint64 claimedUntil)
{
    if (ids.isEmpty())
        return success();
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("UPDATE operations SET claimed_until = ? WHERE state = 'sending' AND claimed_by = ? AND id "
                       "IN (%1)")
            .arg(QStringList(ids.size(), QStringLiteral("?")).join(QLatin1Char(','))));
    q.addBindValue(claimedUntil);
    q.addBindValue(claimant);
    for (qint64 id : ids)
        q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot renew the claims of the requests in flight"), q);
    return success();
}

Result<QList<qint64>> OperationStore::claimDueForRetry(
    qint64 now, int limit, const QString &claimant, qint64 claimedUntil)
{
    return claimWhere(QStringLiteral("state = 'retry_scheduled'"), now, limit, claimant, claimedUntil);
}

Result<QList<qint64>> OperationStore::claimWhere(
    const QString &condition, qint64 now, int limit, const QString &claimant, qint64 claimedUntil)
{
    // Due, not claimed by another agent, and for a provider that takes attempts: a disabled
    // provider's work is left where it is, readable, instead of being claimed to be refused.
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("UPDATE operations SET claimed_by = ?, claimed_until = ? WHERE id IN (SELECT id FROM operations "
                       "WHERE %1 AND next_attempt_at <= ? AND claimed_until < ? AND provider_id NOT IN "
                       "(SELECT id FROM providers WHERE enabled = 0) ORDER BY next_attempt_at LIMIT ?%2) RETURNING id")
            .arg(condition, m_db.dialect().skipLocked()));
    q.addBindValue(claimant);
    q.addBindValue(claimedUntil);
    q.addBindValue(now);
    q.addBindValue(now);
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot claim operations that fell due"), q);
    QList<qint64> ids;
    while (q.next())
        ids << q.value(0).toLongLong();
    return ids;
}

Result<QList<qint64>> OperationStore::dueForRetry(qint64 now, int limit) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT id FROM operations WHERE state = 'retry_scheduled' AND next_attempt_at <= ? "
                             "ORDER BY next_attempt_at LIMIT ?"));
    q.addBindValue(now);
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot find operations due for retry"), q);
    QList<qint64> ids;
    while (q.next())
        ids << q.value(0).toLongLong();
    return ids;
}

Result<QStringList> OperationStore::distinctValues(const QString &column) const
{
    static const QStringList allowed { QStringLiteral("provider_id"), QStringLiteral("action") };
    if (!allowed.contains(column))
        return failure(ErrorClass::Input, QStringLiteral("Unknown column %1").arg(column));
    QSqlQuery q(m_db.connection());
    // A loose index scan would be faster on a million rows; the indexes make this fine for now.
    if (!q.exec(QStringLiteral("SELECT DISTINCT %1 FROM operations ORDER BY %1").arg(column)))
        return storageError(QStringLiteral("Cannot list %1 values").arg(column), q);
    QStringList values;
    while (q.next())
        values << q.value(0).toString();
    return values;
}
