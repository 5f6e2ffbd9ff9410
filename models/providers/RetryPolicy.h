#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

// How the agent retries a provider's failed operations on its own, for one business action or
// (action empty) for every action without its own: how many sends in all, the backoff between
// them, which failures are retried at all, and a deadline after which a person takes over.
// Admins edit them (ProviderService); a provider without one uses its kind's defaults.
struct RetryPolicy
{
    QString providerId;
    QString action; // empty: the provider's policy for every action without its own
    int maxAttempts = 8; // sends in all, the first one included
    qint64 baseDelayMs = 60000; // the first scheduled retry waits up to this long
    qint64 maxDelayMs = 3600000; // the cap of the exponential backoff
    QList<ErrorClass> retriedClasses;
    qint64 deadlineMs = 24 * 3600000LL; // since the operation was created
    QString updatedBy; // empty: the kind's defaults, never stored
    qint64 updatedAt = 0;

    bool isDefault() const { return updatedBy.isEmpty(); }
    bool retries(ErrorClass errorClass) const { return retriedClasses.contains(errorClass); }
    QStringList retriedClassNames() const; // "network", "rate_limited", …

    // The kind's defaults, after what each provider documents (see RetryPolicy.cpp).
    static RetryPolicy defaultsFor(const QString &kind);
    // The error classes a policy may retry: the transient ones a resend can change.
    static QList<ErrorClass> retriableClasses();
    // Every field on its own, naming it: "Max attempts: …".
    static Status check(const RetryPolicy &policy);
    // "max 8 attempts, backoff 60 s … 1 h, retries network, rate_limited, server, deadline 24 h"
    QString describe() const;

    // What to do after the operation's `sends`-th send failed with `errorClass` at `now`.
    // `unit` is the jitter's draw in [0, 1): the caller's random source, or a test's.
    struct Next
    {
        bool retry = false;
        qint64 at = 0; // when the next send is due, if retry
        QString why; // if not: why the retries stop, for the operation's last error
    };
    Next next(qint64 createdAt, int sends, ErrorClass errorClass, int retryAfterSeconds, qint64 now, double unit) const;
};

// Exponential backoff with full jitter (a uniform draw under the capped exponential), which
// spreads the retries of many operations that failed together: the `n`-th wait (n ≥ 1).
qint64 fullJitterMs(int n, qint64 baseMs, qint64 capMs, double unit);
