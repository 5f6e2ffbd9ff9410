#include "reconciliation/ReconciliationDesk.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "core/Money.h"
#include "reconciliation/AdjustmentStore.h"
#include "reconciliation/ExceptionStore.h"
#include "reconciliation/Matcher.h"
#include "reconciliation/PeriodStore.h"
#include "reconciliation/ReconciliationInputs.h"
#include "reconciliation/ReconciliationService.h"
#include "reconciliation/ReconciliationStore.h"
#include "store/Database.h"

#include <QSet>

#include <algorithm>

namespace {
QString iso(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

QString amount(qint64 minor, const QString &currency)
{
    return Money::formatIn(minor, currency) + QLatin1Char(' ') + currency;
}

QString idList(const QList<qint64> &ids)
{
    QStringList out;
    for (qint64 id : ids)
        out << QString::number(id);
    return out.join(QLatin1Char(','));
}

Error needsReason(const QString &what)
{
    return failure(ErrorClass::Input, QStringLiteral("%1 needs a reason: say why, for the audit log.").arg(what));
}

QString describe(const StoredMatch &m)
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
} // namespace

ReconciliationDesk::ReconciliationDesk(const Database &db, const AccessPolicy &access, int exceptionAgeDays)
    : m_db(db)
    , m_access(access)
    , m_exceptionAgeDays(exceptionAgeDays)
{ }

// ---- shared checks ----------------------------------------------------------------------------

namespace {
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

QString currencyOfRows(const MatchRows &rows)
{
    return rows.ledger.isEmpty() ? rows.statement.value(0).currency : rows.ledger.first().currency;
}
} // namespace

// ---- periods ----------------------------------------------------------------------------------

Result<qint64> ReconciliationDesk::openPeriod(const QString &account, const QString &currencyGiven, const QDate &from,
    const QDate &to, std::optional<qint64> openingMinor, std::optional<qint64> closingMinor)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("account:") + account;
    if (Status allowed = ctx.require(QStringLiteral("period.open"), target); !allowed)
        return allowed.error();
    const QString currency = currencyGiven.trimmed().toUpper();
    if (account.trimmed().isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("A period needs its account (an IBAN, or a provider id)."));
    if (currency.size() != 3)
        return failure(ErrorClass::Input,
            QStringLiteral("A period is in one currency, given as its ISO 4217 code (EUR), not '%1'.")
                .arg(currencyGiven));
    Transaction tx(m_db.connection());
    PeriodStore store(m_db);
    auto existing = store.of(account, currency);
    if (!existing)
        return existing.error();
    if (Status fits = PeriodRules::fits(existing.value(), from, to); !fits)
        return fits.error();
    ReconciliationPeriod p;
    p.account = account;
    p.currency = currency;
    p.from = from;
    p.to = to;
    p.createdBy = m_access.actor();
    const bool typed = openingMinor || closingMinor;
    const auto before = PeriodRules::previous(existing.value(), from);
    if (before && openingMinor && *openingMinor != before->closingMinor)
        return failure(ErrorClass::Input,
            QStringLiteral("The opening balance %1 differs from the closing balance %2 of period %3, which ends the "
                           "day before: a period starts where the one before ended. Correct the balance, or reopen "
                           "period %3 and correct its closing balance.")
                .arg(amount(*openingMinor, currency), amount(before->closingMinor, currency))
                .arg(before->id));
    if (!openingMinor && before)
        openingMinor = before->closingMinor;
    if (!openingMinor) {
        auto found = store.statementOpening(account, currency, from, to);
        if (!found)
            return found.error();
        openingMinor = found.value();
    }
    auto foundClosing = closingMinor ? Result<std::optional<qint64>>(closingMinor)
                                     : store.statementClosing(account, currency, from, to);
    if (!foundClosing)
        return foundClosing.error();
    if (!openingMinor || !foundClosing->has_value())
        return failure(ErrorClass::Input,
            QStringLiteral("No statement of %1 in %2 gives the %3 balance from %4 to %5: import the statement, or "
                           "type the balances in (--opening and --closing).")
                .arg(account, currency, openingMinor ? QStringLiteral("closing") : QStringLiteral("opening"), iso(from),
                    iso(to)));
    p.openingMinor = *openingMinor;
    p.closingMinor = **foundClosing;
    p.balancesFrom = typed ? QStringLiteral("typed")
        : before           ? QStringLiteral("previous")
                           : QStringLiteral("statement");
    auto id = store.insert(p);
    if (!id)
        return id.error();
    if (Status done = ctx.commit(tx, QStringLiteral("period.open"), QStringLiteral("period:%1").arg(id.value()),
            QStringLiteral("opened %1").arg(p.label()), {},
            QStringLiteral("open; opening %1, closing %2 (%3)")
                .arg(amount(p.openingMinor, currency), amount(p.closingMinor, currency), p.balancesFrom));
        !done)
        return done.error();
    return id;
}

Result<QList<ReconciliationPeriod>> ReconciliationDesk::periods(const QString &account) const
{
    return PeriodStore(m_db).list(account);
}

Result<QString> ReconciliationDesk::currencyOf(const QString &account, const QDate &from, const QDate &to) const
{
    auto found = PeriodStore(m_db).currenciesIn(account, from, to);
    if (!found)
        return found.error();
    if (found->size() == 1)
        return found->first();
    return failure(ErrorClass::Input,
        found->isEmpty()
            ? QStringLiteral("%1 has no rows from %2 to %3; give the currency.").arg(account, iso(from), iso(to))
            : QStringLiteral("%1 has rows in %2 from %3 to %4; give the currency.")
                  .arg(account, found->join(QStringLiteral(", ")), iso(from), iso(to)));
}

Result<ReconciliationPeriod> ReconciliationDesk::period(qint64 periodId) const
{
    return PeriodStore(m_db).get(periodId);
}

Result<PeriodSummary> ReconciliationDesk::summary(qint64 periodId) const
{
    auto p = PeriodStore(m_db).get(periodId);
    if (!p)
        return p.error();
    PeriodSummary s;
    s.period = p.value();
    auto cleared = PeriodStore(m_db).cleared(s.period);
    if (!cleared)
        return cleared.error();
    s.clearedMinor = cleared.value();
    auto difference = PeriodRules::difference(s.period.openingMinor, s.period.closingMinor, s.clearedMinor);
    if (!difference)
        return difference.error();
    s.differenceMinor = difference.value();
    const ExceptionStore exceptions(m_db);
    auto ledger = exceptions.unmatchedCount(s.period, RowSide::Ledger);
    auto statement = exceptions.unmatchedCount(s.period, RowSide::Statement);
    auto open = exceptions.openCount(s.period, QDate::currentDate().addDays(-m_exceptionAgeDays));
    auto pending = AdjustmentStore(m_db).pendingCount(s.period.account, s.period.currency, s.period.from, s.period.to);
    for (const Status &st : { ledger.status(), statement.status(), open.status(), pending.status() })
        if (!st)
            return st.error();
    s.unmatchedLedger = ledger.value();
    s.unmatchedStatement = statement.value();
    s.openExceptions = open.value();
    s.pendingApprovals = pending.value();
    if (s.period.signedOff)
        s.signOffBlockers << QStringLiteral("It is signed off already (by %1).").arg(s.period.signedOffBy);
    if (s.differenceMinor != 0)
        s.signOffBlockers << QStringLiteral("The difference is %1; it must be zero.")
                                 .arg(amount(s.differenceMinor, s.period.currency));
    if (s.openExceptions > 0)
        s.signOffBlockers
            << QStringLiteral("%1 exception(s) are open: match, write off or resolve them.").arg(s.openExceptions);
    if (s.pendingApprovals > 0)
        s.signOffBlockers
            << QStringLiteral("%1 adjustment(s) wait for a second finance user's approval.").arg(s.pendingApprovals);
    return s;
}

Status ReconciliationDesk::setBalances(qint64 periodId, qint64 openingMinor, qint64 closingMinor, const QString &reason)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("period:%1").arg(periodId);
    if (Status allowed = ctx.require(QStringLiteral("period.balances"), target); !allowed)
        return allowed;
    if (reason.trimmed().isEmpty())
        return needsReason(QStringLiteral("Changing a period's balances"));
    Transaction tx(m_db.connection());
    auto p = PeriodStore(m_db).get(periodId);
    if (!p)
        return p.error();
    if (p->signedOff)
        return ctx.refuseLocked(p->account, p->currency, { p->from }, QStringLiteral("changing its balances"));
    if (Status set = PeriodStore(m_db).setBalances(periodId, openingMinor, closingMinor); !set)
        return set;
    return ctx.commit(tx, QStringLiteral("period.balances"), target, reason,
        QStringLiteral("opening %1, closing %2")
            .arg(amount(p->openingMinor, p->currency), amount(p->closingMinor, p->currency)),
        QStringLiteral("opening %1, closing %2")
            .arg(amount(openingMinor, p->currency), amount(closingMinor, p->currency)));
}

Status ReconciliationDesk::signOff(qint64 periodId)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("period:%1").arg(periodId);
    if (Status allowed = ctx.require(QStringLiteral("period.sign_off"), target); !allowed)
        return allowed;
    Transaction tx(m_db.connection());
    auto s = summary(periodId);
    if (!s)
        return s.error();
    if (!s->signOffBlockers.isEmpty())
        return failure(ErrorClass::State,
            QStringLiteral("Period %1 (%2) cannot be signed off: %3")
                .arg(periodId)
                .arg(s->period.label(), s->signOffBlockers.join(QLatin1Char(' '))));
    if (Status set = PeriodStore(m_db).setSignedOff(periodId, true, m_access.actor()); !set)
        return set;
    return ctx.commit(tx, QStringLiteral("period.sign_off"), target,
        QStringLiteral("signed off %1").arg(s->period.label()), QStringLiteral("open"),
        QStringLiteral("signed off; cleared %1, difference 0").arg(amount(s->clearedMinor, s->period.currency)));
}

Status ReconciliationDesk::reopen(qint64 periodId, const QString &reason)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("period:%1").arg(periodId);
    if (Status allowed = ctx.require(QStringLiteral("period.reopen"), target); !allowed)
        return allowed;
    if (reason.trimmed().isEmpty())
        return needsReason(QStringLiteral("Reopening a signed-off period"));
    Transaction tx(m_db.connection());
    auto p = PeriodStore(m_db).get(periodId);
    if (!p)
        return p.error();
    if (!p->signedOff)
        return failure(ErrorClass::State, QStringLiteral("Period %1 is open already.").arg(periodId));
    if (Status set = PeriodStore(m_db).setSignedOff(periodId, false, {}); !set)
        return set;
    return ctx.commit(tx, QStringLiteral("period.reopen"), target, reason,
        QStringLiteral("signed off by %1").arg(p->signedOffBy), QStringLiteral("open"));
}

Result<qsizetype> ReconciliationDesk::runRules(qint64 periodId)
{
    auto p = PeriodStore(m_db).get(periodId);
    if (!p)
        return p.error();
    auto ran
        = ReconciliationService(m_db, m_access).reconcile(p->account, p->from, p->to, MatchRules::defaults(), false);
    if (!ran)
        return ran.error();
    return ran->result.matchCount() - ran->result.confirmedKept();
}

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

// ---- lines and exceptions ---------------------------------------------------------------------

Result<QList<qint64>> ReconciliationDesk::split(qint64 lineId, const QList<qint64> &partsMinor, const QString &reason)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("statement:%1").arg(lineId);
    if (Status allowed = ctx.require(QStringLiteral("reconcile.split"), target); !allowed)
        return allowed.error();
    if (reason.trimmed().isEmpty())
        return needsReason(QStringLiteral("Splitting a line"));
    auto line = ReconciliationStore(m_db).rowFacts(RowSide::Statement, { lineId });
    if (!line)
        return line.error();
    const RowFacts f = line->first();
    Transaction tx(m_db.connection());
    if (Status open
        = ctx.refuseLocked(f.account, f.currency, { f.day }, QStringLiteral("splitting line %1").arg(lineId));
        !open)
        return open.error();
    auto rows = ctx.freeRows(f.account, {}, { lineId });
    if (!rows)
        return rows.error();
    if (partsMinor.size() < 2 || std::any_of(partsMinor.begin(), partsMinor.end(), [](qint64 p) { return p == 0; }))
        return failure(ErrorClass::Input, QStringLiteral("A split needs two parts or more, none of them zero."));
    qint64 sum = 0;
    for (qint64 p : partsMinor)
        sum += p;
    if (sum != f.amountMinor)
        return failure(ErrorClass::Input,
            QStringLiteral("The parts add up to %1, but line %2 is %3; they must add up to it exactly.")
                .arg(amount(sum, f.currency))
                .arg(lineId)
                .arg(amount(f.amountMinor, f.currency)));
    auto ids = ReconciliationStore(m_db).splitLine(lineId, partsMinor);
    if (!ids)
        return ids.error();
    QStringList parts;
    for (qint64 p : partsMinor)
        parts << amount(p, f.currency);
    if (Status done
        = ctx.commit(tx, QStringLiteral("reconcile.split"), target, reason, amount(f.amountMinor, f.currency),
            QStringLiteral("lines %1: %2").arg(idList(ids.value()), parts.join(QStringLiteral(" + "))));
        !done)
        return done.error();
    return ids;
}

Status ReconciliationDesk::setException(
    const QString &account, const RowRef &row, RowException::State state, const QString &note, const QString &assignee)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("%1:%2").arg(rowSideName(row.side)).arg(row.id);
    if (Status allowed = ctx.require(QStringLiteral("reconcile.exception"), target); !allowed)
        return allowed;
    if (state == RowException::State::Investigating && (note.trimmed().isEmpty() || assignee.trimmed().isEmpty()))
        return failure(
            ErrorClass::Input, QStringLiteral("An exception under investigation needs a note and an assignee."));
    if (state == RowException::State::Resolved && note.trimmed().isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("A resolved exception needs a note saying how."));
    auto facts = ReconciliationStore(m_db).rowFacts(row.side, { row.id });
    if (!facts)
        return facts.error();
    if (facts->first().account != account)
        return failure(
            ErrorClass::Input, QStringLiteral("That row belongs to %1, not %2.").arg(facts->first().account, account));
    Transaction tx(m_db.connection());
    if (Status open = ctx.refuseLocked(
            account, facts->first().currency, { facts->first().day }, QStringLiteral("changing this exception"));
        !open)
        return open;
    ExceptionStore store(m_db);
    auto before = store.get(account, row);
    if (!before)
        return before.error();
    RowException e { account, row, state, note.trimmed(), assignee.trimmed(), m_access.actor(), 0 };
    if (Status put = store.put(e); !put)
        return put;
    const auto text = [](const RowException &x) {
        return QStringLiteral("%1%2%3").arg(RowException::stateName(x.state),
            x.assignee.isEmpty() ? QString() : QStringLiteral(", assigned to %1").arg(x.assignee),
            x.note.isEmpty() ? QString() : QStringLiteral(": %1").arg(x.note));
    };
    return ctx.commit(tx, QStringLiteral("reconcile.exception"), target, note,
        before->has_value() ? text(**before) : QStringLiteral("open"), text(e));
}

Status ReconciliationDesk::setApprovalThreshold(const QString &account, const QString &currency, qint64 thresholdMinor)
{
    const Context ctx { m_db, m_access };
    const QString target = QStringLiteral("account:") + account;
    if (Status allowed = ctx.require(QStringLiteral("approval.threshold"), target, Permission::ManageCredentials);
        !allowed)
        return allowed;
    if (thresholdMinor < 0)
        return failure(ErrorClass::Input, QStringLiteral("A threshold is an amount of zero or more."));
    Transaction tx(m_db.connection());
    auto before = AdjustmentStore(m_db).threshold(account, currency.toUpper());
    if (!before)
        return before.error();
    if (Status set = AdjustmentStore(m_db).setThreshold(account, currency.toUpper(), thresholdMinor, m_access.actor());
        !set)
        return set;
    return ctx.commit(tx, QStringLiteral("approval.threshold"), target,
        QStringLiteral("approval threshold for %1").arg(currency.toUpper()),
        before->has_value() ? amount(**before, currency.toUpper()) : QStringLiteral("none (every adjustment)"),
        amount(thresholdMinor, currency.toUpper()));
}

Result<std::optional<qint64>> ReconciliationDesk::approvalThreshold(
    const QString &account, const QString &currency) const
{
    return AdjustmentStore(m_db).threshold(account, currency.toUpper());
}

// ---- suggestions ------------------------------------------------------------------------------

Result<QList<Suggestion>> ReconciliationDesk::suggestions(const QString &account, const RowRef &row, int limit) const
{
    ReconciliationStore store(m_db);
    auto facts = store.rowFacts(row.side, { row.id });
    if (!facts)
        return facts.error();
    const RowFacts f = facts->first();
    QList<Suggestion> out;
    auto held = store.matchOf(account, row);
    if (!held)
        return held.error();
    if (held.value() != 0) {
        auto m = store.get(held.value());
        if (!m)
            return m.error();
        if (!m->confirmedBy.isEmpty())
            return out; // matched already: nothing to suggest
        out << Suggestion { m->match, m->id };
    }
    // Live candidates: the other side's rows in no confirmed match, of the same currency, within
    // the widest window and amount the rules allow; each pair then goes through the matcher
    // itself, so a suggestion says exactly what a run would.
    const MatchRules rules = MatchRules::defaults();
    int days = 0;
    qint64 slack = 0;
    for (const MatchRule &r : rules.rules) {
        days = std::max(days, r.windowDays);
        if (r.kind == MatchRule::Kind::Tolerance)
            slack = std::max(slack, r.allowedDifference(f.amountMinor));
    }
    const RowSide other = row.side == RowSide::Ledger ? RowSide::Statement : RowSide::Ledger;
    const QString date = other == RowSide::Ledger ? QStringLiteral("x.booked_on") : QStringLiteral("x.booking_date");
    const QString net = other == RowSide::Ledger ? QStringLiteral("x.amount_minor")
                                                 : QStringLiteral("(x.amount_minor - x.fee_minor)");
    auto candidates = ReconciliationInputs::items(m_db, other,
        QStringLiteral("x.account = ? AND x.currency = ? AND %1 >= ? AND %1 <= ? AND (%2 BETWEEN ? AND ? OR "
                       "x.amount_minor BETWEEN ? AND ?) AND %3")
            .arg(date, net, ExceptionStore::notConfirmedMatched(other, QStringLiteral("x"))),
        { account, f.currency, iso(f.day.addDays(-days)), iso(f.day.addDays(days)), f.amountMinor - slack,
            f.amountMinor + slack, f.amountMinor - slack, f.amountMinor + slack });
    if (!candidates)
        return candidates.error();
    auto self = ReconciliationInputs::items(m_db, row.side, QStringLiteral("x.id = ?"), { row.id });
    if (!self)
        return self.error();
    QList<Suggestion> live;
    for (const ReconItem &c : candidates.value()) {
        if (!out.isEmpty() && (out.first().match.left.contains(c.id) || out.first().match.right.contains(c.id)))
            continue;
        const QList<ReconItem> one { c };
        auto ran = row.side == RowSide::Ledger ? Matcher::run(self.value(), one, rules)
                                               : Matcher::run(one, self.value(), rules);
        if (!ran || ran->matchCount() == 0)
            continue;
        live << Suggestion { ran->match(0), 0 };
    }
    std::stable_sort(live.begin(), live.end(),
        [](const Suggestion &a, const Suggestion &b) { return a.match.score > b.match.score; });
    out << live;
    return out.mid(0, limit);
}
