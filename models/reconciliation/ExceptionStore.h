#pragma once

#include "core/Result.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QDate>
#include <QList>

#include <optional>

class Database;

// What people said about unmatched rows (reconciliation_exceptions, schema 18), and how many of
// a period's unmatched rows are open exceptions.
class ExceptionStore
{
public:
    explicit ExceptionStore(const Database &db);

    Result<std::optional<RowException>> get(const QString &account, const RowRef &row) const;
    Status put(const RowException &exception);
    // Unmatched rows of the period booked before `olderThan` and not resolved.
    Result<qint64> openCount(const ReconciliationPeriod &period, const QDate &olderThan) const;
    // Rows of the period in no confirmed match, per side.
    Result<qint64> unmatchedCount(const ReconciliationPeriod &period, RowSide side) const;

    // The SQL condition "this row is in no confirmed match" for a row aliased `alias` of `side`.
    static QString notConfirmedMatched(RowSide side, const QString &alias);

private:
    Result<qint64> count(
        const ReconciliationPeriod &period, RowSide side, const QString &extra, const QVariantList &extraBinds) const;

    const Database &m_db;
};
