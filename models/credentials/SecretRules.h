#pragma once

#include "core/Result.h"

#include <QString>

// What a secret may be saved as, read from its own prefix: for a payments provider Stripe's
// conventions (a live key is never stored as test or used against a sandbox, and the other way
// round); for a CRM HubSpot's (private app tokens pat-…, the app's client secret signs webhooks).
namespace SecretRules {
// `environment` is "test" or "live"; `kind` is "api-key" or "webhook-secret"; `providerKind`
// is the provider's kind ("payments", "crm").
Status check(const QString &secret, const QString &environment, const QString &kind,
    const QString &providerKind = QStringLiteral("payments"));
// Whether a provider at `baseUrl` is a local sandbox (loopback), where only test keys belong.
bool isSandboxUrl(const QString &baseUrl);
} // namespace SecretRules
