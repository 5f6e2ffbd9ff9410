// The desk's matches, adjustments and their approval.
#include "reconciliation/ReconciliationDesk.h"

#include "reconciliation/DeskChecks.h"

using namespace DeskChecks;

// ---- matches ----------------------------------------------------------------------------------

Status ReconciliationDesk::confirmMatch(qint64 matchId)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("match:%1").arg(matchId);
    if (Status allowed = ctx.require(QStringLiteral("reconcile.confirm"), target); !allowed)
        return allowed;
    Transaction tx(m_db.connection());
    ReconciliationStore store(m_db);
    auto match = store.get(matchId);
    if (!match)
        return match.error();
    if (Status open = ctx.refuseLocked(match->account, match->match.currency, { match->clearedOn, match->firstDay },
            QStringLiteral("confirming match %1").arg(matchId));
        !open)
        return open;
    if (Status confirmed = store.confirm(matchId, m_access.actor()); !confirmed)
        return confirmed;
    return ctx.commit(tx, QStringLiteral("reconcile.confirm"), target,
        QStringLiteral("confirmed a %1 match of %2").arg(match->match.rule, match->account), describe(match.value()),
        QStringLiteral("confirmed by %1").arg(m_access.actor()));
}

Result<qint64> ReconciliationDesk::confirm(const Suggestion &suggestion)
{
    if (suggestion.storedMatchId != 0) {
        if (Status done = confirmMatch(suggestion.storedMatchId); !done)
            return done.error();
        return suggestion.storedMatchId;
    }
    // A live suggestion is a match by hand that the rules found: stored with their rule and why.
    const Context ctx { m_db, m_access };
    const Match &m = suggestion.match;
    auto facts = ReconciliationStore(m_db).rowFacts(RowSide::Ledger, m.left.mid(0, 1));
    if (!facts)
        return facts.error();
    const QString account = facts->value(0).account;
    const QString target = QStringLiteral("account:") + account;
    if (Status allowed = ctx.require(QStringLiteral("reconcile.confirm"), target); !allowed)
        return allowed.error();
    Transaction tx(m_db.connection());
    auto rows = ctx.freeRows(account, m.left, m.right);
    if (!rows)
        return rows.error();
    if (Status open
        = ctx.refuseLocked(account, currencyOfRows(rows.value()), rows->days(), QStringLiteral("this match"));
        !open)
        return open.error();
    Match stored = m;
    stored.confirmed = true;
    stored.currency = currencyOfRows(rows.value());
    auto id = ReconciliationStore(m_db).insertConfirmed(account, stored, m_access.actor(), rows->factsOf());
    if (!id)
        return id.error();
    auto saved = ReconciliationStore(m_db).get(id.value());
    if (!saved)
        return saved.error();
    if (Status done = ctx.commit(tx, QStringLiteral("reconcile.confirm"), QStringLiteral("match:%1").arg(id.value()),
            QStringLiteral("confirmed a %1 suggestion: %2").arg(m.rule, m.why), {}, describe(saved.value()));
        !done)
        return done.error();
    return id;
}

Result<int> ReconciliationDesk::confirmAbove(
    const QString &account, const QDate &from, const QDate &to, double minScore, bool dryRun)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("account:") + account;
    if (Status allowed = ctx.require(QStringLiteral("reconcile.confirm"), target); !allowed)
        return allowed.error();
    Transaction tx(m_db.connection());
    ReconciliationStore store(m_db);
    auto ids = store.unconfirmedAbove(account, from, to, minScore);
    if (!ids)
        return ids.error();
    if (dryRun || ids->isEmpty())
        return int(ids->size());
    auto locked = PeriodStore(m_db).lockedOverlapping(account, from, to);
    if (!locked)
        return locked.error();
    if (!locked->isEmpty())
        return ctx
            .refuseLocked(account, locked->first().currency, { locked->first().from },
                QStringLiteral("confirming its suggestions"))
            .error();
    for (qint64 id : ids.value())
        if (Status confirmed = store.confirm(id, m_access.actor()); !confirmed)
            return confirmed.error();
    if (Status done = ctx.commit(tx, QStringLiteral("reconcile.confirm"), target,
            QStringLiteral("confirmed every suggestion scoring %1 or more, %2 to %3")
                .arg(minScore, 0, 'f', 2)
                .arg(iso(from), iso(to)),
            {}, QStringLiteral("%1 matches confirmed: %2").arg(ids->size()).arg(idList(ids.value())));
        !done)
        return done.error();
    return int(ids->size());
}

Result<qint64> ReconciliationDesk::matchByHand(const QString &account, const QList<qint64> &ledgerIds,
    const QList<qint64> &statementIds, std::optional<Adjustment::Kind> kind, const QString &reason)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("account:") + account;
    if (Status allowed = ctx.require(QStringLiteral("reconcile.match"), target); !allowed)
        return allowed.error();
    if (ledgerIds.isEmpty() || statementIds.isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("A match needs at least one ledger entry and one statement line; a row with no "
                           "counterpart is written off instead."));
    if (kind == Adjustment::Kind::WriteOff)
        return failure(ErrorClass::Input,
            QStringLiteral("A difference of a match is booked as a fee, FX or rounding adjustment; write-offs are "
                           "for single rows."));
    Transaction tx(m_db.connection());
    auto rows = ctx.freeRows(account, ledgerIds, statementIds);
    if (!rows)
        return rows.error();
    const QString currency = currencyOfRows(rows.value());
    if (Status open = ctx.refuseLocked(account, currency, rows->days(), QStringLiteral("this match")); !open)
        return open.error();
    const qint64 ledger = rows->total(rows->ledger), statement = rows->total(rows->statement);
    const qint64 difference = statement - ledger;
    if (difference != 0 && !kind)
        return failure(ErrorClass::Input,
            QStringLiteral("The selections differ by %1 (statement %2, ledger %3): book the difference as a fee, FX "
                           "or rounding adjustment with a reason, or change the selection.")
                .arg(amount(difference, currency), amount(statement, currency), amount(ledger, currency)));
    if (difference != 0 && reason.trimmed().isEmpty())
        return needsReason(QStringLiteral("Booking a difference"));
    Match m;
    m.rule = QStringLiteral("manual");
    m.score = 1.0;
    m.left = ledgerIds;
    m.right = statementIds;
    m.confirmed = true;
    m.currency = currency;
    m.differenceMinor = ledger - statement;
    m.why = reason.trimmed().isEmpty() ? QStringLiteral("matched by hand by %1").arg(m_access.actor())
                                       : QStringLiteral("matched by hand by %1: %2").arg(m_access.actor(), reason);
    auto id = ReconciliationStore(m_db).insertConfirmed(account, m, m_access.actor(), rows->factsOf());
    if (!id)
        return id.error();
    QString booked;
    if (difference != 0) {
        auto adjustment = ctx.book(account, currency, *kind, difference, id.value(), rows->clearedOn(), reason);
        if (!adjustment)
            return adjustment.error();
        booked = QStringLiteral("; %1 adjustment %2 of %3")
                     .arg(Adjustment::kindName(*kind))
                     .arg(adjustment.value())
                     .arg(amount(difference, currency));
    }
    auto saved = ReconciliationStore(m_db).get(id.value());
    if (!saved)
        return saved.error();
    if (Status done = ctx.commit(tx, QStringLiteral("reconcile.match"), QStringLiteral("match:%1").arg(id.value()),
            reason.trimmed().isEmpty() ? QStringLiteral("matched by hand") : reason, {},
            describe(saved.value()) + booked);
        !done)
        return done.error();
    return id;
}

Status ReconciliationDesk::unmatch(qint64 matchId, const QString &reason)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("match:%1").arg(matchId);
    if (Status allowed = ctx.require(QStringLiteral("reconcile.unmatch"), target); !allowed)
        return allowed;
    if (reason.trimmed().isEmpty())
        return needsReason(QStringLiteral("Unmatching"));
    Transaction tx(m_db.connection());
    ReconciliationStore store(m_db);
    auto match = store.get(matchId);
    if (!match)
        return match.error();
    if (Status open = ctx.refuseLocked(match->account, match->match.currency, { match->clearedOn, match->firstDay },
            QStringLiteral("unmatching match %1").arg(matchId));
        !open)
        return open;
    if (Status reversed = AdjustmentStore(m_db).reverseOfMatch(matchId, m_access.actor(), reason); !reversed)
        return reversed;
    if (Status removed = store.remove(matchId); !removed)
        return removed;
    return ctx.commit(tx, QStringLiteral("reconcile.unmatch"), target, reason, describe(match.value()),
        QStringLiteral("unmatched; its adjustments reversed"));
}

Result<qint64> ReconciliationDesk::bookDifference(qint64 matchId, Adjustment::Kind kind, const QString &reason)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("match:%1").arg(matchId);
    if (Status allowed = ctx.require(QStringLiteral("reconcile.adjust"), target); !allowed)
        return allowed.error();
    if (reason.trimmed().isEmpty())
        return needsReason(QStringLiteral("Booking a difference"));
    if (kind == Adjustment::Kind::WriteOff)
        return failure(ErrorClass::Input, QStringLiteral("A match's difference is a fee, FX or rounding adjustment."));
    Transaction tx(m_db.connection());
    auto match = ReconciliationStore(m_db).get(matchId);
    if (!match)
        return match.error();
    if (match->confirmedBy.isEmpty())
        return failure(ErrorClass::State, QStringLiteral("Match %1 is a suggestion; confirm it first.").arg(matchId));
    const qint64 difference = match->statementMinor - match->ledgerMinor;
    if (difference == 0)
        return failure(
            ErrorClass::Input, QStringLiteral("Match %1's two sides agree; there is nothing to book.").arg(matchId));
    auto existing = AdjustmentStore(m_db).ofMatch(matchId);
    if (!existing)
        return existing.error();
    for (const Adjustment &a : existing.value())
        if (a.state == Adjustment::State::Pending || a.state == Adjustment::State::Approved)
            return failure(ErrorClass::Conflict,
                QStringLiteral("Match %1's difference is booked already (adjustment %2, %3).")
                    .arg(matchId)
                    .arg(a.id)
                    .arg(Adjustment::stateName(a.state)));
    if (Status open = ctx.refuseLocked(
            match->account, match->match.currency, { match->clearedOn }, QStringLiteral("booking a difference"));
        !open)
        return open.error();
    auto id = ctx.book(match->account, match->match.currency, kind, difference, matchId, match->clearedOn, reason);
    if (!id)
        return id.error();
    if (Status done = ctx.commit(tx, QStringLiteral("reconcile.adjust"),
            QStringLiteral("adjustment:%1").arg(id.value()), reason, describe(match.value()),
            QStringLiteral("%1 adjustment of %2")
                .arg(Adjustment::kindName(kind), amount(difference, match->match.currency)));
        !done)
        return done.error();
    return id;
}

Result<qint64> ReconciliationDesk::writeOff(const QString &account, const RowRef &row, const QString &reason)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("%1:%2").arg(rowSideName(row.side)).arg(row.id);
    if (Status allowed = ctx.require(QStringLiteral("reconcile.write_off"), target); !allowed)
        return allowed.error();
    if (reason.trimmed().isEmpty())
        return needsReason(QStringLiteral("A write-off"));
    Transaction tx(m_db.connection());
    const bool ledger = row.side == RowSide::Ledger;
    auto rows = ctx.freeRows(account, ledger ? QList<qint64> { row.id } : QList<qint64> {},
        ledger ? QList<qint64> {} : QList<qint64> { row.id });
    if (!rows)
        return rows.error();
    const QString currency = currencyOfRows(rows.value());
    if (Status open = ctx.refuseLocked(account, currency, rows->days(), QStringLiteral("this write-off")); !open)
        return open.error();
    Match m;
    m.rule = QStringLiteral("write_off");
    m.score = 1.0;
    (ledger ? m.left : m.right) << row.id;
    m.confirmed = true;
    m.currency = currency;
    m.why = QStringLiteral("written off by %1: %2").arg(m_access.actor(), reason);
    auto matchId = ReconciliationStore(m_db).insertConfirmed(account, m, m_access.actor(), rows->factsOf());
    if (!matchId)
        return matchId.error();
    const qint64 size = ledger ? -rows->total(rows->ledger) : rows->total(rows->statement);
    auto id = ctx.book(account, currency, Adjustment::Kind::WriteOff, size, matchId.value(), rows->clearedOn(), reason);
    if (!id)
        return id.error();
    auto a = AdjustmentStore(m_db).get(id.value());
    if (!a)
        return a.error();
    if (Status done = ctx.commit(tx, QStringLiteral("reconcile.write_off"), target, reason, QStringLiteral("unmatched"),
            QStringLiteral("write-off %1 of %2 (%3)")
                .arg(id.value())
                .arg(amount(size, currency), Adjustment::stateName(a->state)));
        !done)
        return done.error();
    return id;
}

namespace {
Status decide(const Context &ctx, qint64 adjustmentId, Adjustment::State state, const QString &note)
{
    const QString action = state == Adjustment::State::Approved ? QStringLiteral("reconcile.approve")
                                                                : QStringLiteral("reconcile.reject");
    const QString target = QStringLiteral("adjustment:%1").arg(adjustmentId);
    if (Status allowed = ctx.require(action, target); !allowed)
        return allowed;
    Transaction tx(ctx.db.connection());
    AdjustmentStore store(ctx.db);
    auto a = store.get(adjustmentId);
    if (!a)
        return a.error();
    if (a->state != Adjustment::State::Pending)
        return failure(ErrorClass::Conflict,
            QStringLiteral("Adjustment %1 is %2 already (by %3).")
                .arg(adjustmentId)
                .arg(Adjustment::stateName(a->state), a->decidedBy));
    if (a->proposedBy == ctx.access.actor()) {
        tx.commit(); // nothing written; the refusal below is audited on its own
        AuditEntry refused { 0, 0, ctx.access.actor(), action + QStringLiteral(".refused"), target,
            QStringLiteral("proposer may not decide their own adjustment"), {}, {}, {}, {} };
        if (Status audited = AuditLog(ctx.db).append(refused); !audited)
            return audited;
        return failure(ErrorClass::Auth,
            QStringLiteral("You proposed adjustment %1, so another finance user must approve or reject it (four "
                           "eyes).")
                .arg(adjustmentId));
    }
    if (Status open = ctx.refuseLocked(
            a->account, a->currency, { a->day }, QStringLiteral("deciding adjustment %1").arg(adjustmentId));
        !open)
        return open;
    if (Status decided = store.decide(adjustmentId, state, ctx.access.actor(), note); !decided)
        return decided;
    if (state == Adjustment::State::Rejected) {
        // A rejected write-off or match by hand is undone as a whole: its rows are unmatched again.
        ReconciliationStore matches(ctx.db);
        auto m = matches.get(a->matchId);
        if (m && (m->match.rule == QLatin1String("manual") || m->match.rule == QLatin1String("write_off")))
            if (Status removed = matches.remove(a->matchId); !removed)
                return removed;
    }
    return ctx.commit(tx, action, target, note.isEmpty() ? Adjustment::stateName(state) : note,
        QStringLiteral("pending %1 of %2 proposed by %3: %4")
            .arg(Adjustment::kindName(a->kind), amount(a->amountMinor, a->currency), a->proposedBy, a->reason),
        Adjustment::stateName(state));
}
} // namespace

Status ReconciliationDesk::approve(qint64 adjustmentId, const QString &note)
{
    return decide({ m_db, m_access }, adjustmentId, Adjustment::State::Approved, note);
}

Status ReconciliationDesk::reject(qint64 adjustmentId, const QString &note)
{
    if (note.trimmed().isEmpty())
        return needsReason(QStringLiteral("Rejecting an adjustment"));
    return decide({ m_db, m_access }, adjustmentId, Adjustment::State::Rejected, note);
}

Result<QList<Adjustment>> ReconciliationDesk::adjustments(const QString &account, bool pendingOnly) const
{
    return AdjustmentStore(m_db).list(account, pendingOnly);
}
