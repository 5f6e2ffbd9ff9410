#pragma once

// What the desk's actions share (ReconciliationDesk*.cpp only): the role check, the lock, the
// audit entry that commits with the change, the four-eyes state of a new adjustment, and the
// rows a match takes.
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "core/Money.h"
#include "reconciliation/AdjustmentStore.h"
#include "reconciliation/PeriodStore.h"
#include "reconciliation/ReconciliationStore.h"
#include "store/Database.h"

#include <QSet>

#include <algorithm>

namespace DeskChecks {

inline QString iso(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

inline QString amount(qint64 minor, const QString &currency)
{
    return Money::formatIn(minor, currency) + QLatin1Char(' ') + currency;
}

inline QString idList(const QList<qint64> &ids)
{
    QStringList out;
    for (qint64 id : ids)
        out << QString::number(id);
    return out.join(QLatin1Char(','));
}

inline Error needsReason(const QString &what)
{
    return failure(ErrorClass::Input, QStringLiteral("%1 needs a reason: say why, for the audit log.").arg(what));
}

inline QString describe(const StoredMatch &m)
{
    return QStringLiteral("%1 match %2 (score %3): ledger %4 [%5], statement %6 [%7]%8")
        .arg(m.match.rule)
        .arg(m.id)
        .arg(m.match.score, 0, 'f', 2)
        .arg(idList(m.match.left), amount(m.ledgerMinor, m.match.currency), idList(m.match.right),
            amount(m.statementMinor, m.match.currency),
            m.confirmedBy.isEmpty() ? QString() : QStringLiteral(", confirmed by %1").arg(m.confirmedBy));
}

// The rows of a match: each side's facts by id, for its days and totals.
struct MatchRows
{
    QList<RowFacts> ledger;
    QList<RowFacts> statement;

    ReconciliationStore::FactsOf factsOf() const
    {
        return [this](int side, qint64 id) {
            for (const RowFacts &f : side == 0 ? ledger : statement)
                if (f.id == id)
                    return std::pair<int, qint64>(int(f.day.toJulianDay()), f.amountMinor);
            return std::pair<int, qint64>(0, 0);
        };
    }
    QList<QDate> days() const
    {
        QList<QDate> out;
        for (const QList<RowFacts> *side : { &ledger, &statement })
            for (const RowFacts &f : *side)
                out << f.day;
        return out;
    }
    qint64 total(const QList<RowFacts> &rows) const
    {
        qint64 sum = 0;
        for (const RowFacts &f : rows)
            sum += f.amountMinor;
        return sum;
    }
    QDate clearedOn() const
    {
        QDate out;
        for (const RowFacts &f : statement.isEmpty() ? ledger : statement)
            out = std::max(out, f.day);
        return out;
    }
};

struct Context
{
    const Database &db;
    const AccessPolicy &access;

    Status require(const QString &action, const QString &target, Permission p = Permission::Reconcile) const
    {
        return access.require(p, db, action, target);
    }
    // Refuses a change to rows of `days` while a signed-off period of the account holds one.
    Status refuseLocked(
        const QString &account, const QString &currency, const QList<QDate> &days, const QString &what) const
    {
        auto locked = PeriodStore(db).lockedOn(account, currency, days);
        if (!locked)
            return locked.error();
        if (locked->isEmpty())
            return success();
        const ReconciliationPeriod &p = locked->first();
        return failure(ErrorClass::State,
            QStringLiteral("Period %1 (%2) is signed off by %3 and locked: %4 would change it. Reopen it with a "
                           "reason first (reconsolectl periods reopen %1 --reason …).")
                .arg(p.id)
                .arg(p.label(), p.signedOffBy, what));
    }
    Status commit(Transaction &tx, const QString &action, const QString &target, const QString &reason,
        const QString &before, const QString &after) const
    {
        AuditEntry e;
        e.actor = access.actor();
        e.action = action;
        e.target = target;
        e.reason = reason;
        e.before = before;
        e.after = after;
        return AuditLog(db).commitWith(tx, e, action);
    }
    // An adjustment above the account's threshold waits for a second person; where no
    // threshold is set, every one does.
    Result<Adjustment::State> stateFor(const QString &account, const QString &currency, qint64 amountMinor) const
    {
        auto threshold = AdjustmentStore(db).threshold(account, currency);
        if (!threshold)
            return threshold.error();
        const qint64 size = amountMinor < 0 ? -amountMinor : amountMinor;
        return threshold->has_value() && size <= **threshold ? Adjustment::State::Approved : Adjustment::State::Pending;
    }
    Result<qint64> book(const QString &account, const QString &currency, Adjustment::Kind kind, qint64 amountMinor,
        qint64 matchId, const QDate &day, const QString &reason) const
    {
        auto state = stateFor(account, currency, amountMinor);
        if (!state)
            return state.error();
        Adjustment a;
        a.account = account;
        a.currency = currency;
        a.kind = kind;
        a.amountMinor = amountMinor;
        a.matchId = matchId;
        a.day = day;
        a.reason = reason;
        a.state = state.value();
        a.proposedBy = access.actor();
        if (a.state == Adjustment::State::Approved) {
            a.decidedBy = access.actor();
            a.decisionNote = QStringLiteral("within the account's approval threshold");
        }
        return AdjustmentStore(db).insert(a);
    }
    // Reads both sides' rows, all of `account`, one currency, none split, none in a confirmed
    // match; the unconfirmed suggestions holding them are dropped (they give way to a person).
    Result<MatchRows> freeRows(
        const QString &account, const QList<qint64> &ledgerIds, const QList<qint64> &statementIds) const
    {
        ReconciliationStore store(db);
        MatchRows rows;
        auto ledger = store.rowFacts(RowSide::Ledger, ledgerIds);
        if (!ledger)
            return ledger.error();
        auto statement = store.rowFacts(RowSide::Statement, statementIds);
        if (!statement)
            return statement.error();
        rows.ledger = ledger.value();
        rows.statement = statement.value();
        if (QSet<qint64>(ledgerIds.begin(), ledgerIds.end()).size() != ledgerIds.size()
            || QSet<qint64>(statementIds.begin(), statementIds.end()).size() != statementIds.size())
            return failure(ErrorClass::Input, QStringLiteral("A row is selected twice; select each row once."));
        QString currency;
        for (RowSide side : { RowSide::Ledger, RowSide::Statement }) {
            for (const RowFacts &f : side == RowSide::Ledger ? rows.ledger : rows.statement) {
                if (f.account != account)
                    return failure(ErrorClass::Input,
                        QStringLiteral("%1 row %2 belongs to %3, not %4.")
                            .arg(rowSideName(side))
                            .arg(f.id)
                            .arg(f.account, account));
                if (!currency.isEmpty() && f.currency != currency)
                    return failure(ErrorClass::Input,
                        QStringLiteral("The rows are in %1 and %2; a match is in one currency.")
                            .arg(currency, f.currency));
                currency = f.currency;
                if (f.split)
                    return failure(ErrorClass::Input,
                        QStringLiteral("Statement line %1 was split; match its parts instead.").arg(f.id));
                auto held = store.matchOf(account, { side, f.id });
                if (!held)
                    return held.error();
                if (held.value() == 0)
                    continue;
                auto m = store.get(held.value());
                if (!m)
                    return m.error();
                if (!m->confirmedBy.isEmpty())
                    return failure(ErrorClass::Conflict,
                        QStringLiteral("%1 row %2 is in match %3 already (%4, confirmed by %5); unmatch that first.")
                            .arg(rowSideName(side))
                            .arg(f.id)
                            .arg(m->id)
                            .arg(m->match.rule, m->confirmedBy));
                if (Status dropped = store.remove(m->id); !dropped)
                    return dropped.error();
            }
        }
        return rows;
    }
};

inline QString currencyOfRows(const MatchRows &rows)
{
    return rows.ledger.isEmpty() ? rows.statement.value(0).currency : rows.ledger.first().currency;
}

} // namespace DeskChecks
