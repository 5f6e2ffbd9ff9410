#include "operations/RetryPlan.h"

#include <QJsonArray>

namespace {
using Skip = RetryPlan::Skip;

struct SkipInfo
{
    Skip skip;
    const char *name;
    const char *label;
};

const SkipInfo kSkips[] = {
    { Skip::Succeeded, "succeeded", "succeeded meanwhile" },
    { Skip::SettledByPerson, "settled_by_person", "resolved or cancelled meanwhile" },
    { Skip::NotRetryable, "not_retryable", "not retryable (declines, validation, credentials)" },
    { Skip::InFlight, "in_flight", "being sent now, or not yet tried" },
    { Skip::ProviderDisabled, "provider_disabled", "their provider is disabled" },
};

QString duration(double seconds)
{
    if (seconds < 90)
        return QStringLiteral("%1 s").arg(qMax(1, qRound(seconds)));
    if (seconds < 5400)
        return QStringLiteral("%1 min").arg(qRound(seconds / 60));
    return QStringLiteral("%1 h").arg(seconds / 3600, 0, 'f', 1);
}
} // namespace

QString RetryPlan::skipName(Skip skip)
{
    for (const SkipInfo &s : kSkips)
        if (s.skip == skip)
            return QLatin1String(s.name);
    return {};
}

QString RetryPlan::skipLabel(Skip skip)
{
    for (const SkipInfo &s : kSkips)
        if (s.skip == skip)
            return QLatin1String(s.label);
    return {};
}

QList<RetryPlan::Skip> RetryPlan::allSkips()
{
    QList<Skip> all;
    for (const SkipInfo &s : kSkips)
        all << s.skip;
    return all;
}

qint64 RetryPlan::skippedTotal() const
{
    qint64 total = 0;
    for (qint64 n : skipped)
        total += n;
    return total;
}

QStringList RetryPlan::explain() const
{
    QStringList lines;
    lines << QStringLiteral("%1 of %2 operations will be sent, oldest first.").arg(toSend).arg(matched);
    if (lookupsFirst > 0)
        lines << QStringLiteral("%1 of them have an unknown outcome: the provider is asked first, and those it "
                                "already has are settled, not sent.")
                     .arg(lookupsFirst);
    if (freshKeys > 0)
        lines << QStringLiteral("%1 are older than their provider's idempotency window: their earlier attempts are "
                                "looked up first, and each is sent under a fresh key only if none went through.")
                     .arg(freshKeys);
    for (Skip s : allSkips())
        if (const qint64 n = skipped.value(s); n > 0)
            lines << QStringLiteral("%1 skipped: %2.").arg(n).arg(skipLabel(s));
    for (const Share &share : shares) {
        QString line = QStringLiteral("%1: %2 sends and %3 lookups at %4/s (its limit %5/s less %6 % kept for live "
                                      "traffic), about %7.")
                           .arg(share.providerId)
                           .arg(share.sends)
                           .arg(share.lookups)
                           .arg(share.ratePerSecond * (100 - share.headroomPercent) / 100.0, 0, 'f', 1)
                           .arg(share.ratePerSecond)
                           .arg(share.headroomPercent)
                           .arg(duration(share.etaSeconds));
        if (share.sampledAttempts > 0)
            line += QStringLiteral(" %1 of its last %2 sends failed: about %3 of these may fail again.")
                        .arg(qRound(share.recentFailureRate * share.sampledAttempts))
                        .arg(share.sampledAttempts)
                        .arg(share.expectedFailures);
        lines << line;
    }
    if (toSend > 0)
        lines << QStringLiteral("All done in about %1.").arg(duration(etaSeconds));
    if (needsApproval)
        lines << QStringLiteral("More than %1 sends: a second person (support or admin) approves it before it runs.")
                     .arg(approvalAbove);
    return lines;
}

QJsonObject RetryPlan::scopeToJson(const OperationsFilter &f)
{
    QJsonArray states;
    for (OperationState s : f.states)
        states.append(OperationStates::name(s));
    return { { QStringLiteral("states"), states }, { QStringLiteral("provider"), f.providerId },
        { QStringLiteral("action"), f.action }, { QStringLiteral("text"), f.text },
        { QStringLiteral("failure_group"), f.failureGroupId }, { QStringLiteral("error_class"), f.errorClass },
        { QStringLiteral("changed_since"), f.changedSince } };
}

OperationsFilter RetryPlan::scopeFromJson(const QJsonObject &json)
{
    OperationsFilter f;
    for (const QJsonValue &v : json.value(QStringLiteral("states")).toArray()) {
        OperationState s;
        if (OperationStates::fromName(v.toString(), &s))
            f.states << s;
    }
    f.providerId = json.value(QStringLiteral("provider")).toString();
    f.action = json.value(QStringLiteral("action")).toString();
    f.text = json.value(QStringLiteral("text")).toString();
    f.failureGroupId = json.value(QStringLiteral("failure_group")).toInteger();
    f.errorClass = json.value(QStringLiteral("error_class")).toString();
    f.changedSince = json.value(QStringLiteral("changed_since")).toInteger();
    return f;
}

QJsonObject RetryPlan::toJson() const
{
    QJsonObject skips;
    for (Skip s : allSkips())
        skips.insert(skipName(s), skipped.value(s));
    QJsonArray providers;
    for (const Share &s : shares)
        providers.append(QJsonObject { { QStringLiteral("provider"), s.providerId },
            { QStringLiteral("sends"), s.sends }, { QStringLiteral("lookups"), s.lookups },
            { QStringLiteral("rate_per_second"), s.ratePerSecond },
            { QStringLiteral("headroom_percent"), s.headroomPercent }, { QStringLiteral("eta_seconds"), s.etaSeconds },
            { QStringLiteral("idempotency_window_hours"), s.idempotencyWindowHours },
            { QStringLiteral("approval_above"), s.approvalAbove },
            { QStringLiteral("sampled_attempts"), s.sampledAttempts },
            { QStringLiteral("recent_failure_rate"), s.recentFailureRate },
            { QStringLiteral("expected_failures"), s.expectedFailures } });
    return { { QStringLiteral("scope"), scopeToJson(scope) }, { QStringLiteral("description"), description },
        { QStringLiteral("planned_at"), plannedAt }, { QStringLiteral("matched"), matched },
        { QStringLiteral("to_send"), toSend }, { QStringLiteral("lookups_first"), lookupsFirst },
        { QStringLiteral("fresh_keys"), freshKeys }, { QStringLiteral("skipped"), skips },
        { QStringLiteral("providers"), providers }, { QStringLiteral("eta_seconds"), etaSeconds },
        { QStringLiteral("expected_failures"), expectedFailures }, { QStringLiteral("approval_above"), approvalAbove },
        { QStringLiteral("needs_approval"), needsApproval },
        { QStringLiteral("order"), QStringLiteral("oldest first") } };
}

RetryPlan RetryPlan::fromJson(const QJsonObject &json)
{
    RetryPlan p;
    p.scope = scopeFromJson(json.value(QStringLiteral("scope")).toObject());
    p.description = json.value(QStringLiteral("description")).toString();
    p.plannedAt = json.value(QStringLiteral("planned_at")).toInteger();
    p.matched = json.value(QStringLiteral("matched")).toInteger();
    p.toSend = json.value(QStringLiteral("to_send")).toInteger();
    p.lookupsFirst = json.value(QStringLiteral("lookups_first")).toInteger();
    p.freshKeys = json.value(QStringLiteral("fresh_keys")).toInteger();
    const QJsonObject skips = json.value(QStringLiteral("skipped")).toObject();
    for (Skip s : allSkips())
        if (const qint64 n = skips.value(skipName(s)).toInteger(); n > 0)
            p.skipped.insert(s, n);
    for (const QJsonValue &v : json.value(QStringLiteral("providers")).toArray()) {
        const QJsonObject o = v.toObject();
        Share s;
        s.providerId = o.value(QStringLiteral("provider")).toString();
        s.sends = o.value(QStringLiteral("sends")).toInteger();
        s.lookups = o.value(QStringLiteral("lookups")).toInteger();
        s.ratePerSecond = o.value(QStringLiteral("rate_per_second")).toDouble();
        s.headroomPercent = o.value(QStringLiteral("headroom_percent")).toInt();
        s.etaSeconds = o.value(QStringLiteral("eta_seconds")).toDouble();
        s.idempotencyWindowHours = o.value(QStringLiteral("idempotency_window_hours")).toInt();
        s.approvalAbove = o.value(QStringLiteral("approval_above")).toInt();
        s.sampledAttempts = o.value(QStringLiteral("sampled_attempts")).toInt();
        s.recentFailureRate = o.value(QStringLiteral("recent_failure_rate")).toDouble();
        s.expectedFailures = o.value(QStringLiteral("expected_failures")).toInteger();
        p.shares << s;
    }
    p.etaSeconds = json.value(QStringLiteral("eta_seconds")).toDouble();
    p.expectedFailures = json.value(QStringLiteral("expected_failures")).toInteger();
    p.approvalAbove = json.value(QStringLiteral("approval_above")).toInt();
    p.needsApproval = json.value(QStringLiteral("needs_approval")).toBool();
    return p;
}
