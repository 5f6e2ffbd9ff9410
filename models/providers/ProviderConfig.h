#pragma once

#include <QString>

// How to reach one provider. The secret is not here: credentialId names its keychain entry, and
// its webhook secret is the provider's credential of kind "webhook-secret".
struct ProviderConfig
{
    QString id; // "stripe-sandbox"
    QString kind; // "payments"
    QString displayName;
    QString baseUrl;
    QString credentialId;
    double ratePerSecond = 25;
    int burst = 25;
    int timeoutMs = 10000;
    QString environment = QStringLiteral("test"); // "test" or "live"
    QString purpose; // what the business uses it for (the runbook shows it)
    QString owner; // who in the business answers for it
    QString extraCaPem; // CA certificates (PEM) trusted beside the system store, for this provider only
    bool enabled = true; // false: no new attempts go to it; its operations stay readable
    // Bulk retries (RetryPlanner): the share of the rate limit left to live traffic, how long the
    // provider keeps an idempotency key (0: none, a resend is safe by itself), and above how many
    // sends a run needs a second person's approval.
    int retryHeadroomPercent = 20;
    int idempotencyWindowHours = 24;
    int bulkApprovalAbove = 1000;
};
