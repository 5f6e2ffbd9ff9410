#pragma once

#include "core/Result.h"

#include <QtGlobal>

// When to try again: exponential backoff with full jitter, never sooner than the provider's
// Retry-After. A few tries happen at once; after that the operation is scheduled for later.
struct RetryPolicy
{
    int immediateAttempts = 3; // tries within one retry request
    int automaticAttempts = 5; // after this many the operation needs a person
    qint64 baseDelayMs = 200;
    qint64 maxDelayMs = 5000;
    qint64 maxWaitInPlaceMs = 10000; // a longer Retry-After schedules instead of waiting

    static bool isRetryable(ErrorClass errorClass);
    // Delay before try number `attempt` (2 = the first retry); retryAfterSeconds < 0 if absent.
    qint64 delayMs(int attempt, int retryAfterSeconds) const;
    // When a scheduled retry falls due, from the number of attempts made so far.
    qint64 scheduleAt(qint64 now, int attempts, int retryAfterSeconds) const;
};
