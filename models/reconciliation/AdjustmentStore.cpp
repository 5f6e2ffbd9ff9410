#include "reconciliation/AdjustmentStore.h"

#include "store/SqlRun.h"

AdjustmentStore::AdjustmentStore(const Database &db)
    : m_db(db)
{ }

Result<QList<Adjustment>> AdjustmentStore::select(const QString &where, const QVariantList &binds) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT id, account, currency, kind, amount_minor, match_id, day, reason, state, proposed_by, "
                       "proposed_at, decided_by, decided_at, decision_note FROM reconciliation_adjustments %1 ORDER "
                       "BY id DESC")
            .arg(where),
        binds, QStringLiteral("Cannot read the reconciliation adjustments"));
    if (!q)
        return q.error();
    QList<Adjustment> out;
    QSqlQuery &r = q.value();
    while (r.next()) {
        Adjustment a;
        a.id = r.value(0).toLongLong();
        a.account = r.value(1).toString();
        a.currency = r.value(2).toString();
        a.kind = Adjustment::kindFromName(r.value(3).toString()).value_or(Adjustment::Kind::Fee);
        a.amountMinor = r.value(4).toLongLong();
        a.matchId = r.value(5).toLongLong();
        a.day = QDate::fromString(r.value(6).toString(), Qt::ISODate);
        a.reason = r.value(7).toString();
        a.state = Adjustment::stateFromName(r.value(8).toString());
        a.proposedBy = r.value(9).toString();
        a.proposedAt = r.value(10).toLongLong();
        a.decidedBy = r.value(11).toString();
        a.decidedAt = r.value(12).toLongLong();
        a.decisionNote = r.value(13).toString();
        out << a;
    }
    return out;
}

Result<qint64> AdjustmentStore::insert(const Adjustment &a)
{
    const bool decided = a.state != Adjustment::State::Pending;
    auto q = runSql(m_db,
        QStringLiteral("INSERT INTO reconciliation_adjustments (account, currency, kind, amount_minor, match_id, day, "
                       "reason, state, proposed_by, proposed_at, decided_by, decided_at, decision_note) VALUES (?, ?, "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { a.account, a.currency, Adjustment::kindName(a.kind), a.amountMinor, a.matchId, a.day.toString(Qt::ISODate),
            sqlText(a.reason), Adjustment::stateName(a.state), a.proposedBy, nowMs(),
            decided ? QVariant(a.decidedBy) : QVariant(), decided ? QVariant(nowMs()) : QVariant(),
            sqlText(a.decisionNote) },
        QStringLiteral("Cannot store the %1 of %2").arg(Adjustment::kindName(a.kind), a.account));
    if (!q)
        return q.error();
    if (!q.value().next())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot store the adjustment of %1").arg(a.account));
    return q->value(0).toLongLong();
}

Result<Adjustment> AdjustmentStore::get(qint64 id) const
{
    auto found = select(QStringLiteral("WHERE id = ?"), { id });
    if (!found)
        return found.error();
    if (found->isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("There is no adjustment %1; `reconsolectl approve --list` shows those waiting.").arg(id));
    return found->first();
}

Result<QList<Adjustment>> AdjustmentStore::list(const QString &account, bool pendingOnly) const
{
    QStringList where;
    QVariantList binds;
    if (!account.isEmpty()) {
        where << QStringLiteral("account = ?");
        binds << account;
    }
    if (pendingOnly)
        where << QStringLiteral("state = 'pending'");
    return select(where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND ")), binds);
}

Result<QList<Adjustment>> AdjustmentStore::ofMatch(qint64 matchId) const
{
    return select(QStringLiteral("WHERE match_id = ?"), { matchId });
}

Result<qint64> AdjustmentStore::pendingCount(
    const QString &account, const QString &currency, const QDate &from, const QDate &to) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT COUNT(*) FROM reconciliation_adjustments WHERE account = ? AND currency = ? AND day >= "
                       "? AND day <= ? AND state = 'pending'"),
        { account, currency, from.toString(Qt::ISODate), to.toString(Qt::ISODate) },
        QStringLiteral("Cannot count the pending approvals of %1").arg(account));
    if (!q)
        return q.error();
    return q.value().next() ? q->value(0).toLongLong() : 0;
}

Status AdjustmentStore::decide(qint64 id, Adjustment::State state, const QString &by, const QString &note)
{
    auto q = runSql(m_db,
        QStringLiteral("UPDATE reconciliation_adjustments SET state = ?, decided_by = ?, decided_at = ?, decision_note "
                       "= ? WHERE id = ? AND state = 'pending'"),
        { Adjustment::stateName(state), by, nowMs(), sqlText(note), id },
        QStringLiteral("Cannot decide adjustment %1").arg(id));
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1
        ? success()
        : failure(ErrorClass::Conflict, QStringLiteral("Adjustment %1 was decided meanwhile.").arg(id));
}

Status AdjustmentStore::reverseOfMatch(qint64 matchId, const QString &by, const QString &note)
{
    auto q = runSql(m_db,
        QStringLiteral("UPDATE reconciliation_adjustments SET state = 'reversed', decided_by = ?, decided_at = ?, "
                       "decision_note = ? WHERE match_id = ? AND state IN ('pending', 'approved')"),
        { by, nowMs(), sqlText(note), matchId },
        QStringLiteral("Cannot reverse the adjustments of match %1").arg(matchId));
    return q ? success() : Status(q.error());
}

Result<std::optional<qint64>> AdjustmentStore::threshold(const QString &account, const QString &currency) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT threshold_minor FROM approval_thresholds WHERE account = ? AND currency = ?"),
        { account, currency }, QStringLiteral("Cannot read the approval threshold of %1").arg(account));
    if (!q)
        return q.error();
    return q.value().next() ? std::optional<qint64>(q->value(0).toLongLong()) : std::nullopt;
}

Status AdjustmentStore::setThreshold(
    const QString &account, const QString &currency, qint64 thresholdMinor, const QString &by)
{
    auto q = runSql(m_db,
        QStringLiteral("INSERT INTO approval_thresholds (account, currency, threshold_minor, set_by, set_at) VALUES "
                       "(?, ?, ?, ?, ?) ON CONFLICT (account, currency) DO UPDATE SET threshold_minor = "
                       "excluded.threshold_minor, set_by = excluded.set_by, set_at = excluded.set_at"),
        { account, currency, thresholdMinor, by, nowMs() },
        QStringLiteral("Cannot set the approval threshold of %1").arg(account));
    return q ? success() : Status(q.error());
}
