#include "reconciliation/ReconciliationInputs.h"

#include "store/Database.h"

#include <QSqlQuery>

namespace {
// The text after the SELECT list: account and range bound as ?, ?, ?.
Status readRows(const Database &db, const QString &sql, const QString &what, const QString &account, const QDate &from,
    const QDate &to, const QSet<qint64> &skip, ReconSide &side, void (*fill)(const QSqlQuery &, ReconItem &))
{
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return storageError(QStringLiteral("Cannot read the %1 of %2").arg(what, account), q);
    q.addBindValue(account);
    q.addBindValue(from.toString(Qt::ISODate));
    q.addBindValue(to.toString(Qt::ISODate));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the %1 of %2").arg(what, account), q);
    ReconItem item;
    while (q.next()) {
        item = ReconItem {};
        fill(q, item);
        if (!skip.contains(item.id))
            side.append(item);
    }
    return success();
}

int dayOf(const QSqlQuery &q, int column)
{
    return int(QDate::fromString(q.value(column).toString(), Qt::ISODate).toJulianDay());
}

void fillLedger(const QSqlQuery &q, ReconItem &item)
{
    item.id = q.value(0).toLongLong();
    item.reference = q.value(1).toString();
    item.amountMinor = q.value(2).toLongLong();
    item.currency = q.value(3).toString();
    item.day = dayOf(q, 4);
    item.description = q.value(5).toString();
}

const QChar kUnit(0x1f); // between references in statement_lines.refs (StatementStore)

// The bank's end-to-end id is the reference a ledger entry most often carries; the bank's entry
// id (a provider's txn_ id) and the further references (a provider line's ch_ source) may match
// too, so they go along as other references.
void fillStatement(const QSqlQuery &q, ReconItem &item)
{
    item.id = q.value(0).toLongLong();
    item.amountMinor = q.value(1).toLongLong();
    item.feeMinor = q.value(2).toLongLong();
    item.currency = q.value(3).toString();
    item.day = dayOf(q, 4);
    const QString endToEnd = q.value(5).toString();
    const QString entryId = q.value(6).toString();
    QStringList refs = q.value(7).toString().split(kUnit, Qt::SkipEmptyParts);
    if (!endToEnd.isEmpty())
        item.reference = endToEnd;
    else if (!refs.isEmpty())
        item.reference = refs.takeFirst();
    if (!entryId.isEmpty())
        refs.prepend(entryId);
    item.otherRefs = refs;
    item.groupId = q.value(8).toString();
    item.description = q.value(9).toString();
}
} // namespace

Result<QList<ReconItem>> ReconciliationInputs::items(
    const Database &db, RowSide side, const QString &where, const QVariantList &binds)
{
    const bool ledger = side == RowSide::Ledger;
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    q.prepare(
        (ledger ? QStringLiteral("SELECT x.id, x.reference, x.amount_minor, x.currency, x.booked_on, x.description "
                                 "FROM ledger_entries x WHERE %1 ORDER BY x.booked_on, x.id")
                : QStringLiteral("SELECT x.id, x.amount_minor, x.fee_minor, x.currency, x.booking_date, "
                                 "x.end_to_end_id, x.bank_entry_id, x.refs, x.payout_id, x.description FROM "
                                 "statement_lines x WHERE x.is_split = 0 AND (%1) ORDER BY x.booking_date, x.id"))
            .arg(where));
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the %1 rows").arg(rowSideName(side)), q);
    QList<ReconItem> out;
    while (q.next()) {
        ReconItem item;
        (ledger ? fillLedger : fillStatement)(q, item);
        out << item;
    }
    return out;
}

Result<ReconciliationInputs> ReconciliationInputs::load(const Database &db, const QString &account, const QDate &from,
    const QDate &to, const QSet<qint64> &skipLedger, const QSet<qint64> &skipStatement)
{
    ReconciliationInputs in;
    Status ledger = readRows(db,
        QStringLiteral("SELECT id, reference, amount_minor, currency, booked_on, description FROM ledger_entries "
                       "WHERE account = ? AND booked_on >= ? AND booked_on <= ? ORDER BY booked_on, id"),
        QStringLiteral("ledger entries"), account, from, to, skipLedger, in.ledger, fillLedger);
    if (!ledger)
        return ledger.error();
    Status statement = readRows(db,
        QStringLiteral("SELECT id, amount_minor, fee_minor, currency, booking_date, end_to_end_id, bank_entry_id, "
                       "refs, payout_id, description FROM statement_lines WHERE account = ? AND booking_date >= ? "
                       "AND booking_date <= ? AND is_split = 0 ORDER BY booking_date, id"),
        QStringLiteral("statement lines"), account, from, to, skipStatement, in.statement, fillStatement);
    if (!statement)
        return statement.error();
    return in;
}
