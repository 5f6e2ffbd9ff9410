#pragma once

#include "core/Result.h"
#include "reconciliation/Match.h"
#include "reconciliation/ReconResult.h"
#include "reconciliation/ReconciliationPeriod.h"

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
    QDate clearedOn; // its statement rows' last day, else its ledger rows'
    qint64 ledgerMinor = 0; // the ledger rows' total
    qint64 statementMinor = 0; // the statement rows' total, net of fees
};

// What a match needs to know of each of its rows. amountMinor is a ledger entry's amount, a
// statement line's net of its fee.
struct RowFacts
{
    qint64 id = 0;
    QString account;
    QString currency;
    QDate day;
    qint64 amountMinor = 0;
    bool split = false; // a statement line split into parts: only its parts are matched
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
    // `result`'s new ones (its confirmed ones are there already). `factsOf(side, id)` gives a
    // row's booking day (Julian) and amount, side 0 ledger, 1 statement. Prepared inserts, one pass.
    using FactsOf = std::function<std::pair<int, qint64>(int side, qint64 id)>;
    Result<qint64> replace(const ReconciliationRun &run, const ReconResult &result, const FactsOf &factsOf);
    // A match a person made (or took from a live suggestion), stored confirmed by `actor` with a
    // run of its own that records it.
    Result<qint64> insertConfirmed(
        const QString &account, const Match &match, const QString &actor, const FactsOf &factsOf);
    Status remove(qint64 matchId);
    // The rows as a match needs them, in the order of `ids`; an unknown id is an Input error.
    Result<QList<RowFacts>> rowFacts(RowSide side, const QList<qint64> &ids) const;
    // The match holding the row, if any (0 when none).
    Result<qint64> matchOf(const QString &account, const RowRef &row) const;
    // Parts of a statement line as lines of their own (identity the line's plus /1, /2, …,
    // split_of the line), the line marked split; the parts' ids in order.
    Result<QList<qint64>> splitLine(qint64 lineId, const QList<qint64> &partsMinor);
    // Ids of the account's unconfirmed matches cleared from..to scoring at least `minScore`.
    Result<QList<qint64>> unconfirmedAbove(
        const QString &account, const QDate &from, const QDate &to, double minScore) const;
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
