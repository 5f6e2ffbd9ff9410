#pragma once

#include "core/Result.h"
#include "reconciliation/Match.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

// Which side of a reconciliation a row is on: our ledger_entries, or the statement_lines of a
// bank statement or a provider's balance transactions.
enum class RowSide
{
    Ledger,
    Statement
};
QString rowSideName(RowSide side); // "ledger", "statement" (as stored)
struct RowRef
{
    RowSide side = RowSide::Ledger;
    qint64 id = 0;
};

// One account and currency over adjacent dates, as finance closes it (schema 18).
struct ReconciliationPeriod
{
    qint64 id = 0;
    QString account;
    QString currency;
    QDate from;
    QDate to;
    qint64 openingMinor = 0;
    qint64 closingMinor = 0;
    QString balancesFrom; // statement, typed, previous
    bool signedOff = false;
    QString signedOffBy;
    qint64 signedOffAt = 0;
    QString createdBy;
    qint64 createdAt = 0;

    // "DE89…3000 EUR 2026-10-01 to 2026-10-31"
    QString label() const;
    bool covers(const QDate &day) const { return day >= from && day <= to; }
};

// A fee, FX or rounding difference of a match, or a write-off; see schema 18.
struct Adjustment
{
    enum class Kind
    {
        Fee,
        Fx,
        Rounding,
        WriteOff
    };
    enum class State
    {
        Pending,
        Approved,
        Rejected,
        Reversed // its match was undone
    };
    qint64 id = 0;
    QString account;
    QString currency;
    Kind kind = Kind::Fee;
    qint64 amountMinor = 0; // added to the cleared total: statement side minus ledger side
    qint64 matchId = 0;
    QDate day;
    QString reason;
    State state = State::Pending;
    QString proposedBy;
    qint64 proposedAt = 0;
    QString decidedBy;
    qint64 decidedAt = 0;
    QString decisionNote;

    static QString kindName(Kind kind); // fee, fx, rounding, write_off
    static std::optional<Kind> kindFromName(const QString &name);
    static QString stateName(State state);
    static State stateFromName(const QString &name);
};

// What a person said about an unmatched row older than the exception age.
struct RowException
{
    enum class State
    {
        Open,
        Investigating,
        Resolved
    };
    QString account;
    RowRef row;
    State state = State::Open;
    QString note;
    QString assignee;
    QString updatedBy;
    qint64 updatedAt = 0;

    static QString stateName(State state); // open, investigating, resolved
    static std::optional<State> stateFromName(const QString &name);
};

// A period as the workspace heads it and sign-off checks it.
struct PeriodSummary
{
    ReconciliationPeriod period;
    qint64 clearedMinor = 0; // ledger rows in confirmed matches cleared in the period, plus approved adjustments
    qint64 differenceMinor = 0; // closing − opening − cleared
    qint64 unmatchedLedger = 0; // rows of the period in no confirmed match
    qint64 unmatchedStatement = 0;
    qint64 openExceptions = 0; // unmatched, older than the exception age, not resolved
    qint64 pendingApprovals = 0;
    // Why it cannot be signed off now, each a sentence; empty when it can.
    QStringList signOffBlockers;
};

// A match the rules would make for a selected row: stored by the last run (storedMatchId) or
// found live among the other side's unmatched rows (0).
struct Suggestion
{
    Match match;
    qint64 storedMatchId = 0;
};

namespace PeriodRules {
// Refuses a new period of `from`..`to` that overlaps one of `existing` (the same account and
// currency) or leaves a gap after the latest one before it, saying which and how to fix it.
Status fits(const QList<ReconciliationPeriod> &existing, const QDate &from, const QDate &to);
// The one before `from` among `existing`, if any: a new period opens at its closing balance.
std::optional<ReconciliationPeriod> previous(const QList<ReconciliationPeriod> &existing, const QDate &from);
// closing − opening − cleared, refused where it would overflow 64 bits.
Result<qint64> difference(qint64 openingMinor, qint64 closingMinor, qint64 clearedMinor);
} // namespace PeriodRules
