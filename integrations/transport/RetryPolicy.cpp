#include "transport/RetryPolicy.h"

#include <QRandomGenerator>

bool RetryPolicy::isRetryable(ErrorClass errorClass)
{
    return errorClass == ErrorClass::Network || errorClass == ErrorClass::RateLimited
        || errorClass == ErrorClass::Server;
}

qint64 RetryPolicy::delayMs(int attempt, int retryAfterSeconds) const
{
    const int exponent = qBound(0, attempt - 2, 20);
    const qint64 ceiling = qMin(maxDelayMs, baseDelayMs << exponent);
    // Full jitter spreads retries of many operations so they do not arrive together.
    const qint64 jittered = ceiling / 2 + QRandomGenerator::global()->bounded(ceiling / 2 + 1);
    return qMax(jittered, retryAfterSeconds >= 0 ? qint64(retryAfterSeconds) * 1000 : 0);
}

qint64 RetryPolicy::scheduleAt(qint64 now, int attempts, int retryAfterSeconds) const
{
    const int exponent = qBound(0, attempts - 1, 10);
    const qint64 backoff = qint64(30000) << exponent; // 30 s, 1 min, 2 min, ...
    return now + qMax(backoff, retryAfterSeconds >= 0 ? qint64(retryAfterSeconds) * 1000 : 0);
}
