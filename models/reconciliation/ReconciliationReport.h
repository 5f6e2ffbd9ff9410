#pragma once

#include "core/Result.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QDate>
#include <QList>
#include <QString>

#include <functional>

class Database;

// What the auditor is handed for one reconciliation period (docs/reconciliation.md, "The
// report"): its summary, the confirmed matches cleared in it per rule, every match made by hand
// and every adjustment or write-off with who proposed and who approved it, and the rows left
// unmatched with what became of their exceptions. Read once from the database, then written as
// CSV here or as PDF by ui/reconciliation/ReconciliationReportPdf. Free text (references,
// reasons, notes) is redacted as it is read, so no secret reaches a file.
struct ReconciliationReport
{
    // The confirmed matches of one rule cleared in the period.
    struct RuleTotal
    {
        QString rule;
        int matches = 0;
        qint64 ledgerMinor = 0;
        qint64 statementMinor = 0;
    };

    // A match a person made (rule "manual"), cleared in the period.
    struct ManualMatch
    {
        qint64 matchId = 0;
        QDate clearedOn;
        qint64 ledgerMinor = 0;
        qint64 statementMinor = 0;
        QString ledgerRows; // "L-1 INV-1; L-2 INV-2": the ledger rows' ids and references
        QString statementRows; // the statement lines' references
        QString confirmedBy;
        qint64 confirmedAt = 0; // ms since the epoch
    };

    // An adjustment or write-off of the period (its day in from..to), in any state.
    struct AdjustmentLine
    {
        Adjustment adjustment;
        QString rows; // what it settles: the rows of its match, as in ManualMatch
    };

    // An unmatched row of the period, or one that was an exception and is settled now.
    struct ExceptionLine
    {
        RowRef row;
        QDate day;
        qint64 amountMinor = 0;
        QString reference;
        QString counterparty;
        QString state; // open, investigating, resolved
        QString note;
        QString assignee;
        QString updatedBy; // empty when nobody looked at it yet
        qint64 updatedAt = 0;
        QString resolution; // how it was settled (resolved only): "matched by hand (match 12)", …
    };

    ReconciliationPeriod period;
    qint64 matchedMinor = 0; // the ledger side of the confirmed matches cleared in the period
    qint64 adjustedMinor = 0; // the approved adjustments and write-offs of the period
    qint64 clearedMinor = 0; // matched + adjusted
    qint64 differenceMinor = 0; // closing − opening − cleared
    qint64 pendingApprovals = 0;
    QList<RuleTotal> rules; // by rule name
    QList<ManualMatch> manualMatches; // by day cleared
    QList<AdjustmentLine> adjustments; // by day
    QList<ExceptionLine> exceptionsLeft; // by side, then day
    QList<ExceptionLine> exceptionsResolved;
    QString producedBy;
    qint64 producedAt = 0; // ms since the epoch

    // Period `periodId` as it stands now, produced by `producedBy` (the signed-in user).
    static Result<ReconciliationReport> read(const Database &db, qint64 periodId, const QString &producedBy);

    // `minor` in the period's currency at its own decimals: "1234.50".
    QString amount(qint64 minor) const;
    // "reconciliation-DE89370400440532013000-EUR-2026-10-01-to-2026-10-31.pdf"
    QString fileName(const QString &suffix) const;
    QString stateText() const; // "signed off" or "open"
    // "Signed off by carol@example.com on 2026-11-02 09:14 UTC", or "Not signed off".
    QString signOffText() const;

    // The same data as one CSV table a spreadsheet filters by its first column, "section":
    // summary, rule, manual_match, adjustment, exception_left, exception_resolved.
    QString toCsv() const;
};

// How a workspace gets a report without the database: app/ hands it one of these.
using ReconciliationReportSource = std::function<Result<ReconciliationReport>(qint64 periodId)>;

// "2026-11-02 09:14 UTC" for a time in ms since the epoch; empty for 0.
QString reportTime(qint64 ms);
