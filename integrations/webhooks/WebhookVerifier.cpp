#include "webhooks/WebhookVerifier.h"

#include <QMessageAuthenticationCode>

namespace {
QByteArray hmac(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

QByteArray standardKey(const QString &secret)
{
    const QString encoded = secret.startsWith(QLatin1String("whsec_")) ? secret.mid(6) : secret;
    return QByteArray::fromBase64(encoded.toLatin1());
}

Status checkTime(qint64 timestamp, qint64 now, int tolerance)
{
    if (timestamp < now - tolerance)
        return failure(ErrorClass::Auth, QStringLiteral("timestamp outside the tolerance zone (too old)"));
    if (timestamp > now + tolerance)
        return failure(ErrorClass::Auth, QStringLiteral("timestamp outside the tolerance zone (in the future)"));
    return success();
}
} // namespace

namespace WebhookVerifier {

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

Status verifyStripe(
    const QByteArray &payload, const QByteArray &header, const QStringList &secrets, qint64 now, int toleranceSeconds)
{
    qint64 timestamp = -1;
    QList<QByteArray> signatures;
    for (const QByteArray &part : header.split(',')) {
        const qsizetype eq = part.indexOf('=');
        if (eq < 0)
            continue;
        const QByteArray key = part.left(eq).trimmed();
        const QByteArray value = part.mid(eq + 1).trimmed();
        if (key == "t") {
            bool ok = false;
            timestamp = value.toLongLong(&ok);
            if (!ok)
                timestamp = -1;
        } else if (key == "v1") {
            signatures << value;
        }
    }
    if (timestamp < 0)
        return failure(ErrorClass::Input, QStringLiteral("Unable to extract timestamp and signatures from header"));
    if (signatures.isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("No signatures found with expected scheme"));
    const QByteArray signedPayload = QByteArray::number(timestamp) + '.' + payload;
    bool matched = false;
    for (const QString &secret : secrets) {
        const QByteArray expected = hmac(secret.toUtf8(), signedPayload).toHex();
        for (const QByteArray &signature : signatures)
            matched = constantTimeEquals(expected, signature.toLower()) || matched; // no early exit
    }
    if (!matched)
        return failure(
            ErrorClass::Auth, QStringLiteral("No signatures found matching the expected signature for payload"));
    return checkTime(timestamp, now, toleranceSeconds);
}

Status verifyStandard(const QByteArray &payload, const QByteArray &id, const QByteArray &timestamp,
    const QByteArray &signatures, const QStringList &secrets, qint64 now, int toleranceSeconds)
{
    if (id.isEmpty() || timestamp.isEmpty() || signatures.isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("Missing webhook-id, webhook-timestamp or webhook-signature"));
    bool ok = false;
    const qint64 t = timestamp.toLongLong(&ok);
    if (!ok)
        return failure(ErrorClass::Input, QStringLiteral("Invalid webhook-timestamp"));
    Status inTime = checkTime(t, now, toleranceSeconds);
    if (!inTime)
        return inTime;
    const QByteArray signedContent = id + '.' + timestamp + '.' + payload;
    bool matched = false;
    for (const QString &secret : secrets) {
        const QByteArray expected = hmac(standardKey(secret), signedContent).toBase64();
        for (const QByteArray &entry : signatures.split(' ')) {
            const qsizetype comma = entry.indexOf(',');
            if (comma < 0 || entry.left(comma) != "v1")
                continue;
            matched = constantTimeEquals(expected, entry.mid(comma + 1)) || matched;
        }
    }
    if (!matched)
        return failure(ErrorClass::Auth, QStringLiteral("No matching signature found"));
    return success();
}

Status verifyHubSpotV3(const QByteArray &method, const QByteArray &uri, const QByteArray &body,
    const QByteArray &timestampMs, const QByteArray &signature, const QStringList &secrets, qint64 nowMs,
    int toleranceSeconds)
{
    bool ok = false;
    const qint64 t = timestampMs.toLongLong(&ok);
    if (!ok || signature.isEmpty())
        return failure(
            ErrorClass::Input, QStringLiteral("Missing X-HubSpot-Request-Timestamp or X-HubSpot-Signature-v3"));
    if (t < nowMs - qint64(toleranceSeconds) * 1000)
        return failure(ErrorClass::Auth, QStringLiteral("timestamp older than %1 seconds").arg(toleranceSeconds));
    bool matched = false;
    for (const QString &secret : secrets)
        matched = constantTimeEquals(signHubSpotV3(method, uri, body, t, secret), signature) || matched;
    if (!matched)
        return failure(ErrorClass::Auth, QStringLiteral("No matching signature found"));
    return success();
}

Status verifyHubSpotV1(const QByteArray &body, const QByteArray &signature, const QStringList &secrets)
{
    if (signature.isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("Missing X-HubSpot-Signature"));
    bool matched = false;
    for (const QString &secret : secrets) {
        const QByteArray expected
            = QCryptographicHash::hash(secret.toUtf8() + body, QCryptographicHash::Sha256).toHex();
        matched = constantTimeEquals(expected, signature.toLower()) || matched;
    }
    if (!matched)
        return failure(ErrorClass::Auth, QStringLiteral("No matching signature found"));
    return success();
}

QByteArray signHubSpotV3(
    const QByteArray &method, const QByteArray &uri, const QByteArray &body, qint64 timestampMs, const QString &secret)
{
    return hmac(secret.toUtf8(), method + uri + body + QByteArray::number(timestampMs)).toBase64();
}

QByteArray signStripe(const QByteArray &payload, const QString &secret, qint64 timestamp)
{
    const QByteArray t = QByteArray::number(timestamp);
    return "t=" + t + ",v1=" + hmac(secret.toUtf8(), t + '.' + payload).toHex();
}

QByteArray signStandard(const QByteArray &payload, const QByteArray &id, qint64 timestamp, const QString &secret)
{
    return "v1," + hmac(standardKey(secret), id + '.' + QByteArray::number(timestamp) + '.' + payload).toBase64();
}

} // namespace WebhookVerifier
