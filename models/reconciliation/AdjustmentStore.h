#pragma once

#include "core/Result.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QList>

#include <optional>

class Database;

// Adjustments and write-offs (reconciliation_adjustments) and the thresholds above which one
// needs a second person (approval_thresholds), schema 18.
class AdjustmentStore
{
public:
    explicit AdjustmentStore(const Database &db);

    Result<qint64> insert(const Adjustment &adjustment);
    Result<Adjustment> get(qint64 id) const;
    // One account's or all, pending only or every state, newest first.
    Result<QList<Adjustment>> list(const QString &account, bool pendingOnly) const;
    Result<QList<Adjustment>> ofMatch(qint64 matchId) const;
    Result<qint64> pendingCount(
        const QString &account, const QString &currency, const QDate &from, const QDate &to) const;
    // pending → approved or rejected by `by`; a Conflict when it was decided meanwhile.
    Status decide(qint64 id, Adjustment::State state, const QString &by, const QString &note);
    // Every adjustment of the match not yet rejected becomes reversed (its match was undone).
    Status reverseOfMatch(qint64 matchId, const QString &by, const QString &note);

    Result<std::optional<qint64>> threshold(const QString &account, const QString &currency) const;
    Status setThreshold(const QString &account, const QString &currency, qint64 thresholdMinor, const QString &by);

private:
    Result<QList<Adjustment>> select(const QString &where, const QVariantList &binds) const;

    const Database &m_db;
};
