#include "operations/RetryPlanner.h"

#include "operations/FailureGroupStore.h"
#include "providers/ProviderStore.h"
#include "store/Database.h"

#include <QDateTime>
#include <QHash>
#include <QSqlQuery>

#include <algorithm>
#include <vector>

namespace {
using Skip = RetryPlan::Skip;
constexpr int kPage = 5000;
constexpr int kFailureSample = 200; // recent sends a provider's failure estimate rests on

// What becomes of one operation in a bulk retry.
struct Decision
{
    std::optional<Skip> skip;
    bool lookupFirst = false;
    bool freshKey = false;
};

Decision decide(const OperationBrief &row, const ProviderConfig *provider, qint64 now)
{
    switch (row.state) {
    case OperationState::Succeeded:
        return { Skip::Succeeded };
    case OperationState::Resolved:
    case OperationState::Cancelled:
        return { Skip::SettledByPerson };
    case OperationState::Pending:
    case OperationState::Sending:
        return { Skip::InFlight };
    case OperationState::FailedPermanent:
        return { Skip::NotRetryable };
    case OperationState::RetryScheduled:
    case OperationState::NeedsAttention:
    case OperationState::UnknownOutcome:
        break;
    }
    if (provider && !provider->enabled)
        return { Skip::ProviderDisabled };
    const ErrorClass last = row.lastErrorClass;
    if (row.state != OperationState::UnknownOutcome && last != ErrorClass::None && !isTransient(last))
        return { Skip::NotRetryable };
    Decision d;
    d.lookupFirst = row.state == OperationState::UnknownOutcome;
    // Past the window the provider has forgotten the key: the same key would be a new request.
    const int window = provider ? provider->idempotencyWindowHours : 0;
    d.freshKey = window > 0 && row.createdAt < now - qint64(window) * 3600 * 1000;
    return d;
}

// Of the provider's last sends that have an answer, how many failed.
std::pair<int, int> recentFailures(const Database &db, const QString &providerId)
{
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral("SELECT status FROM attempts WHERE kind = 'send' AND status <> 'in_flight' AND "
                             "operation_id IN (SELECT id FROM operations WHERE provider_id = ?) ORDER BY id DESC "
                             "LIMIT ?"));
    q.addBindValue(providerId);
    q.addBindValue(kFailureSample);
    int sampled = 0;
    int failed = 0;
    if (q.exec())
        while (q.next()) {
            ++sampled;
            failed += q.value(0).toString() == QLatin1String("failed") ? 1 : 0;
        }
    return { sampled, failed };
}
} // namespace

RetryPlanner::RetryPlanner(const Database &db)
    : m_db(db)
{ }

Result<QString> RetryPlanner::describe(const OperationsFilter &scope) const
{
    if (scope.failureGroupId != 0) {
        auto group = FailureGroupStore(m_db).get(scope.failureGroupId);
        if (!group)
            return group.error();
        return QStringLiteral("failure group %1: %2").arg(group->id).arg(group->title());
    }
    QStringList states;
    for (OperationState s : scope.states)
        states << OperationStates::name(s);
    QString text = (scope.errorClass.isEmpty() ? QString() : scope.errorClass + QLatin1Char(' '))
        + (states.isEmpty() ? QStringLiteral("operations") : states.join(QStringLiteral(" or ")));
    if (!scope.providerId.isEmpty())
        text += QStringLiteral(" of ") + scope.providerId;
    if (!scope.action.isEmpty())
        text += QStringLiteral(" doing ") + scope.action;
    if (!scope.text.trimmed().isEmpty())
        text += QStringLiteral(" matching \"%1\"").arg(scope.text.trimmed());
    if (scope.changedSince > 0)
        text += QStringLiteral(" since ")
            + QDateTime::fromMSecsSinceEpoch(scope.changedSince).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return text;
}

Result<RetryPlan> RetryPlanner::plan(const OperationsFilter &scope, qint64 now) const
{
    RetryPlan plan;
    plan.scope = scope;
    plan.plannedAt = now;
    auto description = describe(scope);
    if (!description)
        return description.error();
    plan.description = description.value();
    auto providers = ProviderStore(m_db).all();
    if (!providers)
        return providers.error();
    QHash<QString, ProviderConfig> byId;
    for (const ProviderConfig &p : providers.value())
        byId.insert(p.id, p);

    // Every match through the filter's index, by id; put in sending order after.
    const OperationsQuery query(scope, {}, m_db.dialect());
    QHash<QString, RetryPlan::Share> shares;
    std::vector<std::pair<qint64, RetryPlan::Item>> sending; // with its created time, to sort by
    qint64 after = 0;
    for (;;) {
        auto page = query.pageById(m_db, after, kPage);
        if (!page)
            return page.error();
        for (const OperationBrief &row : page.value()) {
            ++plan.matched;
            const auto provider = byId.constFind(row.providerId);
            const Decision d = decide(row, provider == byId.cend() ? nullptr : &provider.value(), now);
            if (d.skip) {
                plan.skipped[*d.skip] += 1;
                continue;
            }
            sending.emplace_back(row.createdAt, RetryPlan::Item { row.id, row.providerId, d.lookupFirst, d.freshKey });
            ++plan.toSend;
            plan.lookupsFirst += d.lookupFirst ? 1 : 0;
            plan.freshKeys += d.freshKey ? 1 : 0;
            RetryPlan::Share &share = shares[row.providerId];
            share.sends += 1;
            share.lookups += d.lookupFirst || d.freshKey ? 1 : 0;
        }
        if (page->size() < kPage)
            break;
        after = page->last().id;
    }
    // Oldest first: what failed first has waited longest, and its key is nearest to expiring.
    std::sort(sending.begin(), sending.end(), [](const auto &a, const auto &b) {
        return std::pair(a.first, a.second.operationId) < std::pair(b.first, b.second.operationId);
    });
    plan.items.reserve(qsizetype(sending.size()));
    for (auto &s : sending)
        plan.items << std::move(s.second);

    plan.approvalAbove = std::numeric_limits<int>::max();
    for (auto it = shares.begin(); it != shares.end(); ++it) {
        RetryPlan::Share &s = it.value();
        s.providerId = it.key();
        const ProviderConfig p = byId.value(it.key());
        s.ratePerSecond = p.ratePerSecond;
        s.headroomPercent = p.retryHeadroomPercent;
        s.idempotencyWindowHours = p.idempotencyWindowHours;
        s.approvalAbove = p.bulkApprovalAbove;
        const double usable = p.ratePerSecond * (100 - p.retryHeadroomPercent) / 100.0;
        s.etaSeconds = usable > 0 ? (s.sends + s.lookups) / usable : 0;
        const auto [sampled, failed] = recentFailures(m_db, it.key());
        s.sampledAttempts = sampled;
        s.recentFailureRate = sampled > 0 ? double(failed) / sampled : 0;
        s.expectedFailures = qRound64(s.sends * s.recentFailureRate);
        plan.etaSeconds = std::max(plan.etaSeconds, s.etaSeconds);
        plan.expectedFailures += s.expectedFailures;
        plan.approvalAbove = std::min(plan.approvalAbove, p.bulkApprovalAbove);
        plan.shares << s;
    }
    std::sort(plan.shares.begin(), plan.shares.end(),
        [](const RetryPlan::Share &a, const RetryPlan::Share &b) { return a.providerId < b.providerId; });
    if (plan.shares.isEmpty())
        plan.approvalAbove = 0;
    plan.needsApproval = !plan.shares.isEmpty() && plan.toSend > plan.approvalAbove;
    return plan;
}
