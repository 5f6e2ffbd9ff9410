#include "reconciliation/ReconRowsQuery.h"

#include "core/Money.h"
#include "store/Database.h"
#include "store/SqlDialect.h"

#include <QRegularExpression>
#include <QSqlQuery>

namespace {
const QChar kUnit(0x1f); // between a statement line's references (StatementStore)

// Both sides' rows come out in the same columns, so one reader serves them.
enum Col
{
    cId,
    cDay,
    cAmount,
    cFee,
    cCurrency,
    cReference,
    cRefs,
    cBankEntry,
    cCounterparty,
    cDescription,
    cEntityType,
    cEntityId,
    cOperation,
    cPayout,
    cMatch,
    cRule,
    cScore,
    cExState,
    cExNote,
    cExAssignee,
    cExBy,
    cExAt,
    cKey
};

QString table(RowSide side)
{
    return side == RowSide::Ledger ? QStringLiteral("ledger_entries") : QStringLiteral("statement_lines");
}

QString dayColumn(RowSide side)
{
    return side == RowSide::Ledger ? QStringLiteral("t.booked_on") : QStringLiteral("t.booking_date");
}

// The fields the text filter searches, joined: one LIKE per row instead of one per field, and
// the very text the search index holds (schema 19).
QString searchText(RowSide side)
{
    return side == RowSide::Ledger
        ? QStringLiteral("(t.reference || ' ' || t.counterparty || ' ' || t.description || ' ' || t.entity_id)")
        : QStringLiteral("(t.end_to_end_id || ' ' || t.refs || ' ' || t.bank_entry_id || ' ' || t.counterparty_name || "
                         "' ' || t.description)");
}

// Fewer rows than this hold a rare text: its ids are read out of the index once and the few
// rows sorted. More, and one in a hundred rows or more holds it, so the walk by date or amount
// finds a page within a few thousand rows.
constexpr int kRareMatches = 10000;

// The ids of the side's rows whose searched fields hold `text`, out of the search index
// (schema 19), when fewer than kRareMatches do. Where the index cannot answer (text shorter
// than a trigram) or fails, none: testing each row is never wrong, only slower.
std::optional<QList<qint64>> rareTextIds(const Database &db, RowSide side, const QString &text)
{
    const SqlDialect &dialect = db.dialect();
    if (!dialect.searchIndexCan(text))
        return std::nullopt;
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id FROM %1 WHERE %2 LIMIT %3")
                  .arg(table(side), dialect.searchIndexMatch(table(side), text))
                  .arg(kRareMatches));
    for (const QString &value : dialect.searchIndexValues(text))
        q.addBindValue(value);
    if (!q.exec())
        return std::nullopt;
    QList<qint64> ids;
    while (q.next())
        ids << q.value(0).toLongLong();
    if (ids.size() >= kRareMatches)
        return std::nullopt;
    return ids;
}

QString sortColumn(RowSide side, ReconColumn column)
{
    return column == ReconColumn::Amount ? QStringLiteral("t.amount_minor") : dayColumn(side);
}

// In no confirmed match. Not "m.confirmed_by IS NULL" on the joined match: PostgreSQL takes
// that for a rare row and sorts every text match instead of walking the date index to a page.
QString notConfirmed(RowSide side)
{
    return QStringLiteral("NOT EXISTS (SELECT 1 FROM reconciliation_match_rows cr JOIN reconciliation_matches cm ON "
                          "cm.id = cr.match_id WHERE cr.account = t.account AND cr.side = '%1' AND cr.row_id = t.id "
                          "AND cm.confirmed_by IS NOT NULL)")
        .arg(rowSideName(side));
}

// The columns of Col, for the side; exceptions' columns NULL unless joined.
QString selectList(RowSide side, bool exceptions)
{
    const QString side1 = side == RowSide::Ledger
        ? QStringLiteral("t.id, t.booked_on, t.amount_minor, 0, t.currency, t.reference, '', '', t.counterparty, "
                         "t.description, t.entity_type, t.entity_id, t.operation_id, ''")
        : QStringLiteral("t.id, t.booking_date, t.amount_minor, t.fee_minor, t.currency, t.end_to_end_id, t.refs, "
                         "t.bank_entry_id, t.counterparty_name, t.description, '', '', NULL, t.payout_id");
    const QString ex = exceptions
        ? QStringLiteral("e.state, e.note, e.assignee, e.updated_by, e.updated_at")
        : QStringLiteral("CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), NULL");
    return QStringLiteral("%1, m.id, m.rule, m.score, %2").arg(side1, ex);
}

QString joins(RowSide side, bool exceptions)
{
    const QString name = rowSideName(side);
    QString sql = QStringLiteral(" LEFT JOIN reconciliation_match_rows r ON r.account = t.account AND r.side = '%1' "
                                 "AND r.row_id = t.id LEFT JOIN reconciliation_matches m ON m.id = r.match_id")
                      .arg(name);
    if (exceptions)
        sql += QStringLiteral(" LEFT JOIN reconciliation_exceptions e ON e.account = t.account AND e.side = '%1' AND "
                              "e.row_id = t.id")
                   .arg(name);
    return sql;
}

ReconRow rowFrom(RowSide side, const QSqlQuery &q)
{
    ReconRow r;
    r.side = side;
    r.id = q.value(cId).toLongLong();
    r.day = QDate::fromString(q.value(cDay).toString(), Qt::ISODate);
    r.amountMinor = q.value(cAmount).toLongLong();
    r.feeMinor = q.value(cFee).toLongLong();
    r.currency = q.value(cCurrency).toString();
    r.references = q.value(cRefs).toString().split(kUnit, Qt::SkipEmptyParts);
    const QString reference = q.value(cReference).toString();
    if (const QString bankEntry = q.value(cBankEntry).toString(); !bankEntry.isEmpty())
        r.references << bankEntry;
    if (!reference.isEmpty())
        r.references.prepend(reference);
    r.references.removeDuplicates();
    r.reference = r.references.value(0);
    r.counterparty = q.value(cCounterparty).toString();
    r.description = q.value(cDescription).toString();
    r.entityType = q.value(cEntityType).toString();
    r.entityId = q.value(cEntityId).toString();
    r.operationId = q.value(cOperation).toLongLong();
    r.payoutId = q.value(cPayout).toString();
    r.suggestionMatchId = q.value(cMatch).toLongLong();
    r.suggestionRule = q.value(cRule).toString();
    r.suggestionScore = q.value(cScore).toDouble();
    if (const auto state = RowException::stateFromName(q.value(cExState).toString()))
        r.exceptionState = *state;
    r.exceptionNote = q.value(cExNote).toString();
    r.exceptionAssignee = q.value(cExAssignee).toString();
    r.exceptionUpdatedBy = q.value(cExBy).toString();
    r.exceptionUpdatedAt = q.value(cExAt).toLongLong();
    r.sortValue = q.value(cKey);
    return r;
}

void bindAll(QSqlQuery &q, const QVariantList &values)
{
    for (const QVariant &v : values)
        q.addBindValue(v);
}
} // namespace

std::optional<AmountFilter> AmountFilter::parse(const QString &input, int exponent)
{
    QString text = input.trimmed();
    text.remove(QLatin1Char(' '));
    text.remove(QChar(0x202f)); // a narrow no-break space, as locales group thousands
    if (text.isEmpty())
        return AmountFilter {};
    auto amount = [exponent](QStringView t) -> std::optional<qint64> {
        QString plain = t.toString();
        plain.replace(QChar(0x2212), QLatin1Char('-')); // the minus sign of formatted amounts
        if (plain.count(QLatin1Char(',')) == 1 && !plain.contains(QLatin1Char('.')))
            plain.replace(QLatin1Char(','), QLatin1Char('.')); // "120,50"
        else
            plain.remove(QLatin1Char(',')); // "1,200.50"
        return Money::parseMajor(plain, exponent);
    };
    AmountFilter f;
    if (const qsizetype dots = text.indexOf(QLatin1String("..")); dots >= 0) {
        const auto low = amount(QStringView(text).left(dots));
        const auto high = amount(QStringView(text).mid(dots + 2));
        if (!low || !high || *low > *high)
            return std::nullopt;
        f.minMinor = low;
        f.maxMinor = high;
        return f;
    }
    for (const char *op : { ">=", "<=", ">", "<" }) {
        const QLatin1String prefix(op);
        if (!text.startsWith(prefix))
            continue;
        const auto value = amount(QStringView(text).mid(prefix.size()));
        if (!value)
            return std::nullopt;
        const bool strict = prefix.size() == 1;
        if (op[0] == '>')
            f.minMinor = strict ? *value + 1 : *value;
        else
            f.maxMinor = strict ? *value - 1 : *value;
        return f;
    }
    const auto value = amount(text);
    if (!value)
        return std::nullopt;
    f.minMinor = f.maxMinor = value;
    f.eitherSign
        = !text.startsWith(QLatin1Char('-')) && !text.startsWith(QChar(0x2212)) && !text.startsWith(QLatin1Char('+'));
    return f;
}

ReconRowsScope ReconRowsScope::of(const ReconciliationPeriod &period)
{
    return { period.account, period.currency, period.from, period.to, std::nullopt, {} };
}

ReconRowsQuery::ReconRowsQuery(RowSide side, const ReconRowsScope &scope, const ReconRowsFilter &filter,
    const ReconRowsSort &sort, const Database &db)
    : m_side(side)
    , m_sort(sort)
    , m_exceptions(scope.bookedBefore.has_value())
{
    const SqlDialect &dialect = db.dialect();
    if (!isSortable(m_sort.column))
        m_sort.column = ReconColumn::Date;
    // Sorted or filtered by amount, the amount index is the way in: the period's dates are then
    // tested on each row, or SQLite would read the whole period by date and sort it.
    const bool byAmount = m_sort.column == ReconColumn::Amount || !filter.amount.isEmpty();
    const QString day = byAmount ? dialect.unindexed(dayColumn(side)) : dayColumn(side);
    // By date through the amount index: the few rows of an amount sorted, not the period's
    // date index walked for them.
    m_sortSql = !filter.amount.isEmpty() && m_sort.column == ReconColumn::Date
        ? dialect.unindexed(sortColumn(side, m_sort.column))
        : sortColumn(side, m_sort.column);
    QStringList clauses { QStringLiteral("t.account = ?"), QStringLiteral("t.currency = ?"),
        day + QStringLiteral(" >= ?"), day + QStringLiteral(" <= ?"), notConfirmed(side) };
    m_values << sqlText(scope.account) << sqlText(scope.currency) << scope.from.toString(Qt::ISODate)
             << scope.to.toString(Qt::ISODate);
    if (side == RowSide::Statement)
        clauses << QStringLiteral("t.is_split = 0");
    if (scope.bookedBefore) {
        clauses << day + QStringLiteral(" < ?");
        m_values << scope.bookedBefore->toString(Qt::ISODate);
        if (!scope.exceptionStates.isEmpty()) {
            QStringList marks;
            for (RowException::State s : scope.exceptionStates) {
                marks << QStringLiteral("?");
                m_values << RowException::stateName(s);
            }
            clauses << QStringLiteral("COALESCE(e.state, 'open') IN (%1)").arg(marks.join(QStringLiteral(", ")));
        }
    }
    const AmountFilter &a = filter.amount;
    if (a.eitherSign && a.minMinor) {
        clauses << QStringLiteral("t.amount_minor IN (?, ?)");
        m_values << *a.minMinor << -*a.minMinor;
    } else {
        if (a.minMinor) {
            clauses << QStringLiteral("t.amount_minor >= ?");
            m_values << *a.minMinor;
        }
        if (a.maxMinor) {
            clauses << QStringLiteral("t.amount_minor <= ?");
            m_values << *a.maxMinor;
        }
    }
    if (const QString text = filter.text.trimmed(); !text.isEmpty()) {
        // A rare text is looked up in the search index (schema 19); a common one is tested on
        // each row the walk by date or amount reaches, which soon fills a page, where the index
        // would hand over every match to be sorted first. PostgreSQL tells one from the other
        // itself, by its statistics of the indexed column; SQLite is asked how many the index holds.
        if (const QString indexed = dialect.searchEachRow(table(side), text); !indexed.isEmpty()) {
            clauses << indexed;
            m_values << SqlDialect::likeContaining(text);
        } else if (const auto ids = rareTextIds(db, side, text)) {
            // Written out, not bound: integers the index gave, and one list where thousands of
            // `?` would be; the index is not asked twice.
            QStringList list;
            for (qint64 id : *ids)
                list << QString::number(id);
            clauses << (list.isEmpty() ? QStringLiteral("0 = 1")
                                       : QStringLiteral("t.id IN (%1)").arg(list.join(QLatin1Char(','))));
        } else {
            clauses << dialect.like(searchText(side));
            m_values << SqlDialect::likeContaining(text);
        }
    }
    m_where = QStringLiteral(" WHERE ") + clauses.join(QStringLiteral(" AND "));
}

QString ReconRowsQuery::sql(bool fromKey, int limit) const
{
    const QString &col = m_sortSql;
    const bool descending = m_sort.order == Qt::DescendingOrder;
    const QString dir = descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    QString where = m_where;
    if (fromKey)
        where += QStringLiteral(" AND (%1, t.id) %2 (?, ?)")
                     .arg(col, descending ? QStringLiteral("<") : QStringLiteral(">"));
    return QStringLiteral("SELECT %1, %2 FROM %3 t%4%5 ORDER BY %2 %6, t.id %6 LIMIT %7")
        .arg(selectList(m_side, m_exceptions), col, table(m_side), joins(m_side, m_exceptions), where, dir)
        .arg(limit);
}

Result<QList<ReconRow>> ReconRowsQuery::page(
    const Database &db, const std::optional<std::pair<QVariant, qint64>> &after, int limit) const
{
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    q.prepare(sql(after.has_value(), limit));
    bindAll(q, m_values);
    if (after) {
        q.addBindValue(after->first);
        q.addBindValue(after->second);
    }
    if (!q.exec())
        return storageError(QStringLiteral("Cannot list the unmatched %1 rows").arg(rowSideName(m_side)), q);
    QList<ReconRow> rows;
    rows.reserve(limit);
    while (q.next())
        rows << rowFrom(m_side, q);
    return rows;
}

Result<qint64> ReconRowsQuery::countUpTo(const Database &db, int limit) const
{
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM %1 t%2%3 LIMIT %4) bounded")
                  .arg(table(m_side), joins(m_side, m_exceptions), m_where)
                  .arg(limit));
    bindAll(q, m_values);
    if (!q.exec() || !q.next())
        return storageError(QStringLiteral("Cannot count the unmatched %1 rows").arg(rowSideName(m_side)), q);
    return q.value(0).toLongLong();
}

Result<QList<ReconRow>> ReconRowsQuery::byIds(const Database &db, RowSide side, const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return QList<ReconRow> {};
    QStringList marks;
    for (qsizetype i = 0; i < ids.size(); ++i)
        marks << QStringLiteral("?");
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1, t.id FROM %2 t%3 WHERE t.id IN (%4)")
                  .arg(selectList(side, false), table(side), joins(side, false), marks.join(QStringLiteral(", "))));
    for (qint64 id : ids)
        q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read the %1 rows").arg(rowSideName(side)), q);
    QHash<qint64, ReconRow> found;
    while (q.next()) {
        ReconRow r = rowFrom(side, q);
        found.insert(r.id, r);
    }
    QList<ReconRow> rows;
    for (qint64 id : ids)
        if (const auto it = found.constFind(id); it != found.constEnd())
            rows << *it;
    return rows;
}

Result<RowLink> ReconRowsQuery::linkOf(const Database &db, const ReconRow &row)
{
    RowLink link { row.entityId, row.operationId };
    QSqlQuery q(db.connection());
    if (row.side == RowSide::Ledger) {
        if (link.operationId && link.entityId.isEmpty()) {
            q.prepare(QStringLiteral("SELECT entity_id FROM operations WHERE id = ?"));
            q.addBindValue(link.operationId);
        } else if (!link.operationId && !link.entityId.isEmpty()) {
            q.prepare(QStringLiteral("SELECT id FROM operations WHERE entity_id = ? ORDER BY id DESC LIMIT 1"));
            q.addBindValue(link.entityId);
        } else {
            return link;
        }
        if (!q.exec())
            return storageError(QStringLiteral("Cannot look up the row's operation"), q);
        if (q.next()) {
            if (link.entityId.isEmpty())
                link.entityId = q.value(0).toString();
            else
                link.operationId = q.value(0).toLongLong();
        }
        return link;
    }
    // A statement line names the payment by the references the bank or provider passed on:
    // an operation's provider id (pi_…, ch_…) or the entity it is about (an order, an invoice).
    QStringList candidates = row.references;
    if (!row.payoutId.isEmpty())
        candidates << row.payoutId;
    candidates.removeAll(QString());
    if (candidates.isEmpty())
        return link;
    QStringList marks;
    for (qsizetype i = 0; i < candidates.size(); ++i)
        marks << QStringLiteral("?");
    const QString in = marks.join(QStringLiteral(", "));
    q.prepare(QStringLiteral("SELECT id, entity_id FROM operations WHERE external_id IN (%1) OR entity_id IN (%1) "
                             "ORDER BY id DESC LIMIT 1")
                  .arg(in));
    for (int pass = 0; pass < 2; ++pass)
        for (const QString &c : candidates)
            q.addBindValue(c);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up the line's operation"), q);
    if (q.next())
        link = { q.value(1).toString(), q.value(0).toLongLong() };
    return link;
}

Result<QList<AccountCurrency>> ReconRowsQuery::knownAccounts(const Database &db)
{
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT account, currency FROM statements WHERE currency <> '' UNION SELECT account, "
                               "currency FROM reconciliation_periods ORDER BY 1, 2")))
        return storageError(QStringLiteral("Cannot list the accounts"), q);
    QList<AccountCurrency> accounts;
    while (q.next())
        accounts << AccountCurrency { q.value(0).toString(), q.value(1).toString() };
    return accounts;
}
