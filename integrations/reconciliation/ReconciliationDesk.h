#pragma once

#include "core/Result.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QDate>
#include <QList>
#include <QString>

#include <optional>

class AccessPolicy;
class Database;

// Everything finance does by hand in a reconciliation, for the console and reconsolectl alike:
// periods (open, balances, sign-off, reopen), matches (confirm, by hand, unmatch), adjustments
// and write-offs with a second person's approval above the account's threshold, splits and
// exceptions. Each action checks the role, refuses what touches a signed-off period, and lands
// with its audit entry (who, why, before, after) in one transaction.
class ReconciliationDesk
{
public:
    // Unmatched rows booked more than `exceptionAgeDays` before today are exceptions.
    static constexpr int kDefaultExceptionAgeDays = 7;

    ReconciliationDesk(const Database &db, const AccessPolicy &access, int exceptionAgeDays = kDefaultExceptionAgeDays);

    // Periods. Balances not given are taken from the account's statements (opening at `from`,
    // closing at `to`), the opening from the previous period where there is one; a period whose
    // balances are neither given nor found is refused, saying so.
    Result<qint64> openPeriod(const QString &account, const QString &currency, const QDate &from, const QDate &to,
        std::optional<qint64> openingMinor = {}, std::optional<qint64> closingMinor = {});
    Result<QList<ReconciliationPeriod>> periods(const QString &account = {}) const;
    // The one currency of the account's rows from..to; an Input error naming them when not one.
    Result<QString> currencyOf(const QString &account, const QDate &from, const QDate &to) const;
    Result<ReconciliationPeriod> period(qint64 periodId) const;
    Result<PeriodSummary> summary(qint64 periodId) const;
    Status setBalances(qint64 periodId, qint64 openingMinor, qint64 closingMinor, const QString &reason);
    // Only at a difference of zero with no open exception and no pending approval.
    Status signOff(qint64 periodId);
    Status reopen(qint64 periodId, const QString &reason);
    // Runs the default rules over the period's days (ReconciliationService::reconcile): the
    // suggestions they make replace the unconfirmed ones. Returns how many it made.
    Result<qsizetype> runRules(qint64 periodId);

    // Matches. A suggestion stored by a run is confirmed; a live one is stored as confirmed.
    Result<qint64> confirm(const Suggestion &suggestion);
    Status confirmMatch(qint64 matchId);
    // The unconfirmed matches of the account cleared from..to with a score of at least
    // `minScore`: how many (dryRun), or confirms them all and says how many.
    Result<int> confirmAbove(const QString &account, const QDate &from, const QDate &to, double minScore, bool dryRun);
    // One-to-one, one-to-many or many-to-one. Sums that disagree need `kind` (fee, fx or
    // rounding) and a reason, and the difference is booked as an adjustment (approved at once
    // up to the threshold, pending above it); without them the match is refused, naming the
    // difference. The rows' unconfirmed suggestions give way.
    Result<qint64> matchByHand(const QString &account, const QList<qint64> &ledgerIds,
        const QList<qint64> &statementIds, std::optional<Adjustment::Kind> kind = {}, const QString &reason = {});
    // Undoes a match; its adjustments are reversed.
    Status unmatch(qint64 matchId, const QString &reason);
    // Books the difference of an existing confirmed match (a tolerance's few cents).
    Result<qint64> bookDifference(qint64 matchId, Adjustment::Kind kind, const QString &reason);
    // Settles one unmatched row with no counterpart: returns the adjustment's id.
    Result<qint64> writeOff(const QString &account, const RowRef &row, const QString &reason);
    // A second finance user decides a pending adjustment; never its proposer.
    Status approve(qint64 adjustmentId, const QString &note = {});
    Status reject(qint64 adjustmentId, const QString &note);
    Result<QList<Adjustment>> adjustments(const QString &account = {}, bool pendingOnly = false) const;

    // Splits a statement line into parts (signed minor units summing to it); returns their ids.
    Result<QList<qint64>> split(qint64 statementLineId, const QList<qint64> &partsMinor, const QString &reason);
    Status setException(const QString &account, const RowRef &row, RowException::State state, const QString &note,
        const QString &assignee);
    // Admin: above `thresholdMinor` (absolute) a write-off or adjustment needs a second person.
    Status setApprovalThreshold(const QString &account, const QString &currency, qint64 thresholdMinor);
    Result<std::optional<qint64>> approvalThreshold(const QString &account, const QString &currency) const;

    // What would match `row`: its stored suggestion first, then the rules' live candidates among
    // the other side's unmatched rows, best first, at most `limit`.
    Result<QList<Suggestion>> suggestions(const QString &account, const RowRef &row, int limit = 20) const;

    int exceptionAgeDays() const { return m_exceptionAgeDays; }

private:
    const Database &m_db;
    const AccessPolicy &m_access;
    int m_exceptionAgeDays;
};
