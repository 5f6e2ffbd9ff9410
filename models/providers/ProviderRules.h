#pragma once

#include "core/Result.h"
#include "providers/ProviderConfig.h"

#include <QStringList>

// What a provider an admin sets up must be, checked before it is stored (ProviderService), and
// the defaults offered for each kind. Pure: no database, no network. Every refusal starts with
// the field it is about ("Base URL: …") so the console and reconsolectl can say which to fix.
namespace ProviderRules {
inline constexpr int kDefaultTimeoutMs = 10000;

// The kinds this Reconsole has an adapter for: "payments" (Stripe-compatible), "crm" (HubSpot-compatible).
QStringList kinds();
QStringList environments(); // "test", "live"
// The provider's public API; empty for an unknown kind.
QString defaultBaseUrl(const QString &kind);
// The provider's documented limit for `environment`, in requests per second, and the burst it
// allows; 0 for an unknown kind.
double defaultRate(const QString &kind, const QString &environment);
int defaultBurst(const QString &kind, const QString &environment);

// How long the provider keeps an idempotency key, in hours; 0 when it takes none.
int defaultIdempotencyWindowHours(const QString &kind);
// A new provider of `kind` in `environment` with every default above: what add offers.
ProviderConfig defaults(const QString &kind, const QString &environment);
// The bulk-retry settings: headroom 0–90 %, window and approval threshold not negative.
Status checkRetrySettings(const ProviderConfig &provider);

// 127.0.0.0/8, ::1 or localhost: a sandbox on this machine.
bool isLoopback(const QString &baseUrl);
// Whether `pem` holds one or more PEM certificates whose bodies decode to DER; empty is fine.
// (The service also parses them as X.509, which models/ cannot.)
Status checkPem(const QString &pem);
// Every field of `provider` on its own: id, kind, base URL against environment, rate, burst,
// timeout, extra CA.
Status check(const ProviderConfig &provider);
// check(), and the id not already one of `existingIds`.
Status checkNew(const ProviderConfig &provider, const QStringList &existingIds);
} // namespace ProviderRules
