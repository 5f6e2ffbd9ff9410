#include "reconciliation/ExceptionStore.h"

#include "store/SqlRun.h"

namespace {
// Each side's table, its booking date column, and what keeps a row out of reconciliation.
struct SideTable
{
    const char *table;
    const char *date;
    const char *live;
};

SideTable tableOf(RowSide side)
{
    return side == RowSide::Ledger ? SideTable { "ledger_entries", "booked_on", "1 = 1" }
                                   : SideTable { "statement_lines", "booking_date", "x.is_split = 0" };
}
} // namespace

ExceptionStore::ExceptionStore(const Database &db)
    : m_db(db)
{ }

QString ExceptionStore::notConfirmedMatched(RowSide side, const QString &alias)
{
    return QStringLiteral("NOT EXISTS (SELECT 1 FROM reconciliation_match_rows mr JOIN reconciliation_matches mm ON "
                          "mm.id = mr.match_id WHERE mr.account = %1.account AND mr.side = '%2' AND mr.row_id = %1.id "
                          "AND mm.confirmed_by IS NOT NULL)")
        .arg(alias, rowSideName(side));
}

Result<std::optional<RowException>> ExceptionStore::get(const QString &account, const RowRef &row) const
{
    auto q = runSql(m_db,
        QStringLiteral("SELECT state, note, assignee, updated_by, updated_at FROM reconciliation_exceptions WHERE "
                       "account = ? AND side = ? AND row_id = ?"),
        { account, rowSideName(row.side), row.id }, QStringLiteral("Cannot read the exception of %1").arg(account));
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<RowException>();
    RowException e;
    e.account = account;
    e.row = row;
    e.state = RowException::stateFromName(q->value(0).toString()).value_or(RowException::State::Open);
    e.note = q->value(1).toString();
    e.assignee = q->value(2).toString();
    e.updatedBy = q->value(3).toString();
    e.updatedAt = q->value(4).toLongLong();
    return std::optional<RowException>(e);
}

Status ExceptionStore::put(const RowException &e)
{
    auto q = runSql(m_db,
        QStringLiteral("INSERT INTO reconciliation_exceptions (account, side, row_id, state, note, assignee, "
                       "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, side, row_id) "
                       "DO UPDATE SET state = excluded.state, note = excluded.note, assignee = excluded.assignee, "
                       "updated_by = excluded.updated_by, updated_at = excluded.updated_at"),
        { e.account, rowSideName(e.row.side), e.row.id, RowException::stateName(e.state), sqlText(e.note),
            sqlText(e.assignee), e.updatedBy, nowMs() },
        QStringLiteral("Cannot store the exception of %1 row %2").arg(rowSideName(e.row.side)).arg(e.row.id));
    return q ? success() : Status(q.error());
}

Result<qint64> ExceptionStore::count(
    const ReconciliationPeriod &p, RowSide side, const QString &extra, const QVariantList &extraBinds) const
{
    const SideTable t = tableOf(side);
    QVariantList binds { p.account, p.currency, p.from.toString(Qt::ISODate), p.to.toString(Qt::ISODate) };
    binds << extraBinds;
    auto q = runSql(m_db,
        QStringLiteral("SELECT COUNT(*) FROM %1 x WHERE x.account = ? AND x.currency = ? AND x.%2 >= ? AND x.%2 <= ? "
                       "AND %3 AND %4%5")
            .arg(QLatin1String(t.table), QLatin1String(t.date), QLatin1String(t.live),
                notConfirmedMatched(side, QStringLiteral("x")), extra),
        binds, QStringLiteral("Cannot count the unmatched rows of %1").arg(p.label()));
    if (!q)
        return q.error();
    return q.value().next() ? q->value(0).toLongLong() : 0;
}

Result<qint64> ExceptionStore::unmatchedCount(const ReconciliationPeriod &period, RowSide side) const
{
    return count(period, side, {}, {});
}

Result<qint64> ExceptionStore::openCount(const ReconciliationPeriod &period, const QDate &olderThan) const
{
    qint64 total = 0;
    for (RowSide side : { RowSide::Ledger, RowSide::Statement }) {
        auto n = count(period, side,
            QStringLiteral(" AND x.%1 < ? AND NOT EXISTS (SELECT 1 FROM reconciliation_exceptions e WHERE e.account = "
                           "x.account AND e.side = '%2' AND e.row_id = x.id AND e.state = 'resolved')")
                .arg(QLatin1String(tableOf(side).date), rowSideName(side)),
            { olderThan.toString(Qt::ISODate) });
        if (!n)
            return n.error();
        total += n.value();
    }
    return total;
}
