#pragma once

#include "core/Result.h"

#include <QString>

// Failed operations with one fingerprint (FailureFingerprint): what support looks at during
// an incident instead of 40,000 rows. See resources/migrations/020_failure_groups.sql.
struct FailureGroup
{
    enum class State
    {
        Open,
        Acknowledged, // someone is on it
        Resolved, // fixed; a new failure reopens it as a regression
        Ignored, // until a time, until more failures, or forever
    };

    qint64 id = 0;
    QString fingerprint;
    QString providerId;
    QString action;
    ErrorClass errorClass = ErrorClass::None;
    QString normalized; // the error with ids, numbers and amounts stripped
    QString sampleError; // one real error of the group, redacted
    State state = State::Open;
    qint64 ignoreUntil = 0; // epoch ms; 0: not by time
    qint64 ignoreUntilFailures = 0; // the failures count that ends the ignore; 0: not by count
    bool regressed = false;
    qint64 firstSeen = 0;
    qint64 lastSeen = 0;
    qint64 failures = 0; // every failure, retries included
    qint64 affected = 0; // operations that failed this way
    qint64 failing = 0; // of those, not settled yet
    QString stateBy;
    qint64 stateAt = 0;
    QString stateNote;

    QString title() const; // "stripe-live · capture_payment · rate_limited: Too many requests"
    static QString stateName(State state);
    static bool stateFromName(const QString &name, State *state);
};
