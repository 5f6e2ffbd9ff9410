#include "reconciliation/ReconciliationService.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "reconciliation/Matcher.h"
#include "reconciliation/PeriodStore.h"
#include "reconciliation/ReconSideData.h"
#include "reconciliation/ReconciliationInputs.h"
#include "reconciliation/ReconciliationStore.h"
#include "store/Database.h"

#include <QSet>

#include <algorithm>
#include <vector>

namespace {
// A side's rows by id, for the day and amount of a match's or an unmatched row's id.
class RowIndex
{
public:
    explicit RowIndex(const ReconSideData &data)
        : m_data(data)
    {
        m_byId.reserve(data.ids.size());
        for (qsizetype i = 0; i < data.size(); ++i)
            m_byId.push_back({ data.ids[i], i });
        std::sort(m_byId.begin(), m_byId.end());
    }

    qsizetype row(qint64 id) const
    {
        auto it = std::lower_bound(m_byId.begin(), m_byId.end(), std::pair<qint64, qsizetype>(id, 0));
        return it != m_byId.end() && it->first == id ? it->second : -1;
    }

    QMap<QString, qint64> totals(const QList<qint64> &ids) const
    {
        QMap<QString, qint64> out;
        for (qint64 id : ids)
            if (qsizetype r = row(id); r >= 0)
                out[m_data.currencyNames.at(m_data.currencies[r])] += m_data.amounts[r];
        return out;
    }

private:
    const ReconSideData &m_data;
    std::vector<std::pair<qint64, qsizetype>> m_byId;
};

} // namespace

ReconciliationService::ReconciliationService(const Database &db, const AccessPolicy &access)
    : m_db(db)
    , m_access(access)
{ }

Result<Reconciliation> ReconciliationService::reconcile(
    const QString &account, const QDate &from, const QDate &to, const MatchRules &rules, bool dryRun)
{
    const QString target = QStringLiteral("account:") + account;
    if (Status allowed = m_access.require(Permission::Reconcile, m_db, QStringLiteral("reconcile.run"), target);
        !allowed)
        return allowed.error();
    if (!from.isValid() || !to.isValid() || from > to)
        return failure(ErrorClass::Input,
            QStringLiteral("The range must be two dates, the first not after the second (from %1 to %2).")
                .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate)));
    if (Status valid = rules.validate(); !valid)
        return valid.error();
    if (!dryRun) {
        // A run replaces the range's suggestions: not inside a signed-off period.
        auto locked = PeriodStore(m_db).lockedOverlapping(account, from, to);
        if (!locked)
            return locked.error();
        if (!locked->isEmpty())
            return failure(ErrorClass::State,
                QStringLiteral("Period %1 (%2) is signed off and locked, and the range %3 to %4 reaches into it. "
                               "Reconcile from %5, or reopen the period with a reason first.")
                    .arg(locked->first().id)
                    .arg(locked->first().label(), from.toString(Qt::ISODate), to.toString(Qt::ISODate),
                        locked->last().to.addDays(1).toString(Qt::ISODate)));
    }

    // A read and the write that follows it in one transaction, so what is replaced is what was read.
    Transaction tx(m_db.connection());
    ReconciliationStore store(m_db);
    auto confirmed = store.overlapping(account, from, to, true);
    if (!confirmed)
        return confirmed.error();
    // A confirmed match wholly in the range goes to the matcher as confirmed; one reaching
    // beyond it cannot (its other rows are not loaded), so its rows are only kept out.
    QList<Match> kept;
    QSet<qint64> skipLedger, skipStatement;
    for (const StoredMatch &s : confirmed.value()) {
        if (s.firstDay >= from && s.lastDay <= to) {
            kept << s.match;
            continue;
        }
        for (qint64 id : s.match.left)
            skipLedger.insert(id);
        for (qint64 id : s.match.right)
            skipStatement.insert(id);
    }
    auto inputs = ReconciliationInputs::load(m_db, account, from, to, skipLedger, skipStatement);
    if (!inputs)
        return inputs.error();
    Reconciliation r { account, from, to, dryRun, 0, inputs->ledger.size(), inputs->statement.size(), {}, {}, {} };
    if (r.ledgerRows == 0 && r.statementRows == 0 && kept.isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("--account %1 has no ledger entries and no statement lines from %2 to %3. Give the "
                           "account as the ledger and the statement name it (a bank account's IBAN, or a provider "
                           "id such as stripe-sandbox), or another range.")
                .arg(account, from.toString(Qt::ISODate), to.toString(Qt::ISODate)));
    auto ran = Matcher::run(inputs->ledger, inputs->statement, rules, kept);
    if (!ran)
        return ran.error();
    r.result = ran.value();
    const RowIndex left(inputs->ledger.data()), right(inputs->statement.data());
    r.unmatchedLedgerTotal = left.totals(r.result.unmatchedLeft());
    r.unmatchedStatementTotal = right.totals(r.result.unmatchedRight());
    if (dryRun)
        return r; // the transaction rolls back: nothing was written anyway

    ReconciliationRun run { account, from, to, rules.toJson(), r.result.matchCount(), r.result.confirmedKept(),
        r.result.unmatchedLeft().size(), r.result.unmatchedRight().size(), r.result.difference(), m_access.actor() };
    const ReconSideData &l = inputs->ledger.data();
    const ReconSideData &s = inputs->statement.data();
    auto stored = store.replace(run, r.result, [&](int side, qint64 id) {
        const qsizetype row = side == 0 ? left.row(id) : right.row(id);
        if (row < 0)
            return std::pair<int, qint64>(0, 0);
        return side == 0 ? std::pair<int, qint64>(l.days[row], l.amounts[row])
                         : std::pair<int, qint64>(s.days[row], s.net(row));
    });
    if (!stored)
        return stored.error();
    r.runId = stored.value();
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = QStringLiteral("reconcile.run");
    e.target = target;
    e.reason = QStringLiteral("reconciled %1 to %2").arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate));
    e.after = QStringLiteral("run %1: %2 matches (%3 confirmed kept), unmatched %4 ledger, %5 statement")
                  .arg(r.runId)
                  .arg(r.result.matchCount())
                  .arg(r.result.confirmedKept())
                  .arg(r.result.unmatchedLeft().size())
                  .arg(r.result.unmatchedRight().size());
    if (Status committed = AuditLog(m_db).commitWith(tx, e, QStringLiteral("the reconciliation of %1").arg(account));
        !committed)
        return committed.error();
    return r;
}
