#include "reconciliation/ReconciliationReport.h"

#include "core/Csv.h"
#include "core/Money.h"
#include "core/Redactor.h"
#include "reconciliation/AdjustmentStore.h"
#include "reconciliation/PeriodStore.h"
#include "store/SqlRun.h"

#include <QDateTime>
#include <QHash>
#include <QRegularExpression>

#include <algorithm>

namespace {
QString iso(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

QDate day(const QVariant &v)
{
    return QDate::fromString(v.toString(), Qt::ISODate);
}

// Free text as it may be shown: secrets out, one line.
QString clean(const QString &text)
{
    QString out = Redactor::redact(text);
    out.replace(QLatin1String("\r\n"), QLatin1String(" ")).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return out.replace(QLatin1Char('\r'), QLatin1Char(' ')).trimmed();
}

// One row of a match, as an auditor finds it again: our entry id and reference, or the bank's.
QString rowLabel(const QSqlQuery &q, int from)
{
    QStringList parts;
    for (int i = from; i < from + 3; ++i) {
        const QString part = clean(q.value(i).toString());
        // "INV-6" and "PAYMENT ACME INV-6" say INV-6 once.
        if (part.isEmpty()
            || std::any_of(parts.begin(), parts.end(), [&](const QString &p) { return p.contains(part); }))
            continue;
        parts.removeIf([&](const QString &p) { return part.contains(p); });
        parts << part;
    }
    return parts.join(QLatin1Char(' '));
}

// The rows of a match, "ledger" and "statement" apart.
struct MatchRows
{
    QStringList ledger;
    QStringList statement;
    QString joined() const
    {
        QStringList sides;
        if (!ledger.isEmpty())
            sides << QStringLiteral("ledger: ") + ledger.join(QStringLiteral("; "));
        if (!statement.isEmpty())
            sides << QStringLiteral("statement: ") + statement.join(QStringLiteral("; "));
        return sides.join(QStringLiteral(" | "));
    }
};

Result<MatchRows> rowsOf(const Database &db, qint64 matchId)
{
    auto q = runSql(db,
        QStringLiteral("SELECT r.side, l.entry_id, l.reference, l.description, s.refs, s.end_to_end_id, "
                       "s.description FROM reconciliation_match_rows r LEFT JOIN ledger_entries l ON r.side = "
                       "'ledger' AND l.id = r.row_id LEFT JOIN statement_lines s ON r.side = 'statement' AND s.id = "
                       "r.row_id WHERE r.match_id = ? ORDER BY r.side, r.row_id"),
        { matchId }, QStringLiteral("Cannot read the rows of match %1").arg(matchId));
    if (!q)
        return q.error();
    MatchRows rows;
    QSqlQuery &r = q.value();
    while (r.next()) {
        if (r.value(0).toString() == QLatin1String("ledger"))
            rows.ledger << rowLabel(r, 1);
        else
            rows.statement << rowLabel(r, 4);
    }
    return rows;
}

Result<QList<ReconciliationReport::RuleTotal>> readRuleTotals(const Database &db, const ReconciliationPeriod &p)
{
    auto q = runSql(db,
        QStringLiteral("SELECT rule, COUNT(*), COALESCE(SUM(ledger_minor), 0), COALESCE(SUM(statement_minor), 0) "
                       "FROM reconciliation_matches WHERE account = ? AND currency = ? AND cleared_on >= ? AND "
                       "cleared_on <= ? AND confirmed_by IS NOT NULL GROUP BY rule ORDER BY rule"),
        { p.account, p.currency, iso(p.from), iso(p.to) },
        QStringLiteral("Cannot add up the matches of period %1").arg(p.id));
    if (!q)
        return q.error();
    QList<ReconciliationReport::RuleTotal> out;
    QSqlQuery &r = q.value();
    while (r.next())
        out << ReconciliationReport::RuleTotal { r.value(0).toString(), r.value(1).toInt(), r.value(2).toLongLong(),
            r.value(3).toLongLong() };
    return out;
}

Result<QList<ReconciliationReport::ManualMatch>> readManualMatches(const Database &db, const ReconciliationPeriod &p)
{
    auto q = runSql(db,
        QStringLiteral("SELECT id, cleared_on, ledger_minor, statement_minor, confirmed_by, confirmed_at FROM "
                       "reconciliation_matches WHERE account = ? AND currency = ? AND cleared_on >= ? AND cleared_on "
                       "<= ? AND confirmed_by IS NOT NULL AND rule = 'manual' ORDER BY cleared_on, id"),
        { p.account, p.currency, iso(p.from), iso(p.to) },
        QStringLiteral("Cannot read the matches made by hand in period %1").arg(p.id));
    if (!q)
        return q.error();
    QList<ReconciliationReport::ManualMatch> out;
    QSqlQuery &r = q.value();
    while (r.next())
        out << ReconciliationReport::ManualMatch { r.value(0).toLongLong(), day(r.value(1)), r.value(2).toLongLong(),
            r.value(3).toLongLong(), {}, {}, r.value(4).toString(), r.value(5).toLongLong() };
    for (ReconciliationReport::ManualMatch &m : out) {
        auto rows = rowsOf(db, m.matchId);
        if (!rows)
            return rows.error();
        m.ledgerRows = rows->ledger.join(QStringLiteral("; "));
        m.statementRows = rows->statement.join(QStringLiteral("; "));
    }
    return out;
}

Result<QList<ReconciliationReport::AdjustmentLine>> readAdjustments(const Database &db, const ReconciliationPeriod &p)
{
    auto all = AdjustmentStore(db).list(p.account, false);
    if (!all)
        return all.error();
    QList<ReconciliationReport::AdjustmentLine> out;
    for (Adjustment a : all.value()) {
        if (a.currency != p.currency || !p.covers(a.day))
            continue;
        a.reason = clean(a.reason);
        a.decisionNote = clean(a.decisionNote);
        auto rows = rowsOf(db, a.matchId);
        if (!rows)
            return rows.error();
        out << ReconciliationReport::AdjustmentLine { a, rows->joined() };
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
        return std::pair(a.adjustment.day, a.adjustment.id) < std::pair(b.adjustment.day, b.adjustment.id);
    });
    return out;
}

// How a row that was an exception left the unmatched: its match, told by what settled it.
QString resolutionOf(
    qint64 matchId, const QString &rule, const QList<ReconciliationReport::AdjustmentLine> &adjustments)
{
    for (const ReconciliationReport::AdjustmentLine &a : adjustments) {
        if (a.adjustment.matchId == matchId && a.adjustment.kind == Adjustment::Kind::WriteOff)
            return QStringLiteral("written off (adjustment %1, %2)")
                .arg(a.adjustment.id)
                .arg(Adjustment::stateName(a.adjustment.state));
    }
    if (rule == QLatin1String("manual"))
        return QStringLiteral("matched by hand (match %1)").arg(matchId);
    return QStringLiteral("matched by rule %1 (match %2)").arg(rule).arg(matchId);
}

// The rows of the period on one side that are unmatched, or were exceptions: one query, the
// exception and the confirmed match (at most one: a row is in one match) joined on.
Status readExceptions(const Database &db, ReconciliationReport &report, RowSide side)
{
    const ReconciliationPeriod &p = report.period;
    const bool ledger = side == RowSide::Ledger;
    const QString sql
        = QStringLiteral(
            "SELECT x.id, x.%1, %2, %3, e.state, e.note, e.assignee, e.updated_by, e.updated_at, m.id, m.rule "
            "FROM %4 x LEFT JOIN reconciliation_exceptions e ON e.account = x.account AND e.side = '%5' AND "
            "e.row_id = x.id LEFT JOIN reconciliation_match_rows r ON r.account = x.account AND r.side = '%5' AND "
            "r.row_id = x.id LEFT JOIN reconciliation_matches m ON m.id = r.match_id AND m.confirmed_by IS NOT NULL "
            "WHERE x.account = ? AND x.currency = ? AND x.%1 >= ? AND x.%1 <= ? %6 AND (m.id IS NULL OR e.row_id IS "
            "NOT NULL) ORDER BY x.%1, x.id")
              .arg(ledger ? QStringLiteral("booked_on") : QStringLiteral("booking_date"),
                  ledger ? QStringLiteral("x.amount_minor") : QStringLiteral("x.amount_minor - x.fee_minor"),
                  ledger ? QStringLiteral("x.entry_id, x.reference, x.description, x.counterparty")
                         : QStringLiteral("x.refs, x.end_to_end_id, x.description, x.counterparty_name"),
                  ledger ? QStringLiteral("ledger_entries") : QStringLiteral("statement_lines"), rowSideName(side),
                  ledger ? QString() : QStringLiteral("AND x.is_split = 0"));
    auto q = runSql(db, sql, { p.account, p.currency, iso(p.from), iso(p.to) },
        QStringLiteral("Cannot read the unmatched %1 rows of period %2").arg(rowSideName(side)).arg(p.id));
    if (!q)
        return q.error();
    QSqlQuery &r = q.value();
    while (r.next()) {
        ReconciliationReport::ExceptionLine line;
        line.row = { side, r.value(0).toLongLong() };
        line.day = day(r.value(1));
        line.amountMinor = r.value(2).toLongLong();
        line.reference = rowLabel(r, 3);
        line.counterparty = clean(r.value(6).toString());
        line.state = r.value(7).isNull() ? QStringLiteral("open") : r.value(7).toString();
        line.note = clean(r.value(8).toString());
        line.assignee = clean(r.value(9).toString());
        line.updatedBy = r.value(10).toString();
        line.updatedAt = r.value(11).toLongLong();
        const bool matched = !r.value(12).isNull();
        if (matched) {
            line.resolution = resolutionOf(r.value(12).toLongLong(), r.value(13).toString(), report.adjustments);
            line.state = QStringLiteral("resolved");
            report.exceptionsResolved << line;
        } else if (line.state == QLatin1String("resolved")) {
            line.resolution = QStringLiteral("marked resolved, left unmatched");
            report.exceptionsResolved << line;
        } else {
            report.exceptionsLeft << line;
        }
    }
    return success();
}

QString csvTime(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QString();
}

// A person's text as a spreadsheet cell: never a formula (=, +, -, @ would start one).
QString csvText(const QString &text)
{
    static const QString starts = QStringLiteral("=+-@\t");
    if (!text.isEmpty() && starts.contains(text.front()))
        return Csv::field(QLatin1Char('\'') + text);
    return Csv::field(text);
}

const QStringList kCsvColumns = { QStringLiteral("section"), QStringLiteral("id"), QStringLiteral("date"),
    QStringLiteral("item"), QStringLiteral("rows"), QStringLiteral("count"), QStringLiteral("ledger_amount"),
    QStringLiteral("statement_amount"), QStringLiteral("amount"), QStringLiteral("currency"), QStringLiteral("state"),
    QStringLiteral("reason"), QStringLiteral("note"), QStringLiteral("by"), QStringLiteral("at"),
    QStringLiteral("decided_by"), QStringLiteral("decided_at"), QStringLiteral("assignee") };

// One CSV line by column name; the cells are already quoted.
class CsvLine
{
public:
    CsvLine &set(const QString &column, const QString &cell)
    {
        m_cells.insert(column, cell);
        return *this;
    }
    QString text() const
    {
        QStringList cells;
        for (const QString &c : kCsvColumns)
            cells << m_cells.value(c);
        return cells.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }

private:
    QHash<QString, QString> m_cells;
};
} // namespace

QString reportTime(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
              : QString();
}

Result<ReconciliationReport> ReconciliationReport::read(const Database &db, qint64 periodId, const QString &producedBy)
{
    ReconciliationReport report;
    auto period = PeriodStore(db).get(periodId);
    if (!period)
        return period.error();
    report.period = period.value();
    report.producedBy = producedBy;
    report.producedAt = nowMs();
    const ReconciliationPeriod &p = report.period;

    auto rules = readRuleTotals(db, p);
    if (!rules)
        return rules.error();
    report.rules = rules.value();
    for (const RuleTotal &t : report.rules)
        report.matchedMinor += t.ledgerMinor;
    auto manual = readManualMatches(db, p);
    if (!manual)
        return manual.error();
    report.manualMatches = manual.value();
    auto adjustments = readAdjustments(db, p);
    if (!adjustments)
        return adjustments.error();
    report.adjustments = adjustments.value();
    for (const AdjustmentLine &a : report.adjustments) {
        if (a.adjustment.state == Adjustment::State::Approved)
            report.adjustedMinor += a.adjustment.amountMinor;
        if (a.adjustment.state == Adjustment::State::Pending)
            ++report.pendingApprovals;
    }
    // The engine's own sum, so the report's difference is the one sign-off checked.
    auto cleared = PeriodStore(db).cleared(p);
    if (!cleared)
        return cleared.error();
    report.clearedMinor = cleared.value();
    auto difference = PeriodRules::difference(p.openingMinor, p.closingMinor, report.clearedMinor);
    if (!difference)
        return difference.error();
    report.differenceMinor = difference.value();

    for (RowSide side : { RowSide::Ledger, RowSide::Statement }) {
        if (Status read = readExceptions(db, report, side); !read)
            return read.error();
    }
    return report;
}

QString ReconciliationReport::amount(qint64 minor) const
{
    return Money::formatIn(minor, period.currency);
}

QString ReconciliationReport::fileName(const QString &suffix) const
{
    QString account = period.account;
    account.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    return QStringLiteral("reconciliation-%1-%2-%3-to-%4.%5")
        .arg(account, period.currency, iso(period.from), iso(period.to), suffix);
}

QString ReconciliationReport::stateText() const
{
    return period.signedOff ? QStringLiteral("signed off") : QStringLiteral("open");
}

QString ReconciliationReport::signOffText() const
{
    if (!period.signedOff)
        return QStringLiteral("Not signed off");
    return QStringLiteral("Signed off by %1 on %2").arg(period.signedOffBy, reportTime(period.signedOffAt));
}

QString ReconciliationReport::toCsv() const
{
    using Csv::field;
    QString csv = kCsvColumns.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    const QString currency = field(period.currency);
    const QString periodId = QString::number(period.id);
    auto summary = [&](const QString &item) {
        return CsvLine()
            .set(QStringLiteral("section"), QStringLiteral("summary"))
            .set(QStringLiteral("id"), periodId)
            .set(QStringLiteral("item"), item);
    };
    auto money = [&](const QString &item, const QDate &on, qint64 minor) {
        csv += summary(item)
                   .set(QStringLiteral("date"), iso(on))
                   .set(QStringLiteral("amount"), amount(minor))
                   .set(QStringLiteral("currency"), currency)
                   .text();
    };
    csv += summary(QStringLiteral("account")).set(QStringLiteral("reason"), csvText(period.account)).text();
    csv += summary(QStringLiteral("period"))
               .set(QStringLiteral("date"), iso(period.from))
               .set(QStringLiteral("reason"), field(iso(period.from) + QStringLiteral(" to ") + iso(period.to)))
               .set(QStringLiteral("currency"), currency)
               .set(QStringLiteral("state"), field(stateText()))
               .text();
    money(QStringLiteral("opening_balance"), period.from, period.openingMinor);
    money(QStringLiteral("matched"), period.to, matchedMinor);
    money(QStringLiteral("adjustments_approved"), period.to, adjustedMinor);
    money(QStringLiteral("cleared"), period.to, clearedMinor);
    money(QStringLiteral("closing_balance"), period.to, period.closingMinor);
    money(QStringLiteral("difference"), period.to, differenceMinor);
    csv += summary(QStringLiteral("balances_from")).set(QStringLiteral("reason"), field(period.balancesFrom)).text();
    csv += summary(QStringLiteral("signed_off"))
               .set(QStringLiteral("state"), field(stateText()))
               .set(QStringLiteral("by"), csvText(period.signedOffBy))
               .set(QStringLiteral("at"), csvTime(period.signedOff ? period.signedOffAt : 0))
               .text();
    csv += summary(QStringLiteral("produced"))
               .set(QStringLiteral("by"), csvText(producedBy))
               .set(QStringLiteral("at"), csvTime(producedAt))
               .text();
    csv += summary(QStringLiteral("pending_approvals"))
               .set(QStringLiteral("count"), QString::number(pendingApprovals))
               .text();

    for (const RuleTotal &t : rules)
        csv += CsvLine()
                   .set(QStringLiteral("section"), QStringLiteral("rule"))
                   .set(QStringLiteral("item"), csvText(t.rule))
                   .set(QStringLiteral("count"), QString::number(t.matches))
                   .set(QStringLiteral("ledger_amount"), amount(t.ledgerMinor))
                   .set(QStringLiteral("statement_amount"), amount(t.statementMinor))
                   .set(QStringLiteral("amount"), amount(t.statementMinor - t.ledgerMinor))
                   .set(QStringLiteral("currency"), currency)
                   .text();
    for (const ManualMatch &m : manualMatches) {
        QStringList rows;
        if (!m.ledgerRows.isEmpty())
            rows << QStringLiteral("ledger: ") + m.ledgerRows;
        if (!m.statementRows.isEmpty())
            rows << QStringLiteral("statement: ") + m.statementRows;
        csv += CsvLine()
                   .set(QStringLiteral("section"), QStringLiteral("manual_match"))
                   .set(QStringLiteral("id"), QString::number(m.matchId))
                   .set(QStringLiteral("date"), iso(m.clearedOn))
                   .set(QStringLiteral("item"), QStringLiteral("manual"))
                   .set(QStringLiteral("rows"), csvText(rows.join(QStringLiteral(" | "))))
                   .set(QStringLiteral("ledger_amount"), amount(m.ledgerMinor))
                   .set(QStringLiteral("statement_amount"), amount(m.statementMinor))
                   .set(QStringLiteral("amount"), amount(m.statementMinor - m.ledgerMinor))
                   .set(QStringLiteral("currency"), currency)
                   .set(QStringLiteral("state"), QStringLiteral("confirmed"))
                   .set(QStringLiteral("by"), csvText(m.confirmedBy))
                   .set(QStringLiteral("at"), csvTime(m.confirmedAt))
                   .text();
    }
    for (const AdjustmentLine &line : adjustments) {
        const Adjustment &a = line.adjustment;
        csv += CsvLine()
                   .set(QStringLiteral("section"), QStringLiteral("adjustment"))
                   .set(QStringLiteral("id"), QString::number(a.id))
                   .set(QStringLiteral("date"), iso(a.day))
                   .set(QStringLiteral("item"), Adjustment::kindName(a.kind))
                   .set(QStringLiteral("rows"), csvText(line.rows))
                   .set(QStringLiteral("amount"), amount(a.amountMinor))
                   .set(QStringLiteral("currency"), currency)
                   .set(QStringLiteral("state"), Adjustment::stateName(a.state))
                   .set(QStringLiteral("reason"), csvText(a.reason))
                   .set(QStringLiteral("note"), csvText(a.decisionNote))
                   .set(QStringLiteral("by"), csvText(a.proposedBy))
                   .set(QStringLiteral("at"), csvTime(a.proposedAt))
                   .set(QStringLiteral("decided_by"), csvText(a.decidedBy))
                   .set(QStringLiteral("decided_at"), csvTime(a.decidedAt))
                   .text();
    }
    auto exception = [&](const QString &section, const ExceptionLine &e) {
        csv += CsvLine()
                   .set(QStringLiteral("section"), section)
                   .set(QStringLiteral("id"), QString::number(e.row.id))
                   .set(QStringLiteral("date"), iso(e.day))
                   .set(QStringLiteral("item"), rowSideName(e.row.side))
                   .set(QStringLiteral("rows"),
                       csvText(e.counterparty.isEmpty() ? e.reference
                                                        : e.reference + QStringLiteral(" / ") + e.counterparty))
                   .set(QStringLiteral("amount"), amount(e.amountMinor))
                   .set(QStringLiteral("currency"), currency)
                   .set(QStringLiteral("state"), field(e.state))
                   .set(QStringLiteral("reason"), csvText(e.resolution))
                   .set(QStringLiteral("note"), csvText(e.note))
                   .set(QStringLiteral("by"), csvText(e.updatedBy))
                   .set(QStringLiteral("at"), csvTime(e.updatedAt))
                   .set(QStringLiteral("assignee"), csvText(e.assignee))
                   .text();
    };
    for (const ExceptionLine &e : exceptionsLeft)
        exception(QStringLiteral("exception_left"), e);
    for (const ExceptionLine &e : exceptionsResolved)
        exception(QStringLiteral("exception_resolved"), e);
    return csv;
}
