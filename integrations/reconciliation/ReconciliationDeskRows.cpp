// The desk's work on single rows: splits, exceptions, thresholds, suggestions.
#include "reconciliation/ReconciliationDesk.h"

#include "reconciliation/DeskChecks.h"
#include "reconciliation/ExceptionStore.h"
#include "reconciliation/Matcher.h"
#include "reconciliation/ReconciliationInputs.h"

using namespace DeskChecks;

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
