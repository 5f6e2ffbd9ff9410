#include "operations/FailureGroupStore.h"

#include "core/Redactor.h"
#include "events/EventStore.h"
#include "operations/FailureFingerprint.h"
#include "store/Database.h"

#include <QSqlQuery>

namespace {
using State = FailureGroup::State;

const char *kColumns = "id, fingerprint, provider_id, action, error_class, normalized, sample_error, state, "
                       "ignore_until, ignore_until_failures, regressed, first_seen, last_seen, failures, affected, "
                       "failing, state_by, state_at, state_note";

FailureGroup groupFrom(const QSqlQuery &q)
{
    FailureGroup g;
    g.id = q.value(0).toLongLong();
    g.fingerprint = q.value(1).toString();
    g.providerId = q.value(2).toString();
    g.action = q.value(3).toString();
    g.errorClass = errorClassFromName(q.value(4).toString());
    g.normalized = q.value(5).toString();
    g.sampleError = q.value(6).toString();
    FailureGroup::stateFromName(q.value(7).toString(), &g.state);
    g.ignoreUntil = q.value(8).toLongLong();
    g.ignoreUntilFailures = q.value(9).toLongLong();
    g.regressed = q.value(10).toInt() != 0;
    g.firstSeen = q.value(11).toLongLong();
    g.lastSeen = q.value(12).toLongLong();
    g.failures = q.value(13).toLongLong();
    g.affected = q.value(14).toLongLong();
    g.failing = q.value(15).toLongLong();
    g.stateBy = q.value(16).toString();
    g.stateAt = q.value(17).toLongLong();
    g.stateNote = q.value(18).toString();
    return g;
}

Status exec(QSqlQuery &q, const QString &what)
{
    if (!q.exec())
        return storageError(what, q);
    return success();
}

// The group's state after one more failure at `at`, and whether that is a regression.
std::pair<State, bool> afterFailure(const FailureGroup &g, qint64 at)
{
    if (g.state == State::Resolved)
        return { State::Open, true };
    if (g.state == State::Ignored
        && ((g.ignoreUntil > 0 && at >= g.ignoreUntil)
            || (g.ignoreUntilFailures > 0 && g.failures + 1 >= g.ignoreUntilFailures)))
        return { State::Open, false };
    return { g.state, false };
}
} // namespace

QString FailureGroup::title() const
{
    return QStringLiteral("%1 · %2 · %3: %4").arg(providerId, action, errorClassName(errorClass), normalized);
}

QString FailureGroup::stateName(State state)
{
    switch (state) {
    case State::Open:
        return QStringLiteral("open");
    case State::Acknowledged:
        return QStringLiteral("acknowledged");
    case State::Resolved:
        return QStringLiteral("resolved");
    case State::Ignored:
        return QStringLiteral("ignored");
    }
    return {};
}

bool FailureGroup::stateFromName(const QString &name, State *state)
{
    for (State s : { State::Open, State::Acknowledged, State::Resolved, State::Ignored })
        if (name.compare(stateName(s), Qt::CaseInsensitive) == 0) {
            *state = s;
            return true;
        }
    return false;
}

FailureGroupStore::FailureGroupStore(const Database &db)
    : m_db(db)
{ }

QSqlQuery &FailureGroupStore::prepared(Statement which, const QString &sql)
{
    std::optional<QSqlQuery> &q = m_statements[which];
    if (!q) {
        q.emplace(m_db.connection());
        q->prepare(sql);
    }
    return *q;
}

Result<qint64> FailureGroupStore::recordFailure(const Operation &failed, qint64 at)
{
    const QString sample = Redactor::redact(failed.lastError);
    const FailureFingerprint fp
        = FailureFingerprint::of(failed.providerId, failed.action, failed.lastErrorClass, sample);
    const QString key = fp.key();
    // Made on first sight; two agents seeing it at once both land on the one row.
    QSqlQuery &make = prepared(Make,
        QStringLiteral("INSERT INTO failure_groups (fingerprint, provider_id, action, error_class, normalized, "
                       "sample_error, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (fingerprint) DO NOTHING"));
    int at0 = 0;
    for (const QVariant &v : { QVariant(key), sqlText(failed.providerId), sqlText(failed.action),
             sqlText(errorClassName(failed.lastErrorClass)), sqlText(fp.normalized), sqlText(sample), QVariant(at),
             QVariant(at) })
        make.bindValue(at0++, v);
    if (Status made = exec(make, QStringLiteral("Cannot make the failure group")); !made)
        return made.error();
    QSqlQuery &read = prepared(
        Read, QStringLiteral("SELECT %1 FROM failure_groups WHERE fingerprint = ?").arg(QLatin1String(kColumns)));
    read.bindValue(0, key);
    if (!read.exec() || !read.next())
        return storageError(QStringLiteral("Cannot read the failure group"), read);
    const FailureGroup group = groupFrom(read);
    read.finish();
    const bool joins = failed.failureGroupId != group.id;
    const auto [state, regression] = afterFailure(group, at);

    QSqlQuery &count = prepared(Count,
        QStringLiteral("UPDATE failure_groups SET failures = failures + 1, last_seen = ?, affected = affected "
                       "+ ?, failing = failing + ?, state = ?, regressed = ?, sample_error = ? WHERE id = ?"));
    int at1 = 0;
    for (const QVariant &v : { QVariant(std::max(at, group.lastSeen)), QVariant(joins ? 1 : 0), QVariant(joins ? 1 : 0),
             QVariant(FailureGroup::stateName(state)), QVariant(regression || group.regressed ? 1 : 0), sqlText(sample),
             QVariant(group.id) })
        count.bindValue(at1++, v);
    if (Status counted = exec(count, QStringLiteral("Cannot count the failure in its group")); !counted)
        return counted.error();

    QSqlQuery &minute = prepared(Minute,
        QStringLiteral("INSERT INTO failure_group_minutes (group_id, minute, failures) VALUES (?, ?, 1) "
                       "ON CONFLICT (group_id, minute) DO UPDATE SET failures = "
                       "failure_group_minutes.failures + 1"));
    minute.bindValue(0, group.id);
    minute.bindValue(1, at / 60000 * 60000);
    if (Status binned = exec(minute, QStringLiteral("Cannot count the failure's minute")); !binned)
        return binned.error();

    if (joins) {
        // It fails another way now: it no longer fails the way it did.
        if (failed.failureGroupId != 0)
            if (Status left = settled(failed); !left)
                return left.error();
        QSqlQuery &link = prepared(Link, QStringLiteral("UPDATE operations SET failure_group_id = ? WHERE id = ?"));
        link.bindValue(0, group.id);
        link.bindValue(1, failed.id);
        if (Status linked = exec(link, QStringLiteral("Cannot link the operation to its failure group")); !linked)
            return linked.error();
    }
    if (regression) {
        Event back;
        back.source = QStringLiteral("reconsole");
        back.externalId = QStringLiteral("failure-group-%1-regressed-%2").arg(group.id).arg(at);
        back.type = QStringLiteral("failure_group.regressed");
        back.entityType = QStringLiteral("failure_group");
        back.entityId = QString::number(group.id);
        back.operationId = failed.id;
        back.occurredAt = at;
        back.processedAt = at;
        back.channel = QStringLiteral("internal");
        back.note = QStringLiteral("resolved by %1, failing again: %2").arg(group.stateBy, group.title());
        if (auto recorded = EventStore(m_db).insertIfNew(back); !recorded)
            return recorded.error();
    }
    return group.id;
}

Status FailureGroupStore::settled(const Operation &settled)
{
    if (settled.failureGroupId == 0)
        return success();
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE failure_groups SET failing = failing - 1 WHERE id = ? AND failing > 0"));
    q.addBindValue(settled.failureGroupId);
    return exec(q, QStringLiteral("Cannot settle the operation in its failure group"));
}

Result<FailureGroup> FailureGroupStore::get(qint64 id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM failure_groups WHERE id = ?").arg(QLatin1String(kColumns)));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read failure group %1").arg(id), q);
    if (!q.next())
        return failure(ErrorClass::Input, QStringLiteral("There is no failure group %1.").arg(id));
    return groupFrom(q);
}

Result<QList<FailureGroup>> FailureGroupStore::list(
    const QList<FailureGroup::State> &states, qint64 since, int limit) const
{
    QStringList names;
    for (State s : states)
        names << QStringLiteral("'%1'").arg(FailureGroup::stateName(s));
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM failure_groups WHERE last_seen >= ?%2 ORDER BY last_seen DESC, id DESC "
                             "LIMIT ?")
                  .arg(QLatin1String(kColumns),
                      names.isEmpty() ? QString() : QStringLiteral(" AND state IN (%1)").arg(names.join(u','))));
    q.addBindValue(since);
    q.addBindValue(limit);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list the failure groups"), q);
    QList<FailureGroup> groups;
    while (q.next())
        groups << groupFrom(q);
    return groups;
}

Result<QHash<qint64, QVector<qint64>>> FailureGroupStore::sparklines(
    const QList<qint64> &ids, qint64 until, qint64 bucketMs, int buckets) const
{
    QHash<qint64, QVector<qint64>> lines;
    if (ids.isEmpty() || buckets <= 0 || bucketMs <= 0)
        return lines;
    const qint64 from = until - bucketMs * buckets;
    QStringList marks(ids.size(), QStringLiteral("?"));
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT group_id, minute, failures FROM failure_group_minutes WHERE group_id IN (%1) AND "
                             "minute >= ? AND minute < ?")
                  .arg(marks.join(u',')));
    for (qint64 id : ids) {
        q.addBindValue(id);
        lines.insert(id, QVector<qint64>(buckets, 0));
    }
    q.addBindValue(from / 60000 * 60000);
    q.addBindValue(until);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the failures over time"), q);
    while (q.next()) {
        const int bucket = static_cast<int>((q.value(1).toLongLong() - from) / bucketMs);
        if (bucket >= 0 && bucket < buckets)
            lines[q.value(0).toLongLong()][bucket] += q.value(2).toLongLong();
    }
    return lines;
}

Status FailureGroupStore::setState(qint64 id, FailureGroup::State state, const QString &by, const QString &note,
    qint64 ignoreUntil, qint64 ignoreForFailures, const AuditEntry &audit)
{
    auto group = get(id);
    if (!group)
        return group.error();
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    // Resolving or acknowledging ends a regression's mark: someone has looked at it.
    q.prepare(QStringLiteral("UPDATE failure_groups SET state = ?, ignore_until = ?, ignore_until_failures = ?, "
                             "regressed = ?, state_by = ?, state_at = ?, state_note = ? WHERE id = ?"));
    const bool ignored = state == State::Ignored;
    for (const QVariant &v : { QVariant(FailureGroup::stateName(state)), QVariant(ignored ? ignoreUntil : 0),
             QVariant(ignored && ignoreForFailures > 0 ? group->failures + ignoreForFailures : 0),
             QVariant(state == State::Open && group->regressed ? 1 : 0), sqlText(by), QVariant(nowMs()),
             sqlText(Redactor::redact(note)), QVariant(id) })
        q.addBindValue(v);
    if (Status set = exec(q, QStringLiteral("Cannot change failure group %1").arg(id)); !set)
        return set;
    return AuditLog(m_db).commitWith(tx, audit, QStringLiteral("the change of failure group %1").arg(id));
}
