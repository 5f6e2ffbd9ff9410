#pragma once

#include <QString>

// Removes secrets from anything that is stored or shown: bearer tokens, provider keys
// (sk_/rk_/pk_/whsec_), Authorization headers and card numbers. Applied to attempt bodies,
// error messages and log lines alike.
namespace Redactor {
QString redact(const QString &text);
// The last four characters, for fingerprints and messages ("sk_test_…4242").
QString fingerprint(const QString &secret);
} // namespace Redactor
