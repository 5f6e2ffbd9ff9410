#include "ledger/LedgerStore.h"

#include "store/Database.h"

#include <QSqlQuery>

namespace {
const char *kColumns = "entry_id, account, booked_on, amount_minor, currency, exponent, reference, counterparty, "
                       "description, entity_type, entity_id, source, source_detail, operation_id, created_at, "
                       "created_by";

LedgerEntry entryFrom(const QSqlQuery &q)
{
    LedgerEntry e;
    e.entryId = q.value(0).toString();
    e.account = q.value(1).toString();
    e.bookedOn = QDate::fromString(q.value(2).toString(), Qt::ISODate);
    e.amountMinor = q.value(3).toLongLong();
    e.currency = q.value(4).toString();
    e.exponent = q.value(5).toInt();
    e.reference = q.value(6).toString();
    e.counterparty = q.value(7).toString();
    e.description = q.value(8).toString();
    e.entityType = q.value(9).toString();
    e.entityId = q.value(10).toString();
    e.source = LedgerEntry::sourceFromName(q.value(11).toString()).value_or(LedgerEntry::Source::Import);
    e.sourceDetail = q.value(12).toString();
    e.operationId = q.value(13).isNull() ? 0 : q.value(13).toLongLong();
    e.createdAt = q.value(14).toLongLong();
    e.createdBy = q.value(15).toString();
    return e;
}

QString rangeCondition(const QDate &from, const QDate &to)
{
    return QStringLiteral("account = ?%1%2")
        .arg(from.isValid() ? QStringLiteral(" AND booked_on >= ?") : QString(),
            to.isValid() ? QStringLiteral(" AND booked_on <= ?") : QString());
}

void bindRange(QSqlQuery &q, const QString &account, const QDate &from, const QDate &to)
{
    q.addBindValue(account);
    if (from.isValid())
        q.addBindValue(from.toString(Qt::ISODate));
    if (to.isValid())
        q.addBindValue(to.toString(Qt::ISODate));
}
} // namespace

LedgerStore::LedgerStore(const Database &db)
    : m_db(db)
{ }

LedgerStore::~LedgerStore() = default;

Result<LedgerStore::Stored> LedgerStore::insert(const LedgerEntry &e)
{
    if (!m_insert) {
        m_insert = std::make_unique<QSqlQuery>(m_db.connection());
        // ON CONFLICT DO NOTHING, not a failed insert: on PostgreSQL a unique violation would
        // abort the import's whole transaction.
        if (!m_insert->prepare(QStringLiteral("INSERT INTO ledger_entries (%1, fingerprint) VALUES (?, ?, ?, ?, ?, ?, "
                                              "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entry_id) DO NOTHING")
                                   .arg(QLatin1String(kColumns)))) {
            Error error = storageError(QStringLiteral("Cannot store ledger entries"), *m_insert);
            m_insert.reset();
            return error;
        }
    }
    QSqlQuery &q = *m_insert;
    const QString fingerprint = e.fingerprint();
    int i = 0;
    for (const QVariant &v : { sqlText(e.entryId), sqlText(e.account), QVariant(e.bookedOn.toString(Qt::ISODate)),
             QVariant(e.amountMinor), sqlText(e.currency), QVariant(e.exponent), sqlText(e.reference),
             sqlText(e.counterparty), sqlText(e.description), sqlText(e.entityType), sqlText(e.entityId),
             QVariant(LedgerEntry::sourceName(e.source)), sqlText(e.sourceDetail),
             e.operationId > 0 ? QVariant(e.operationId) : QVariant(QMetaType::fromType<qint64>()),
             QVariant(e.createdAt > 0 ? e.createdAt : nowMs()), sqlText(e.createdBy), QVariant(fingerprint) })
        q.bindValue(i++, v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store ledger entry %1").arg(e.entryId), q);
    if (q.numRowsAffected() > 0)
        return Stored::New;

    // A re-imported file is all repeats: one prepared lookup of the fingerprint each, the whole
    // entry read only when it differs.
    if (!m_fingerprint) {
        m_fingerprint = std::make_unique<QSqlQuery>(m_db.connection());
        m_fingerprint->setForwardOnly(true);
        m_fingerprint->prepare(QStringLiteral("SELECT fingerprint FROM ledger_entries WHERE entry_id = ?"));
    }
    m_fingerprint->bindValue(0, e.entryId);
    if (!m_fingerprint->exec() || !m_fingerprint->next())
        return storageError(QStringLiteral("Cannot read ledger entry %1 back").arg(e.entryId), *m_fingerprint);
    const bool repeat = m_fingerprint->value(0).toString() == fingerprint;
    m_fingerprint->finish();
    if (repeat)
        return Stored::Repeat;
    QSqlQuery there(m_db.connection());
    there.prepare(
        QStringLiteral("SELECT %1, fingerprint FROM ledger_entries WHERE entry_id = ?").arg(QLatin1String(kColumns)));
    there.addBindValue(e.entryId);
    if (!there.exec() || !there.next())
        return storageError(QStringLiteral("Cannot read ledger entry %1 back").arg(e.entryId), there);
    const LedgerEntry earlier = entryFrom(there);
    return failure(ErrorClass::Conflict,
        QStringLiteral("entry %1 is already in the ledger (from %2) with another %3; an entry is never changed: book "
                       "a correcting entry under a new id")
            .arg(e.entryId,
                earlier.sourceDetail.isEmpty() ? LedgerEntry::sourceName(earlier.source) : earlier.sourceDetail,
                e.differences(earlier)));
}

Result<LedgerEntry> LedgerStore::get(const QString &entryId) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM ledger_entries WHERE entry_id = ?").arg(QLatin1String(kColumns)));
    q.addBindValue(entryId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read ledger entry %1").arg(entryId), q);
    if (!q.next())
        return failure(ErrorClass::Input, QStringLiteral("There is no ledger entry %1.").arg(entryId));
    return entryFrom(q);
}

Status LedgerStore::forEach(const QString &account, const QDate &from, const QDate &to,
    const std::function<bool(const LedgerEntry &)> &each) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true); // rows are not kept by the driver either
    q.prepare(QStringLiteral("SELECT %1 FROM ledger_entries WHERE %2 ORDER BY booked_on, id")
                  .arg(QLatin1String(kColumns), rangeCondition(from, to)));
    bindRange(q, account, from, to);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the ledger of %1").arg(account), q);
    while (q.next())
        if (!each(entryFrom(q)))
            break;
    return success();
}

Result<QList<LedgerEntry>> LedgerStore::list(const QString &account, const QDate &from, const QDate &to) const
{
    QList<LedgerEntry> entries;
    Status read = forEach(account, from, to, [&entries](const LedgerEntry &e) {
        entries << e;
        return true;
    });
    if (!read)
        return read.error();
    return entries;
}

Result<qint64> LedgerStore::count(const QString &account) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(account.isEmpty() ? QStringLiteral("SELECT COUNT(*) FROM ledger_entries")
                                : QStringLiteral("SELECT COUNT(*) FROM ledger_entries WHERE account = ?"));
    if (!account.isEmpty())
        q.addBindValue(account);
    if (!q.exec() || !q.next())
        return storageError(QStringLiteral("Cannot count the ledger entries"), q);
    return q.value(0).toLongLong();
}
