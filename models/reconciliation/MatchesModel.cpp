#include "reconciliation/MatchesModel.h"

#include "operations/OperationsModel.h"
#include "store/Database.h"

#include <QDateTime>
#include <QHash>
#include <QLocale>
#include <QSqlQuery>

namespace {
QString money(qint64 minor, const QString &currency)
{
    return OperationsModel::formatAmount(minor, currency, QLocale());
}

QString marks(qsizetype n)
{
    QStringList m;
    for (qsizetype i = 0; i < n; ++i)
        m << QStringLiteral("?");
    return m.join(QStringLiteral(", "));
}

QString sideText(const QList<MatchSideRow> &rows)
{
    QStringList refs;
    for (const MatchSideRow &r : rows)
        refs << (r.reference.isEmpty() ? QStringLiteral("#%1").arg(r.id) : r.reference);
    if (refs.size() > 3)
        return QObject::tr("%1 rows: %2, …").arg(refs.size()).arg(refs.mid(0, 2).join(QStringLiteral(", ")));
    return refs.join(QStringLiteral(", "));
}

QString kindLabel(Adjustment::Kind kind)
{
    switch (kind) {
    case Adjustment::Kind::Fee:
        return QObject::tr("fee");
    case Adjustment::Kind::Fx:
        return QObject::tr("FX");
    case Adjustment::Kind::Rounding:
        return QObject::tr("rounding");
    case Adjustment::Kind::WriteOff:
        return QObject::tr("write-off");
    }
    return {};
}

QString stateLabel(Adjustment::State state)
{
    switch (state) {
    case Adjustment::State::Pending:
        return QObject::tr("awaiting approval");
    case Adjustment::State::Approved:
        return QObject::tr("approved");
    case Adjustment::State::Rejected:
        return QObject::tr("rejected");
    case Adjustment::State::Reversed:
        return QObject::tr("reversed");
    }
    return {};
}
} // namespace

qint64 MatchListRow::ledgerMinor() const
{
    qint64 sum = 0;
    for (const MatchSideRow &r : ledger)
        sum += r.clearedMinor;
    return sum;
}

qint64 MatchListRow::statementMinor() const
{
    qint64 sum = 0;
    for (const MatchSideRow &r : statement)
        sum += r.clearedMinor;
    return sum;
}

const Adjustment *MatchListRow::currentAdjustment() const
{
    const Adjustment *best = nullptr;
    for (const Adjustment &a : adjustments) {
        const bool live = a.state == Adjustment::State::Pending || a.state == Adjustment::State::Approved;
        if (!best || (live && best->state != Adjustment::State::Pending && best->state != Adjustment::State::Approved)
            || (live && a.id > best->id))
            best = &a;
    }
    return best;
}

MatchesModel::MatchesModel(std::shared_ptr<const Database> db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(std::move(db))
{ }

void MatchesModel::setPeriod(const std::optional<ReconciliationPeriod> &period)
{
    m_period = period;
    reload();
}

void MatchesModel::setShowSuggestions(bool show)
{
    m_showSuggestions = show;
    reload();
}

void MatchesModel::sort(int column, Qt::SortOrder order)
{
    if (column != static_cast<int>(MatchColumn::ClearedOn))
        return; // the one column with an index to page along
    m_order = order;
    reload();
}

void MatchesModel::reload()
{
    m_changing = true;
    beginResetModel();
    m_rows.clear();
    m_atEnd = !m_period;
    QString error;
    if (m_period) {
        auto page = nextPage();
        if (page) {
            m_rows = page.value();
            m_atEnd = m_rows.size() < kPageSize;
        } else {
            error = page.message();
            m_atEnd = true;
        }
    }
    endResetModel();
    m_changing = false;
    if (!error.isEmpty())
        Q_EMIT loadFailed(error);
}

Result<QList<MatchListRow>> MatchesModel::nextPage() const
{
    const bool descending = m_order == Qt::DescendingOrder;
    const QString dir = descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    QString where = QStringLiteral("m.account = ? AND m.currency = ? AND m.cleared_on >= ? AND m.cleared_on <= ?");
    if (!m_showSuggestions)
        where += QStringLiteral(" AND m.confirmed_by IS NOT NULL");
    if (!m_rows.isEmpty())
        where += QStringLiteral(" AND (m.cleared_on, m.id) %1 (?, ?)")
                     .arg(descending ? QLatin1Char('<') : QLatin1Char('>'));
    QSqlQuery q(m_db->connection());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT m.id, m.cleared_on, m.rule, m.score, m.why, m.currency, m.confirmed_by, "
                             "m.confirmed_at FROM reconciliation_matches m WHERE %1 ORDER BY m.cleared_on %2, m.id %2 "
                             "LIMIT %3")
                  .arg(where, dir)
                  .arg(kPageSize));
    q.addBindValue(sqlText(m_period->account));
    q.addBindValue(sqlText(m_period->currency));
    q.addBindValue(m_period->from.toString(Qt::ISODate));
    q.addBindValue(m_period->to.toString(Qt::ISODate));
    if (!m_rows.isEmpty()) {
        q.addBindValue(m_rows.last().clearedOn.toString(Qt::ISODate));
        q.addBindValue(m_rows.last().id);
    }
    if (!q.exec())
        return storageError(tr("Cannot list the period's matches"), q);
    QList<MatchListRow> rows;
    while (q.next()) {
        MatchListRow r;
        r.id = q.value(0).toLongLong();
        r.clearedOn = QDate::fromString(q.value(1).toString(), Qt::ISODate);
        r.rule = q.value(2).toString();
        r.score = q.value(3).toDouble();
        r.why = q.value(4).toString();
        r.currency = q.value(5).toString();
        r.confirmedBy = q.value(6).toString();
        r.confirmedAt = q.value(7).toLongLong();
        rows << r;
    }
    if (Status details = fillDetails(rows); !details)
        return details.error();
    return rows;
}

Status MatchesModel::fillDetails(QList<MatchListRow> &rows) const
{
    if (rows.isEmpty())
        return success();
    QHash<qint64, int> at;
    for (int i = 0; i < rows.size(); ++i)
        at.insert(rows.at(i).id, i);
    const QString in = marks(rows.size());
    auto run = [&](const QString &sql, auto take) -> Status {
        QSqlQuery q(m_db->connection());
        q.setForwardOnly(true);
        q.prepare(sql.arg(in));
        for (const MatchListRow &r : rows)
            q.addBindValue(r.id);
        if (!q.exec())
            return storageError(tr("Cannot read the matches' rows"), q);
        while (q.next())
            take(rows[at.value(q.value(0).toLongLong())], q);
        return success();
    };
    Status ledger = run(QStringLiteral("SELECT r.match_id, l.id, l.booked_on, l.amount_minor, l.reference FROM "
                                       "reconciliation_match_rows r JOIN ledger_entries l ON l.id = r.row_id WHERE "
                                       "r.side = 'ledger' AND r.match_id IN (%1) ORDER BY l.booked_on, l.id"),
        [](MatchListRow &m, const QSqlQuery &q) {
            m.ledger << MatchSideRow { q.value(1).toLongLong(), QDate::fromString(q.value(2).toString(), Qt::ISODate),
                q.value(3).toLongLong(), q.value(4).toString() };
        });
    if (!ledger)
        return ledger;
    Status statement = run(
        QStringLiteral("SELECT r.match_id, s.id, s.booking_date, s.amount_minor - s.fee_minor, "
                       "CASE WHEN s.end_to_end_id <> '' THEN s.end_to_end_id ELSE s.bank_entry_id END FROM "
                       "reconciliation_match_rows r JOIN statement_lines s ON s.id = r.row_id WHERE r.side = "
                       "'statement' AND r.match_id IN (%1) ORDER BY s.booking_date, s.id"),
        [](MatchListRow &m, const QSqlQuery &q) {
            m.statement << MatchSideRow { q.value(1).toLongLong(),
                QDate::fromString(q.value(2).toString(), Qt::ISODate), q.value(3).toLongLong(), q.value(4).toString() };
        });
    if (!statement)
        return statement;
    return run(QStringLiteral("SELECT match_id, id, kind, amount_minor, state, reason, proposed_by, proposed_at, "
                              "decided_by, decided_at, decision_note, day, account, currency FROM "
                              "reconciliation_adjustments WHERE match_id IN (%1) ORDER BY id"),
        [](MatchListRow &m, const QSqlQuery &q) {
            Adjustment a;
            a.matchId = q.value(0).toLongLong();
            a.id = q.value(1).toLongLong();
            a.kind = Adjustment::kindFromName(q.value(2).toString()).value_or(Adjustment::Kind::Fee);
            a.amountMinor = q.value(3).toLongLong();
            a.state = Adjustment::stateFromName(q.value(4).toString());
            a.reason = q.value(5).toString();
            a.proposedBy = q.value(6).toString();
            a.proposedAt = q.value(7).toLongLong();
            a.decidedBy = q.value(8).toString();
            a.decidedAt = q.value(9).toLongLong();
            a.decisionNote = q.value(10).toString();
            a.day = QDate::fromString(q.value(11).toString(), Qt::ISODate);
            a.account = q.value(12).toString();
            a.currency = q.value(13).toString();
            m.adjustments << a;
        });
}

bool MatchesModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && !m_changing;
}

void MatchesModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    auto page = nextPage();
    if (!page) {
        m_atEnd = true;
        Q_EMIT loadFailed(page.message());
        return;
    }
    m_atEnd = page->size() < kPageSize;
    if (page->isEmpty())
        return;
    const int first = static_cast<int>(m_rows.size());
    m_changing = true;
    beginInsertRows({}, first, first + static_cast<int>(page->size()) - 1);
    m_rows += page.value();
    endInsertRows();
    m_changing = false;
}

int MatchesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int MatchesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(MatchColumn::Count);
}

QVariant MatchesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles { tr("Cleared"), tr("State"), tr("Rule"), tr("Score"), tr("Ledger"),
        tr("Ledger total"), tr("Statement"), tr("Statement total"), tr("Adjustment"), tr("Confirmed by"),
        tr("Confirmed at"), tr("Why") };
    return titles.value(section);
}

const MatchListRow *MatchesModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int MatchesModel::rowOf(qint64 matchId) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).id == matchId)
            return i;
    return -1;
}

QVariant MatchesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MatchListRow &m = m_rows.at(index.row());
    const auto column = static_cast<MatchColumn>(index.column());
    const Adjustment *adjustment = m.currentAdjustment();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case MatchColumn::ClearedOn:
            return m.clearedOn.toString(Qt::ISODate);
        case MatchColumn::State:
            return m.confirmedBy.isEmpty() ? tr("Suggested") : tr("Confirmed");
        case MatchColumn::Rule:
            return m.rule;
        case MatchColumn::Score:
            return QString::number(m.score, 'f', 2);
        case MatchColumn::LedgerRows:
            return sideText(m.ledger);
        case MatchColumn::LedgerAmount:
            return m.ledger.isEmpty() ? QString() : money(m.ledgerMinor(), m.currency);
        case MatchColumn::StatementRows:
            return sideText(m.statement);
        case MatchColumn::StatementAmount:
            return m.statement.isEmpty() ? QString() : money(m.statementMinor(), m.currency);
        case MatchColumn::Adjustment:
            return adjustment ? tr("%1 %2, %3")
                                    .arg(kindLabel(adjustment->kind), money(adjustment->amountMinor, m.currency),
                                        stateLabel(adjustment->state))
                              : QString();
        case MatchColumn::ConfirmedBy:
            return m.confirmedBy;
        case MatchColumn::ConfirmedAt:
            return m.confirmedAt
                ? QDateTime::fromMSecsSinceEpoch(m.confirmedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                : QString();
        case MatchColumn::Why:
            return m.why;
        case MatchColumn::Count:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == MatchColumn::Adjustment && adjustment) {
            QString tip = tr("Proposed by %1: %2").arg(adjustment->proposedBy, adjustment->reason);
            if (!adjustment->decidedBy.isEmpty())
                tip += QLatin1Char('\n') + tr("%1 by %2").arg(stateLabel(adjustment->state), adjustment->decidedBy)
                    + (adjustment->decisionNote.isEmpty() ? QString()
                                                          : QStringLiteral(": ") + adjustment->decisionNote);
            return tip;
        }
        if (column == MatchColumn::Why || column == MatchColumn::Rule)
            return m.why;
        if (column == MatchColumn::LedgerRows || column == MatchColumn::StatementRows) {
            QStringList lines;
            for (const MatchSideRow &r : column == MatchColumn::LedgerRows ? m.ledger : m.statement)
                lines << QStringLiteral("%1  %2  %3")
                             .arg(r.day.toString(Qt::ISODate), money(r.clearedMinor, m.currency), r.reference);
            return lines.join(QLatin1Char('\n'));
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column == MatchColumn::LedgerAmount || column == MatchColumn::StatementAmount
            || column == MatchColumn::Score)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case MatchIdRole:
        return m.id;
    case ConfirmedRole:
        return !m.confirmedBy.isEmpty();
    case AdjustmentIdRole:
        return adjustment ? adjustment->id : qint64(0);
    case AdjustmentStateRole:
        return adjustment ? QVariant(static_cast<int>(adjustment->state)) : QVariant();
    case SortValueRole:
        return column == MatchColumn::ClearedOn ? QVariant(m.clearedOn) : QVariant();
    default:
        return {};
    }
}
