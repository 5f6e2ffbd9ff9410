#pragma once

#include <QString>

// Where and how the sandbox delivers signed webhooks (Stripe-Signature), with the
// misbehaviour real providers show: late, twice, out of order, or not at all.
struct SandboxWebhooks
{
    QString target; // e.g. http://127.0.0.1:8123/webhooks/stripe-sandbox; empty: no deliveries
    QString secret; // whsec_…
    int delayMs = 0;
    bool duplicate = false; // every event delivered twice
    bool reorder = false; // each pair of events delivered in reverse order
    int dropEvery = 0; // every Nth event never delivered (sync must catch it)
};
