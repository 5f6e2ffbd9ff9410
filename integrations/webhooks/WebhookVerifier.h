#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QStringList>

// Checks that a webhook came from the provider before anything is stored.
namespace WebhookVerifier {
// Stripe: `Stripe-Signature: t=…,v1=…[,v1=…]`, hex HMAC-SHA256 of "t.payload" keyed with the
// endpoint secret's bytes (whsec_ included). Any v1 may match; any of `secrets` (two during
// a rotation) may have signed it. `tolerance` seconds either side of `now`.
Status verifyStripe(const QByteArray &payload, const QByteArray &header, const QStringList &secrets, qint64 now,
    int toleranceSeconds = 300);
// Standard Webhooks: HMAC-SHA256 of "id.timestamp.payload" keyed with the base64-decoded part
// of the secret after `whsec_`; `webhook-signature` holds space-separated `v1,<base64>`.
Status verifyStandard(const QByteArray &payload, const QByteArray &id, const QByteArray &timestamp,
    const QByteArray &signatures, const QStringList &secrets, qint64 now, int toleranceSeconds = 300);
// HubSpot v3 (`X-HubSpot-Signature-v3`): base64 HMAC-SHA256 of method + URI + body + timestamp
// (`X-HubSpot-Request-Timestamp`, ms) keyed with the app's client secret; a timestamp more than
// `toleranceSeconds` old is refused.
Status verifyHubSpotV3(const QByteArray &method, const QByteArray &uri, const QByteArray &body,
    const QByteArray &timestampMs, const QByteArray &signature, const QStringList &secrets, qint64 nowMs,
    int toleranceSeconds = 300);
// HubSpot v1 (`X-HubSpot-Signature`, what CRM object subscriptions carry): hex SHA-256 of the
// client secret followed by the body. It has no timestamp: duplicates are caught by event id.
Status verifyHubSpotV1(const QByteArray &body, const QByteArray &signature, const QStringList &secrets);
// For the sandbox and tests: the header a sender puts on a payload.
QByteArray signHubSpotV3(
    const QByteArray &method, const QByteArray &uri, const QByteArray &body, qint64 timestampMs, const QString &secret);
QByteArray signStripe(const QByteArray &payload, const QString &secret, qint64 timestamp);
QByteArray signStandard(const QByteArray &payload, const QByteArray &id, qint64 timestamp, const QString &secret);
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
} // namespace WebhookVerifier
