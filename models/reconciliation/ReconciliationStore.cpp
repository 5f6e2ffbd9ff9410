#include "reconciliation/ReconciliationStore.h"

#include "store/Database.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {
QString iso(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

QString dayText(int julian)
{
    return QDate::fromJulianDay(julian).toString(Qt::ISODate);
}

QByteArray differenceJson(const QMap<QString, qint64> &difference)
{
    QJsonObject o;
    for (auto it = difference.begin(); it != difference.end(); ++it)
        o.insert(it.key(), it.value());
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// An unconfirmed match with a row in the range: a run of the range replaces it (its rows
// outside the range are unmatched until a run covers them).
const char kReplaced[] = "account = ? AND first_day <= ? AND last_day >= ? AND confirmed_by IS NULL";
} // namespace

ReconciliationStore::ReconciliationStore(const Database &db)
    : m_db(db)
{ }

Result<QList<StoredMatch>> ReconciliationStore::select(const QString &where, const QVariantList &binds) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT m.id, m.run_id, m.account, m.rule, m.score, m.why, m.currency, "
                             "m.difference_minor, m.first_day, m.last_day, m.confirmed_by, m.confirmed_at, r.side, "
                             "r.row_id, COALESCE(m.cleared_on, m.last_day), m.ledger_minor, m.statement_minor FROM "
                             "reconciliation_matches m JOIN reconciliation_match_rows r ON r.match_id "
                             "= m.id WHERE %1 ORDER BY m.id, r.side, r.row_id")
                  .arg(where));
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read reconciliation matches"), q);
    QList<StoredMatch> out;
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        if (out.isEmpty() || out.last().id != id) {
            StoredMatch s;
            s.id = id;
            s.runId = q.value(1).toLongLong();
            s.account = q.value(2).toString();
            s.match.rule = q.value(3).toString();
            s.match.score = q.value(4).toDouble();
            s.match.why = q.value(5).toString();
            s.match.currency = q.value(6).toString();
            s.match.differenceMinor = q.value(7).toLongLong();
            s.firstDay = QDate::fromString(q.value(8).toString(), Qt::ISODate);
            s.lastDay = QDate::fromString(q.value(9).toString(), Qt::ISODate);
            s.confirmedBy = q.value(10).toString();
            s.confirmedAt = q.value(11).toLongLong();
            s.match.confirmed = !s.confirmedBy.isEmpty();
            s.clearedOn = QDate::fromString(q.value(14).toString(), Qt::ISODate);
            s.ledgerMinor = q.value(15).toLongLong();
            s.statementMinor = q.value(16).toLongLong();
            out << s;
        }
        (q.value(12).toString() == QLatin1String("ledger") ? out.last().match.left : out.last().match.right)
            << q.value(13).toLongLong();
    }
    return out;
}

Result<QList<StoredMatch>> ReconciliationStore::overlapping(
    const QString &account, const QDate &from, const QDate &to, bool confirmedOnly) const
{
    return select(QStringLiteral("m.account = ? AND m.first_day <= ? AND m.last_day >= ?%1")
                      .arg(confirmedOnly ? QStringLiteral(" AND m.confirmed_by IS NOT NULL") : QString()),
        { account, iso(to), iso(from) });
}

Result<StoredMatch> ReconciliationStore::get(qint64 matchId) const
{
    auto found = select(QStringLiteral("m.id = ?"), { matchId });
    if (!found)
        return found.error();
    if (found->isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("There is no reconciliation match %1; reconsolectl reconcile lists what it stored.")
                .arg(matchId));
    return found->first();
}

namespace {
// Writes matches and their rows with two prepared statements, for a run's many or a person's one.
class MatchWriter
{
public:
    MatchWriter(
        const QSqlDatabase &c, qint64 runId, const QString &account, const ReconciliationStore::FactsOf &factsOf)
        : m_match(c)
        , m_row(c)
        , m_runId(runId)
        , m_account(account)
        , m_factsOf(factsOf)
    {
        m_match.prepare(QStringLiteral("INSERT INTO reconciliation_matches (run_id, account, rule, score, why, "
                                       "currency, difference_minor, first_day, last_day, cleared_on, ledger_minor, "
                                       "statement_minor, confirmed_by, confirmed_at, created_at) VALUES (?, ?, ?, ?, "
                                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
        m_row.prepare(QStringLiteral(
            "INSERT INTO reconciliation_match_rows (match_id, account, side, row_id) VALUES (?, ?, ?, ?)"));
    }

    // `confirmedBy` empty: a suggestion of the run.
    Result<qint64> write(const Match &m, const QString &confirmedBy)
    {
        int first = INT_MAX, last = INT_MIN, lastStatement = INT_MIN;
        qint64 sums[2] = { 0, 0 };
        for (int side = 0; side < 2; ++side) {
            for (qint64 id : side == 0 ? m.left : m.right) {
                const auto [day, amount] = m_factsOf(side, id);
                first = std::min(first, day);
                last = std::max(last, day);
                if (side == 1)
                    lastStatement = std::max(lastStatement, day);
                sums[side] += amount;
            }
        }
        const int cleared = lastStatement == INT_MIN ? last : lastStatement;
        const qint64 now = nowMs();
        int b = 0;
        for (const QVariant &v : { QVariant(m_runId), QVariant(m_account), sqlText(m.rule), QVariant(m.score),
                 sqlText(m.why), sqlText(m.currency), QVariant(m.differenceMinor), QVariant(dayText(first)),
                 QVariant(dayText(last)), QVariant(dayText(cleared)), QVariant(sums[0]), QVariant(sums[1]),
                 confirmedBy.isEmpty() ? QVariant() : QVariant(confirmedBy),
                 confirmedBy.isEmpty() ? QVariant() : QVariant(now), QVariant(now) })
            m_match.bindValue(b++, v);
        if (!m_match.exec() || !m_match.next())
            return storageError(QStringLiteral("Cannot store a %1 match of %2").arg(m.rule, m_account), m_match);
        const qint64 matchId = m_match.value(0).toLongLong();
        m_match.finish();
        for (int side = 0; side < 2; ++side) {
            for (qint64 id : side == 0 ? m.left : m.right) {
                m_row.bindValue(0, matchId);
                m_row.bindValue(1, m_account);
                m_row.bindValue(2, side == 0 ? m_ledger : m_statement);
                m_row.bindValue(3, id);
                if (!m_row.exec())
                    return storageError(QStringLiteral("Cannot store the rows of a %1 match of %2 (a row already in "
                                                       "another match?)")
                                            .arg(m.rule, m_account),
                        m_row);
            }
        }
        return matchId;
    }

private:
    QSqlQuery m_match;
    QSqlQuery m_row;
    qint64 m_runId;
    QString m_account;
    const ReconciliationStore::FactsOf &m_factsOf;
    const QVariant m_ledger { QStringLiteral("ledger") };
    const QVariant m_statement { QStringLiteral("statement") };
};

Result<qint64> insertRun(const QSqlDatabase &c, const ReconciliationRun &run)
{
    QSqlQuery q(c);
    q.prepare(QStringLiteral("INSERT INTO reconciliation_runs (account, from_date, to_date, rules, matches, "
                             "confirmed_kept, unmatched_ledger, unmatched_statement, difference, ran_at, ran_by) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    for (const QVariant &v : { QVariant(run.account), QVariant(iso(run.from)), QVariant(iso(run.to)),
             QVariant(QString::fromUtf8(run.rulesJson)), QVariant(qint64(run.matches)), QVariant(run.confirmedKept),
             QVariant(qint64(run.unmatchedLedger)), QVariant(qint64(run.unmatchedStatement)),
             QVariant(QString::fromUtf8(differenceJson(run.difference))), QVariant(nowMs()), sqlText(run.ranBy) })
        q.addBindValue(v);
    if (!q.exec() || !q.next())
        return storageError(QStringLiteral("Cannot record the reconciliation run of %1").arg(run.account), q);
    return q.value(0).toLongLong();
}
} // namespace

Result<qint64> ReconciliationStore::replace(
    const ReconciliationRun &run, const ReconResult &result, const FactsOf &factsOf)
{
    const QSqlDatabase c = m_db.connection();
    Transaction tx(c);
    auto runId = insertRun(c, run);
    if (!runId)
        return runId.error();

    const QVariantList range { run.account, iso(run.to), iso(run.from) };
    for (const QString &sql :
        { QStringLiteral("DELETE FROM reconciliation_match_rows WHERE match_id IN (SELECT id FROM "
                         "reconciliation_matches WHERE %1)"),
            QStringLiteral("DELETE FROM reconciliation_matches WHERE %1") }) {
        QSqlQuery d(c);
        d.prepare(sql.arg(QLatin1String(kReplaced)));
        for (const QVariant &v : range)
            d.addBindValue(v);
        if (!d.exec())
            return storageError(QStringLiteral("Cannot replace the unconfirmed matches of %1").arg(run.account), d);
    }

    MatchWriter writer(c, runId.value(), run.account, factsOf);
    for (qsizetype i = 0; i < result.matchCount(); ++i) {
        const Match m = result.match(i);
        if (m.confirmed)
            continue; // stored already, and kept as it is
        if (auto written = writer.write(m, {}); !written)
            return written.error();
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the reconciliation of %1").arg(run.account));
    return runId;
}

Result<qint64> ReconciliationStore::insertConfirmed(
    const QString &account, const Match &match, const QString &actor, const FactsOf &factsOf)
{
    const QSqlDatabase c = m_db.connection();
    Transaction tx(c);
    QDate from, to;
    for (int side = 0; side < 2; ++side)
        for (qint64 id : side == 0 ? match.left : match.right) {
            const QDate d = QDate::fromJulianDay(factsOf(side, id).first);
            from = from.isValid() ? std::min(from, d) : d;
            to = to.isValid() ? std::max(to, d) : d;
        }
    ReconciliationRun run { account, from, to, QByteArrayLiteral("{\"by_hand\":true}"), 1, 0, 0, 0, {}, actor };
    auto runId = insertRun(c, run);
    if (!runId)
        return runId.error();
    auto written = MatchWriter(c, runId.value(), account, factsOf).write(match, actor);
    if (!written)
        return written.error();
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit a match of %1").arg(account));
    return written;
}

Status ReconciliationStore::remove(qint64 matchId)
{
    for (const QString &sql : { QStringLiteral("DELETE FROM reconciliation_match_rows WHERE match_id = ?"),
             QStringLiteral("DELETE FROM reconciliation_matches WHERE id = ?") }) {
        QSqlQuery q(m_db.connection());
        q.prepare(sql);
        q.addBindValue(matchId);
        if (!q.exec())
            return storageError(QStringLiteral("Cannot undo match %1").arg(matchId), q);
    }
    return success();
}

Result<QList<RowFacts>> ReconciliationStore::rowFacts(RowSide side, const QList<qint64> &ids) const
{
    QList<RowFacts> out;
    QSqlQuery q(m_db.connection());
    q.prepare(side == RowSide::Ledger
            ? QStringLiteral(
                "SELECT id, account, currency, booked_on, amount_minor, 0 FROM ledger_entries WHERE id = ?")
            : QStringLiteral("SELECT id, account, currency, booking_date, amount_minor - fee_minor, is_split FROM "
                             "statement_lines WHERE id = ?"));
    for (qint64 id : ids) {
        q.addBindValue(id);
        if (!q.exec())
            return storageError(QStringLiteral("Cannot read %1 row %2").arg(rowSideName(side)).arg(id), q);
        if (!q.next())
            return failure(ErrorClass::Input,
                QStringLiteral("There is no %1 row %2.")
                    .arg(side == RowSide::Ledger ? QStringLiteral("ledger") : QStringLiteral("statement"))
                    .arg(id));
        out << RowFacts { q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
            QDate::fromString(q.value(3).toString(), Qt::ISODate), q.value(4).toLongLong(), q.value(5).toInt() != 0 };
        q.finish();
    }
    return out;
}

Result<qint64> ReconciliationStore::matchOf(const QString &account, const RowRef &row) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("SELECT match_id FROM reconciliation_match_rows WHERE account = ? AND side = ? AND row_id = ?"));
    q.addBindValue(account);
    q.addBindValue(rowSideName(row.side));
    q.addBindValue(row.id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up the match of a row of %1").arg(account), q);
    return q.next() ? q.value(0).toLongLong() : 0;
}

Result<QList<qint64>> ReconciliationStore::splitLine(qint64 lineId, const QList<qint64> &partsMinor)
{
    const QSqlDatabase c = m_db.connection();
    Transaction tx(c);
    QSqlQuery part(c);
    part.prepare(QStringLiteral(
        "INSERT INTO statement_lines (statement_id, account, identity, booking_date, value_date, amount_minor, "
        "currency, exponent, bank_entry_id, end_to_end_id, refs, counterparty_name, counterparty_account, description, "
        "source_line, fee_minor, payout_id, category, split_of) SELECT statement_id, account, identity || ?, "
        "booking_date, value_date, ?, currency, exponent, bank_entry_id, end_to_end_id, refs, counterparty_name, "
        "counterparty_account, description, source_line, 0, payout_id, category, id FROM statement_lines WHERE id = ? "
        "RETURNING id"));
    QList<qint64> ids;
    for (qsizetype k = 0; k < partsMinor.size(); ++k) {
        part.addBindValue(QStringLiteral("/%1").arg(k + 1));
        part.addBindValue(partsMinor[k]);
        part.addBindValue(lineId);
        if (!part.exec() || !part.next())
            return storageError(
                QStringLiteral("Cannot store part %1 of statement line %2").arg(k + 1).arg(lineId), part);
        ids << part.value(0).toLongLong();
        part.finish();
    }
    QSqlQuery mark(c);
    mark.prepare(QStringLiteral("UPDATE statement_lines SET is_split = 1 WHERE id = ? AND is_split = 0"));
    mark.addBindValue(lineId);
    if (!mark.exec())
        return storageError(QStringLiteral("Cannot mark statement line %1 split").arg(lineId), mark);
    if (mark.numRowsAffected() != 1)
        return failure(ErrorClass::Conflict, QStringLiteral("Statement line %1 was split meanwhile.").arg(lineId));
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the split of line %1").arg(lineId));
    return ids;
}

Result<QList<qint64>> ReconciliationStore::unconfirmedAbove(
    const QString &account, const QDate &from, const QDate &to, double minScore) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id FROM reconciliation_matches WHERE account = ? AND COALESCE(cleared_on, "
                             "last_day) >= ? AND COALESCE(cleared_on, last_day) <= ? AND confirmed_by IS NULL AND "
                             "score >= ? ORDER BY id"));
    q.addBindValue(account);
    q.addBindValue(iso(from));
    q.addBindValue(iso(to));
    q.addBindValue(minScore);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list the suggestions of %1").arg(account), q);
    QList<qint64> out;
    while (q.next())
        out << q.value(0).toLongLong();
    return out;
}

Status ReconciliationStore::confirm(qint64 matchId, const QString &actor)
{
    auto existing = get(matchId);
    if (!existing)
        return existing.error();
    if (!existing->confirmedBy.isEmpty())
        return failure(ErrorClass::Conflict,
            QStringLiteral("Match %1 was confirmed by %2 already.").arg(matchId).arg(existing->confirmedBy));
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE reconciliation_matches SET confirmed_by = ?, confirmed_at = ? WHERE id = ? AND "
                             "confirmed_by IS NULL"));
    q.addBindValue(actor);
    q.addBindValue(nowMs());
    q.addBindValue(matchId);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot confirm match %1").arg(matchId), q);
    if (q.numRowsAffected() != 1)
        return failure(ErrorClass::Conflict, QStringLiteral("Match %1 was confirmed meanwhile.").arg(matchId));
    return success();
}

Result<QList<qint64>> ReconciliationStore::ids(
    const QString &sql, const QString &account, const QDate &from, const QDate &to) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(sql);
    q.addBindValue(account);
    q.addBindValue(iso(from));
    q.addBindValue(iso(to));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list the unmatched rows of %1").arg(account), q);
    QList<qint64> out;
    while (q.next())
        out << q.value(0).toLongLong();
    return out;
}

Result<QList<qint64>> ReconciliationStore::unmatchedLedger(
    const QString &account, const QDate &from, const QDate &to) const
{
    return ids(QStringLiteral("SELECT l.id FROM ledger_entries l WHERE l.account = ? AND l.booked_on >= ? AND "
                              "l.booked_on <= ? AND NOT EXISTS (SELECT 1 FROM reconciliation_match_rows r WHERE "
                              "r.account = l.account AND r.side = 'ledger' AND r.row_id = l.id) ORDER BY l.booked_on, "
                              "l.id"),
        account, from, to);
}

Result<QList<qint64>> ReconciliationStore::unmatchedStatement(
    const QString &account, const QDate &from, const QDate &to) const
{
    return ids(QStringLiteral("SELECT s.id FROM statement_lines s WHERE s.account = ? AND s.booking_date >= ? AND "
                              "s.booking_date <= ? AND NOT EXISTS (SELECT 1 FROM reconciliation_match_rows r WHERE "
                              "r.account = s.account AND r.side = 'statement' AND r.row_id = s.id) ORDER BY "
                              "s.booking_date, s.id"),
        account, from, to);
}

Result<qint64> ReconciliationStore::scalar(const QString &sql, const QString &account) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(sql);
    q.addBindValue(account);
    if (!q.exec() || !q.next())
        return storageError(QStringLiteral("Cannot count the reconciliation of %1").arg(account), q);
    return q.value(0).toLongLong();
}

Result<qint64> ReconciliationStore::matchCount(const QString &account) const
{
    return scalar(QStringLiteral("SELECT COUNT(*) FROM reconciliation_matches WHERE account = ?"), account);
}

Result<qint64> ReconciliationStore::runCount(const QString &account) const
{
    return scalar(QStringLiteral("SELECT COUNT(*) FROM reconciliation_runs WHERE account = ?"), account);
}
