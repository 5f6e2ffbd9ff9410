#include "statements/StatementStore.h"

#include "store/Database.h"

#include <QSqlQuery>

namespace {
const QChar kUnit(0x1f); // between references in refs, which a bank's reference never holds

// Text columns are NOT NULL: an absent value is stored empty.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QVariant orNull(const std::optional<StatementBalance> &b, int field)
{
    if (!b)
        return QVariant();
    return field == 0 ? QVariant(b->minor)
        : field == 1  ? QVariant(b->currency)
                      : QVariant(b->date.toString(Qt::ISODate));
}
} // namespace

StatementWriter::StatementWriter(
    const Database &db, Transaction &tx, const QString &format, const QString &fileName, const QString &actor)
    : m_db(db)
    , m_tx(tx)
    , m_format(format)
    , m_fileName(fileName)
    , m_actor(actor)
    , m_insert(db.connection())
{
    m_insert.prepare(QStringLiteral(
        "INSERT INTO statement_lines (statement_id, account, identity, booking_date, value_date, amount_minor, "
        "currency, exponent, bank_entry_id, end_to_end_id, refs, counterparty_name, counterparty_account, "
        "description, source_line, fee_minor, payout_id, category) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (account, identity) DO NOTHING"));
}

Status StatementWriter::begin(const Statement &s)
{
    if (!m_tx.active())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot start storing %1.").arg(m_fileName));
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral(
        "INSERT INTO statements (account, reference, format, file_name, currency, opening_minor, opening_currency, "
        "opening_date, closing_minor, closing_currency, closing_date, imported_at, imported_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, reference) DO NOTHING"));
    for (const QVariant &v : { text(s.account), text(s.id), QVariant(m_format), text(m_fileName), text(s.currency),
             orNull(s.opening, 0), orNull(s.opening, 1), orNull(s.opening, 2), orNull(s.closing, 0),
             orNull(s.closing, 1), orNull(s.closing, 2), QVariant(nowMs()), text(m_actor) })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store the statement %1").arg(s.id), q);
    m_newStatement = q.numRowsAffected() > 0;
    QSqlQuery find(m_db.connection());
    find.prepare(QStringLiteral("SELECT id FROM statements WHERE account = ? AND reference = ?"));
    find.addBindValue(s.account);
    find.addBindValue(s.id);
    if (!find.exec() || !find.next())
        return storageError(QStringLiteral("Cannot find the statement %1 just stored").arg(s.id), find);
    m_statementId = find.value(0).toLongLong();
    m_account = s.account;
    ++m_result.statements;
    QSqlQuery locked(m_db.connection());
    locked.prepare(QStringLiteral("SELECT currency, from_date, to_date FROM reconciliation_periods WHERE account = ? "
                                  "AND state = 'signed_off'"));
    locked.addBindValue(s.account);
    if (!locked.exec())
        return storageError(QStringLiteral("Cannot read the signed-off periods of %1").arg(s.account), locked);
    m_locked.clear();
    while (locked.next())
        m_locked << LockedRange { locked.value(0).toString(), locked.value(1).toString(), locked.value(2).toString() };
    return success();
}

Status StatementWriter::add(const StatementLine &l)
{
    if (!m_locked.isEmpty()) {
        const QString day = l.bookingDate.toString(Qt::ISODate);
        for (const LockedRange &r : m_locked) {
            if (r.currency != l.currency || day < r.from || day > r.to)
                continue;
            // A line there already is a duplicate as ever; only a new one is kept out by the lock.
            QSqlQuery there(m_db.connection());
            there.prepare(QStringLiteral("SELECT 1 FROM statement_lines WHERE account = ? AND identity = ?"));
            there.addBindValue(m_account);
            there.addBindValue(l.identity);
            if (!there.exec())
                return storageError(
                    QStringLiteral("Cannot look up %1 line %2").arg(m_fileName).arg(l.sourceLine), there);
            ++(there.next() ? m_result.duplicatesSkipped : m_result.lockedSkipped);
            return success();
        }
    }
    int i = 0;
    for (const QVariant &v : { QVariant(m_statementId), text(m_account), text(l.identity),
             QVariant(l.bookingDate.toString(Qt::ISODate)), QVariant(l.valueDate.toString(Qt::ISODate)),
             QVariant(l.signedMinor()), text(l.currency), QVariant(l.exponent), text(l.bankEntryId), text(l.endToEndId),
             text(l.references.join(kUnit)), text(l.counterpartyName), text(l.counterpartyAccount), text(l.description),
             QVariant(l.sourceLine), QVariant(l.feeMinor), text(l.payoutId), text(l.category) })
        m_insert.bindValue(i++, v);
    if (!m_insert.exec())
        return storageError(QStringLiteral("Cannot store %1 line %2").arg(m_fileName).arg(l.sourceLine), m_insert);
    if (m_insert.numRowsAffected() > 0)
        ++m_result.linesImported;
    else
        ++m_result.duplicatesSkipped;
    return success();
}

Status StatementWriter::end(const Statement &s)
{
    // A format may give the closing balance after the lines (MT940's :62F:); a statement already
    // there keeps what it was first stored with.
    if (!m_newStatement)
        return success();
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("UPDATE statements SET currency = ?, opening_minor = ?, opening_currency = ?, "
                       "opening_date = ?, closing_minor = ?, closing_currency = ?, closing_date = ? WHERE id = ?"));
    for (const QVariant &v : { text(s.currency), orNull(s.opening, 0), orNull(s.opening, 1), orNull(s.opening, 2),
             orNull(s.closing, 0), orNull(s.closing, 1), orNull(s.closing, 2), QVariant(m_statementId) })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store the balances of statement %1").arg(s.id), q);
    return success();
}

StatementStore::StatementStore(const Database &db)
    : m_db(db)
{ }

Result<StatementImport> StatementStore::store(Transaction &tx, const QList<Statement> &statements,
    const QString &format, const QString &fileName, const QString &actor)
{
    StatementWriter writer(m_db, tx, format, fileName, actor);
    for (const Statement &s : statements) {
        if (Status begun = writer.begin(s); !begun)
            return begun.error();
        for (const StatementLine &l : s.lines) {
            if (Status added = writer.add(l); !added)
                return added.error();
        }
        if (Status ended = writer.end(s); !ended)
            return ended.error();
    }
    return writer.result();
}

Result<QList<StatementLine>> StatementStore::lines(const QString &account) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT booking_date, value_date, amount_minor, currency, exponent, bank_entry_id, "
                             "end_to_end_id, refs, counterparty_name, counterparty_account, description, "
                             "source_line, identity, fee_minor, payout_id, category, id FROM statement_lines "
                             "WHERE account = ? ORDER BY booking_date, id"));
    q.addBindValue(account);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list the statement lines of %1").arg(account), q);
    QList<StatementLine> lines;
    while (q.next()) {
        StatementLine l;
        l.bookingDate = QDate::fromString(q.value(0).toString(), Qt::ISODate);
        l.valueDate = QDate::fromString(q.value(1).toString(), Qt::ISODate);
        const qint64 amount = q.value(2).toLongLong();
        l.direction = amount < 0 ? Direction::Debit : Direction::Credit;
        l.amountMinor = amount < 0 ? -amount : amount;
        l.currency = q.value(3).toString();
        l.exponent = q.value(4).toInt();
        l.bankEntryId = q.value(5).toString();
        l.endToEndId = q.value(6).toString();
        l.references = q.value(7).toString().split(kUnit, Qt::SkipEmptyParts);
        l.counterpartyName = q.value(8).toString();
        l.counterpartyAccount = q.value(9).toString();
        l.description = q.value(10).toString();
        l.sourceLine = q.value(11).toInt();
        l.identity = q.value(12).toString();
        l.feeMinor = q.value(13).toLongLong();
        l.payoutId = q.value(14).toString();
        l.category = q.value(15).toString();
        l.rowId = q.value(16).toLongLong();
        lines << l;
    }
    return lines;
}

Result<qint64> StatementStore::lineCount() const
{
    QSqlQuery q(m_db.connection());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM statement_lines")) || !q.next())
        return storageError(QStringLiteral("Cannot count the statement lines"), q);
    return q.value(0).toLongLong();
}
