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
                             "r.row_id FROM reconciliation_matches m JOIN reconciliation_match_rows r ON r.match_id "
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

Result<qint64> ReconciliationStore::replace(
    const ReconciliationRun &run, const ReconResult &result, const std::function<int(int side, qint64 id)> &dayOf)
{
    const QSqlDatabase c = m_db.connection();
    Transaction tx(c);
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
    const qint64 runId = q.value(0).toLongLong();
    q.finish();

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

    QSqlQuery match(c);
    match.prepare(QStringLiteral("INSERT INTO reconciliation_matches (run_id, account, rule, score, why, currency, "
                                 "difference_minor, first_day, last_day, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                                 "?, ?) RETURNING id"));
    QSqlQuery row(c);
    row.prepare(
        QStringLiteral("INSERT INTO reconciliation_match_rows (match_id, account, side, row_id) VALUES (?, ?, ?, ?)"));
    const qint64 now = nowMs();
    const QVariant ledger(QStringLiteral("ledger")), statement(QStringLiteral("statement"));
    for (qsizetype i = 0; i < result.matchCount(); ++i) {
        const Match m = result.match(i);
        if (m.confirmed)
            continue; // stored already, and kept as it is
        int first = INT_MAX, last = INT_MIN;
        for (qint64 id : m.left) {
            first = std::min(first, dayOf(0, id));
            last = std::max(last, dayOf(0, id));
        }
        for (qint64 id : m.right) {
            first = std::min(first, dayOf(1, id));
            last = std::max(last, dayOf(1, id));
        }
        int b = 0;
        for (const QVariant &v : { QVariant(runId), QVariant(run.account), sqlText(m.rule), QVariant(m.score),
                 sqlText(m.why), sqlText(m.currency), QVariant(m.differenceMinor), QVariant(dayText(first)),
                 QVariant(dayText(last)), QVariant(now) })
            match.bindValue(b++, v);
        if (!match.exec() || !match.next())
            return storageError(QStringLiteral("Cannot store a %1 match of %2").arg(m.rule, run.account), match);
        const qint64 matchId = match.value(0).toLongLong();
        match.finish();
        for (int side = 0; side < 2; ++side) {
            for (qint64 id : side == 0 ? m.left : m.right) {
                row.bindValue(0, matchId);
                row.bindValue(1, run.account);
                row.bindValue(2, side == 0 ? ledger : statement);
                row.bindValue(3, id);
                if (!row.exec())
                    return storageError(QStringLiteral("Cannot store the rows of a %1 match of %2 (a row already "
                                                       "in another match?)")
                                            .arg(m.rule, run.account),
                        row);
            }
        }
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the reconciliation of %1").arg(run.account));
    return runId;
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
