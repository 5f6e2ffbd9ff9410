#pragma once

#include "core/Result.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QDate>
#include <QList>

#include <optional>

class Database;

// The reconciliation_periods table, and the sums a period's difference is made of (schema 18).
class PeriodStore
{
public:
    explicit PeriodStore(const Database &db);

    Result<qint64> insert(const ReconciliationPeriod &period);
    Result<ReconciliationPeriod> get(qint64 id) const;
    // All periods, or one account's, by account, currency and first day.
    Result<QList<ReconciliationPeriod>> list(const QString &account = {}) const;
    Result<QList<ReconciliationPeriod>> of(const QString &account, const QString &currency) const;
    // The signed-off periods of the account that hold any of `days` (in any currency when
    // `currency` is empty): what a change to rows of those days must not touch.
    Result<QList<ReconciliationPeriod>> lockedOn(
        const QString &account, const QString &currency, const QList<QDate> &days) const;
    Result<QList<ReconciliationPeriod>> lockedOverlapping(
        const QString &account, const QDate &from, const QDate &to) const;
    // The currencies of the account's statement lines and ledger entries from..to.
    Result<QStringList> currenciesIn(const QString &account, const QDate &from, const QDate &to) const;
    Status setSignedOff(qint64 id, bool signedOff, const QString &by);
    Status setBalances(qint64 id, qint64 openingMinor, qint64 closingMinor);

    // The ledger totals of the confirmed matches cleared in the period plus its approved adjustments.
    Result<qint64> cleared(const ReconciliationPeriod &period) const;
    // The statements' balances: the opening of the earliest statement opening in from−1..to,
    // the closing of the latest closing in from..to; nothing when no statement gives one.
    Result<std::optional<qint64>> statementOpening(
        const QString &account, const QString &currency, const QDate &from, const QDate &to) const;
    Result<std::optional<qint64>> statementClosing(
        const QString &account, const QString &currency, const QDate &from, const QDate &to) const;

private:
    Result<QList<ReconciliationPeriod>> select(const QString &where, const QVariantList &binds) const;

    const Database &m_db;
};
