#pragma once

#include <QString>

// How to reach one provider. The secret is not here: credentialId names its keychain entry.
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
};
