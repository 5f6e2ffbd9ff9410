#include "reconciliation/ReconciliationDesk.h"

#include "reconciliation/DeskChecks.h"
#include "reconciliation/ExceptionStore.h"
#include "reconciliation/ReconciliationService.h"

using namespace DeskChecks;

ReconciliationDesk::ReconciliationDesk(const Database &db, const AccessPolicy &access, int exceptionAgeDays)
    : m_db(db)
    , m_access(access)
    , m_exceptionAgeDays(exceptionAgeDays)
{ }

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
