#pragma once

#include "core/Result.h"

#include <QString>

// What makes two failed operations "the same failure" (Sentry-style grouping): the provider,
// the business action, the error class and the message with everything that varies per
// request (ids, amounts, e-mails, times…) replaced by placeholders.
struct FailureFingerprint
{
    QString providerId;
    QString action;
    ErrorClass errorClass = ErrorClass::None;
    QString normalized; // the message after normalize()

    // Stable across runs and machines: the first 32 hex digits of SHA-256 over the four parts.
    QString key() const;
    // For people: "stripe-live · capture_payment · rate_limited: Too many requests, retry after <n> s".
    QString title() const;

    // Trims, collapses whitespace and replaces variable parts with <uuid>, <email>, <url>, <id>,
    // <time>, <hex>, <n> and '<value>'. Error codes (card_declined) and the case are kept;
    // at most 200 characters.
    static QString normalize(const QString &message);
    static FailureFingerprint of(
        const QString &providerId, const QString &action, ErrorClass errorClass, const QString &message);
};
