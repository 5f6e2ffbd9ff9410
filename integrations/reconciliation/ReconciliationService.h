#pragma once

#include "core/Result.h"
#include "reconciliation/MatchRules.h"
#include "reconciliation/ReconResult.h"

#include <QDate>
#include <QMap>
#include <QString>

class AccessPolicy;
class Database;

// What a reconciliation of one account and range came to.
struct Reconciliation
{
    QString account;
    QDate from;
    QDate to;
    bool dryRun = false;
    qint64 runId = 0; // 0 for a dry run
    qsizetype ledgerRows = 0; // rows the range holds on each side
    qsizetype statementRows = 0;
    ReconResult result;
    // The unmatched rows' total per currency, each side (gross, signed).
    QMap<QString, qint64> unmatchedLedgerTotal;
    QMap<QString, qint64> unmatchedStatementTotal;
};

// How finance reconciles an account: our ledger against the bank's statement lines (account an
// IBAN) or a provider's balance transactions (account the provider id) over a date range. The
// matches a person confirmed are kept; everything else of the range is matched anew and stored
// with the run and its audit entry in one transaction (a dry run stores nothing).
class ReconciliationService
{
public:
    ReconciliationService(const Database &db, const AccessPolicy &access);

    Result<Reconciliation> reconcile(
        const QString &account, const QDate &from, const QDate &to, const MatchRules &rules, bool dryRun);

private:
    const Database &m_db;
    const AccessPolicy &m_access;
};
