#pragma once

#include "core/Result.h"
#include "reconciliation/ReconSide.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QDate>
#include <QSet>
#include <QString>

class Database;

// Both sides of one account and date range as the matcher takes them, read straight from SQL
// (forward only, one row at a time into the side's columns): LEFT our ledger_entries, RIGHT the
// statement_lines of the same account (a bank's lines, or a provider's balance transactions).
struct ReconciliationInputs
{
    ReconSide ledger;
    ReconSide statement;

    // Rows in `skipLedger` / `skipStatement` are left out (those of confirmed matches reaching
    // beyond the range, which a run must not hand to the rules again).
    static Result<ReconciliationInputs> load(const Database &db, const QString &account, const QDate &from,
        const QDate &to, const QSet<qint64> &skipLedger = {}, const QSet<qint64> &skipStatement = {});
    // The rows of one side (aliased x) meeting `where`, as the matcher takes them: for the
    // suggestions of one selected row. Split statement lines are left out.
    static Result<QList<ReconItem>> items(
        const Database &db, RowSide side, const QString &where, const QVariantList &binds);
};
