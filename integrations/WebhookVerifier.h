#pragma once

#include "Result.h"

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
// For the sandbox and tests: the header a sender puts on a payload.
QByteArray signStripe(const QByteArray &payload, const QString &secret, qint64 timestamp);
QByteArray signStandard(const QByteArray &payload, const QByteArray &id, qint64 timestamp, const QString &secret);
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
} // namespace WebhookVerifier
