#pragma once

#include "core/Result.h"
#include "reconciliation/Match.h"
#include "reconciliation/ReconResult.h"

#include <QDate>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>

class Database;

// A match as stored (schema 17), with the booking dates its rows span.
struct StoredMatch
{
    qint64 id = 0;
    qint64 runId = 0;
    QString account;
    Match match; // left: ledger_entries ids, right: statement_lines ids
    QDate firstDay;
    QDate lastDay;
    QString confirmedBy; // empty: not confirmed
    qint64 confirmedAt = 0;
};

struct ReconciliationRun
{
    QString account;
    QDate from;
    QDate to;
    QByteArray rulesJson;
    qsizetype matches = 0;
    int confirmedKept = 0;
    qsizetype unmatchedLedger = 0;
    qsizetype unmatchedStatement = 0;
    QMap<QString, qint64> difference;
    QString ranBy;
};

// The reconciliation tables: runs, matches and the rows in them. A row is in at most one match
// of its account (the table's UNIQUE), so an account's unmatched rows in a range are those of
// the range in no match: unmatchedLedger/unmatchedStatement ask exactly that. Every write joins
// the caller's transaction when there is one.
class ReconciliationStore
{
public:
    explicit ReconciliationStore(const Database &db);

    // The account's matches with a row booked from `from` to `to` (inclusive), confirmed only
    // or all, rows included.
    Result<QList<StoredMatch>> overlapping(
        const QString &account, const QDate &from, const QDate &to, bool confirmedOnly) const;
    Result<StoredMatch> get(qint64 matchId) const;

    // Records `run` and replaces the account's unconfirmed matches touching the range by
    // `result`'s new ones (its confirmed ones are there already). `dayOf(side, id)` gives a
    // row's booking day (Julian), side 0 ledger, 1 statement. Prepared inserts, one pass.
    Result<qint64> replace(
        const ReconciliationRun &run, const ReconResult &result, const std::function<int(int side, qint64 id)> &dayOf);
    // Marks the match confirmed by `actor`; a Conflict when it already is.
    Status confirm(qint64 matchId, const QString &actor);

    // Row ids of the range in no match, by date then id.
    Result<QList<qint64>> unmatchedLedger(const QString &account, const QDate &from, const QDate &to) const;
    Result<QList<qint64>> unmatchedStatement(const QString &account, const QDate &from, const QDate &to) const;
    Result<qint64> matchCount(const QString &account) const;
    Result<qint64> runCount(const QString &account) const;

private:
    Result<QList<StoredMatch>> select(const QString &where, const QVariantList &binds) const;
    Result<QList<qint64>> ids(const QString &sql, const QString &account, const QDate &from, const QDate &to) const;
    Result<qint64> scalar(const QString &sql, const QString &account) const;

    const Database &m_db;
};
