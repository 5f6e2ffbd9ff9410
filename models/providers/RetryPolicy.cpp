#include "providers/RetryPolicy.h"

#include <QStringList>

#include <algorithm>

namespace {
constexpr qint64 kHour = 3600000;
constexpr qint64 kMinimumWaitMs = 1000;

QString span(qint64 ms)
{
    if (ms % kHour == 0)
        return QStringLiteral("%1 h").arg(ms / kHour);
    if (ms % 60000 == 0)
        return QStringLiteral("%1 min").arg(ms / 60000);
    return QStringLiteral("%1 s").arg(double(ms) / 1000);
}
} // namespace

qint64 fullJitterMs(int n, qint64 baseMs, qint64 capMs, double unit)
{
    qint64 ceiling = std::min(baseMs, capMs);
    for (int i = 1; i < n && ceiling < capMs; ++i)
        ceiling = std::min(ceiling * 2, capMs);
    return qint64(std::clamp(unit, 0.0, 1.0) * double(ceiling));
}

QList<ErrorClass> RetryPolicy::retriableClasses()
{
    // Declines, validation, credentials, certificates and reused keys need a person. A timeout
    // reaches a policy only where a resend is safe (a CRM update); a payment's timeout is an
    // unknown outcome, which the runner asks the provider about before anything is resent.
    return { ErrorClass::Network, ErrorClass::RateLimited, ErrorClass::Server, ErrorClass::Timeout };
}

RetryPolicy RetryPolicy::defaultsFor(const QString &kind)
{
    RetryPolicy p;
    // Stripe: retry connection errors, 429 and 5xx with the same idempotency key, never other
    // 4xx or a 409 (https://docs.stripe.com/error-low-level); a key is kept for 24 hours
    // (https://docs.stripe.com/api/idempotent_requests), so retries end within the day and a
    // later one is a bulk retry that looks up first and plans a fresh key.
    p.retriedClasses = { ErrorClass::Network, ErrorClass::RateLimited, ErrorClass::Server };
    p.maxAttempts = 8;
    p.baseDelayMs = 60000;
    p.maxDelayMs = kHour;
    p.deadlineMs = 24 * kHour;
    if (kind == QLatin1String("crm")) {
        // HubSpot: limits count per 10-second window, a 429 asks to wait for the next one, and
        // 5xx are worth retrying (https://developers.hubspot.com/docs/developer-tooling/platform/
        // usage-guidelines). An update is safe to repeat and a create searches first, so a
        // timeout is retried too, and more often, over three days.
        p.retriedClasses = retriableClasses();
        p.maxAttempts = 10;
        p.baseDelayMs = 10000;
        p.maxDelayMs = 2 * kHour;
        p.deadlineMs = 72 * kHour;
    }
    return p;
}

Status RetryPolicy::check(const RetryPolicy &p)
{
    auto refuse = [](const QString &why) { return Status(failure(ErrorClass::Input, why)); };
    if (p.maxAttempts < 1 || p.maxAttempts > 100)
        return refuse(QStringLiteral("Max attempts: %1 is not between 1 and 100 (1: never retried automatically).")
                          .arg(p.maxAttempts));
    if (p.baseDelayMs < 1000)
        return refuse(QStringLiteral("Base delay: at least one second, so a failing provider is not hammered."));
    if (p.maxDelayMs < p.baseDelayMs)
        return refuse(QStringLiteral("Max delay: %1 is shorter than the base delay %2.")
                          .arg(span(p.maxDelayMs), span(p.baseDelayMs)));
    if (p.maxDelayMs > 7 * 24 * kHour)
        return refuse(QStringLiteral("Max delay: at most 7 days."));
    if (p.deadlineMs < 60000)
        return refuse(QStringLiteral("Deadline: at least one minute after the operation was created."));
    const QList<ErrorClass> allowed = retriableClasses();
    for (ErrorClass c : p.retriedClasses)
        if (!allowed.contains(c))
            return refuse(QStringLiteral("Retried classes: %1 cannot be retried automatically; only network, "
                                         "rate_limited, server and timeout failures can.")
                              .arg(errorClassName(c)));
    return success();
}

QStringList RetryPolicy::retriedClassNames() const
{
    QStringList names;
    for (ErrorClass c : retriedClasses)
        names << errorClassName(c);
    return names;
}

QString RetryPolicy::describe() const
{
    const QStringList classes = retriedClassNames();
    return QStringLiteral("max %1 attempts, backoff %2 … %3 with full jitter, retries %4, deadline %5")
        .arg(maxAttempts)
        .arg(span(baseDelayMs), span(maxDelayMs),
            classes.isEmpty() ? QStringLiteral("nothing") : classes.join(QStringLiteral(", ")), span(deadlineMs));
}

RetryPolicy::Next RetryPolicy::next(
    qint64 createdAt, int sends, ErrorClass errorClass, int retryAfterSeconds, qint64 now, double unit) const
{
    Next n;
    if (!retries(errorClass)) {
        n.why = QStringLiteral("The retry policy does not retry %1 failures automatically.")
                    .arg(errorClassName(errorClass));
        return n;
    }
    if (sends >= maxAttempts) {
        n.why = QStringLiteral("Automatic retries stopped after %1 attempts (the policy's maximum).").arg(sends);
        return n;
    }
    // At least a second: the draw may be near zero, and the agent's next tick should take it.
    const qint64 wait = std::max({ fullJitterMs(sends, baseDelayMs, maxDelayMs, unit), kMinimumWaitMs,
        retryAfterSeconds >= 0 ? qint64(retryAfterSeconds) * 1000 : 0 });
    // A retry the deadline would overtake is not scheduled: a person decides now, not later.
    if (now + wait > createdAt + deadlineMs) {
        n.why = QStringLiteral("Automatic retries stopped: the policy's deadline of %1 after the operation was "
                               "created %2.")
                    .arg(span(deadlineMs),
                        now >= createdAt + deadlineMs ? QStringLiteral("has passed")
                                                      : QStringLiteral("comes before the next try"));
        return n;
    }
    n.retry = true;
    n.at = now + wait;
    return n;
}
