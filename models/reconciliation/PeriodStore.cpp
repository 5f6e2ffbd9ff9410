#include "reconciliation/PeriodStore.h"

#include "store/SqlRun.h"

namespace {
QString iso(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

QDate day(const QVariant &v)
{
    return QDate::fromString(v.toString(), Qt::ISODate);
}

const char kColumns[]
    = "id, account, currency, from_date, to_date, opening_minor, closing_minor, balances_from, state, "
      "signed_off_by, signed_off_at, created_by, created_at";
} // namespace

PeriodStore::PeriodStore(const Database &db)
    : m_db(db)
{ }

Result<QList<ReconciliationPeriod>> PeriodStore::select(const QString &where, const QVariantList &binds) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT %1 FROM reconciliation_periods %2 ORDER BY account, currency, from_date")
            .arg(QLatin1String(kColumns), where),
        binds, QStringLiteral("Cannot read the reconciliation periods"));
    if (!q)
        return q.error();
    QList<ReconciliationPeriod> out;
    QSqlQuery &r = q.value();
    while (r.next()) {
        ReconciliationPeriod p;
        p.id = r.value(0).toLongLong();
        p.account = r.value(1).toString();
        p.currency = r.value(2).toString();
        p.from = day(r.value(3));
        p.to = day(r.value(4));
        p.openingMinor = r.value(5).toLongLong();
        p.closingMinor = r.value(6).toLongLong();
        p.balancesFrom = r.value(7).toString();
        p.signedOff = r.value(8).toString() == QLatin1String("signed_off");
        p.signedOffBy = r.value(9).toString();
        p.signedOffAt = r.value(10).toLongLong();
        p.createdBy = r.value(11).toString();
        p.createdAt = r.value(12).toLongLong();
        out << p;
    }
    return out;
}

Result<qint64> PeriodStore::insert(const ReconciliationPeriod &p)
{
    auto q = runSql(m_db,
        QStringLiteral("INSERT INTO reconciliation_periods (account, currency, from_date, to_date, opening_minor, "
                       "closing_minor, balances_from, state, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                       "'open', ?, ?) RETURNING id"),
        { p.account, p.currency, iso(p.from), iso(p.to), p.openingMinor, p.closingMinor, p.balancesFrom,
            sqlText(p.createdBy), nowMs() },
        QStringLiteral("Cannot store the period %1").arg(p.label()));
    if (!q)
        return q.error();
    if (!q.value().next())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot store the period %1").arg(p.label()));
    return q->value(0).toLongLong();
}

Result<ReconciliationPeriod> PeriodStore::get(qint64 id) const
{
    auto found = select(QStringLiteral("WHERE id = ?"), { id });
    if (!found)
        return found.error();
    if (found->isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("There is no reconciliation period %1; `reconsolectl periods list` shows them.").arg(id));
    return found->first();
}

Result<QList<ReconciliationPeriod>> PeriodStore::list(const QString &account) const
{
    return account.isEmpty() ? select({}, {}) : select(QStringLiteral("WHERE account = ?"), { account });
}

Result<QList<ReconciliationPeriod>> PeriodStore::of(const QString &account, const QString &currency) const
{
    return select(QStringLiteral("WHERE account = ? AND currency = ?"), { account, currency });
}

Result<QList<ReconciliationPeriod>> PeriodStore::lockedOverlapping(
    const QString &account, const QDate &from, const QDate &to) const
{
    return select(QStringLiteral("WHERE account = ? AND state = 'signed_off' AND from_date <= ? AND to_date >= ?"),
        { account, iso(to), iso(from) });
}

Result<QList<ReconciliationPeriod>> PeriodStore::lockedOn(
    const QString &account, const QString &currency, const QList<QDate> &days) const
{
    auto locked = select(QStringLiteral("WHERE account = ? AND state = 'signed_off'"), { account });
    if (!locked)
        return locked.error();
    QList<ReconciliationPeriod> out;
    for (const ReconciliationPeriod &p : locked.value()) {
        if (!currency.isEmpty() && p.currency != currency)
            continue;
        if (std::any_of(days.begin(), days.end(), [&](const QDate &d) { return p.covers(d); }))
            out << p;
    }
    return out;
}

Status PeriodStore::setSignedOff(qint64 id, bool signedOff, const QString &by)
{
    auto q = runSql(m_db,
        signedOff ? QStringLiteral("UPDATE reconciliation_periods SET state = 'signed_off', signed_off_by = ?, "
                                   "signed_off_at = ? WHERE id = ? AND state = 'open'")
                  : QStringLiteral("UPDATE reconciliation_periods SET state = 'open', signed_off_by = NULL, "
                                   "signed_off_at = NULL WHERE id = ? AND state = 'signed_off'"),
        signedOff ? QVariantList { by, nowMs(), id } : QVariantList { id },
        QStringLiteral("Cannot change the state of period %1").arg(id));
    if (!q)
        return q.error();
    if (q->numRowsAffected() != 1)
        return failure(ErrorClass::Conflict,
            QStringLiteral("Period %1 was %2 meanwhile; look at it again.")
                .arg(id)
                .arg(signedOff ? QStringLiteral("signed off") : QStringLiteral("reopened")));
    return success();
}

Status PeriodStore::setBalances(qint64 id, qint64 openingMinor, qint64 closingMinor)
{
    auto q = runSql(m_db,
        QStringLiteral("UPDATE reconciliation_periods SET opening_minor = ?, closing_minor = ?, balances_from = "
                       "'typed' WHERE id = ? AND state = 'open'"),
        { openingMinor, closingMinor, id }, QStringLiteral("Cannot change the balances of period %1").arg(id));
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1
        ? success()
        : failure(ErrorClass::State, QStringLiteral("Period %1 is signed off; reopen it first.").arg(id));
}

Result<qint64> PeriodStore::cleared(const ReconciliationPeriod &p) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT (SELECT COALESCE(SUM(ledger_minor), 0) FROM reconciliation_matches WHERE account = ? "
                       "AND currency = ? AND cleared_on >= ? AND cleared_on <= ? AND confirmed_by IS NOT NULL), "
                       "(SELECT COALESCE(SUM(amount_minor), 0) FROM reconciliation_adjustments WHERE account = ? AND "
                       "currency = ? AND day >= ? AND day <= ? AND state = 'approved')"),
        { p.account, p.currency, iso(p.from), iso(p.to), p.account, p.currency, iso(p.from), iso(p.to) },
        QStringLiteral("Cannot add up what period %1 cleared").arg(p.id));
    if (!q)
        return q.error();
    if (!q.value().next())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot add up what period %1 cleared").arg(p.id));
    return q->value(0).toLongLong() + q->value(1).toLongLong();
}

Result<std::optional<qint64>> PeriodStore::statementOpening(
    const QString &account, const QString &currency, const QDate &from, const QDate &to) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT opening_minor FROM statements WHERE account = ? AND opening_currency = ? AND "
                       "opening_minor IS NOT NULL AND opening_date >= ? AND opening_date <= ? ORDER BY opening_date, "
                       "id LIMIT 1"),
        { account, currency, iso(from.addDays(-1)), iso(to) },
        QStringLiteral("Cannot read the statements of %1").arg(account));
    if (!q)
        return q.error();
    return q.value().next() ? std::optional<qint64>(q->value(0).toLongLong()) : std::nullopt;
}

Result<std::optional<qint64>> PeriodStore::statementClosing(
    const QString &account, const QString &currency, const QDate &from, const QDate &to) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT closing_minor FROM statements WHERE account = ? AND closing_currency = ? AND "
                       "closing_minor IS NOT NULL AND closing_date >= ? AND closing_date <= ? ORDER BY closing_date "
                       "DESC, id DESC LIMIT 1"),
        { account, currency, iso(from), iso(to) }, QStringLiteral("Cannot read the statements of %1").arg(account));
    if (!q)
        return q.error();
    return q.value().next() ? std::optional<qint64>(q->value(0).toLongLong()) : std::nullopt;
}

Result<QStringList> PeriodStore::currenciesIn(const QString &account, const QDate &from, const QDate &to) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT currency FROM statement_lines WHERE account = ? AND booking_date >= ? AND booking_date "
                       "<= ? UNION SELECT currency FROM ledger_entries WHERE account = ? AND booked_on >= ? AND "
                       "booked_on <= ? ORDER BY 1"),
        { account, iso(from), iso(to), account, iso(from), iso(to) },
        QStringLiteral("Cannot read the currencies of %1").arg(account));
    if (!q)
        return q.error();
    QStringList out;
    while (q.value().next())
        out << q->value(0).toString();
    return out;
}
