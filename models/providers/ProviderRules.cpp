#include "providers/ProviderRules.h"

#include <QByteArray>
#include <QRegularExpression>
#include <QUrl>

namespace {
// Stripe's basic rate limiter: 100 operations per second in live mode, 25 in test mode (a
// second's worth may come at once). https://docs.stripe.com/rate-limits
constexpr double kStripeLiveRate = 100;
constexpr double kStripeTestRate = 25;
// HubSpot private apps, the lowest tier (Free and Starter): 100 requests per 10 seconds, the
// same in a test portal. https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
// and the tier table at https://developers.hubspot.com/docs/apps/legacy-apps/private-apps/overview
constexpr double kHubSpotRate = 10;
constexpr int kHubSpotBurst = 100;

// Stripe keeps an idempotency key for 24 hours, after which a reused key is a new request.
// https://docs.stripe.com/api/idempotent_requests. HubSpot's CRM objects API takes no key.
constexpr int kStripeIdempotencyHours = 24;

const QLatin1String kPayments("payments");
const QLatin1String kCrm("crm");

Status refuse(const QString &field, const QString &why)
{
    return failure(ErrorClass::Input, QStringLiteral("%1: %2").arg(field, why));
}
} // namespace

namespace ProviderRules {

QStringList kinds()
{
    return { kPayments, kCrm };
}

QStringList environments()
{
    return { QStringLiteral("test"), QStringLiteral("live") };
}

QString defaultBaseUrl(const QString &kind)
{
    if (kind == kPayments)
        return QStringLiteral("https://api.stripe.com");
    if (kind == kCrm)
        return QStringLiteral("https://api.hubapi.com");
    return {};
}

double defaultRate(const QString &kind, const QString &environment)
{
    if (kind == kPayments)
        return environment == QLatin1String("live") ? kStripeLiveRate : kStripeTestRate;
    return kind == kCrm ? kHubSpotRate : 0;
}

int defaultBurst(const QString &kind, const QString &environment)
{
    if (kind == kPayments)
        return int(defaultRate(kind, environment));
    return kind == kCrm ? kHubSpotBurst : 0;
}

bool isLoopback(const QString &baseUrl)
{
    const QString host = QUrl(baseUrl).host().toLower();
    return host == QLatin1String("localhost") || host == QLatin1String("::1") || host.startsWith(QLatin1String("127."));
}

Status checkPem(const QString &pem)
{
    if (pem.trimmed().isEmpty())
        return success();
    static const QRegularExpression block(
        QStringLiteral("-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----"));
    int found = 0;
    QString rest = pem;
    for (auto it = block.globalMatch(pem); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const auto der
            = QByteArray::fromBase64Encoding(m.captured(1).remove(QRegularExpression(QStringLiteral("\\s"))).toLatin1(),
                QByteArray::AbortOnBase64DecodingErrors);
        // A certificate is a DER SEQUENCE (0x30); anything else is not one, however it is wrapped.
        if (!der || der.decoded.size() < 16 || der.decoded.at(0) != 0x30)
            return refuse(QStringLiteral("Extra CA"),
                QStringLiteral("certificate %1 in the PEM does not decode; export the CA again as PEM.")
                    .arg(found + 1));
        ++found;
        rest.remove(m.captured(0));
    }
    if (found == 0)
        return refuse(QStringLiteral("Extra CA"),
            QStringLiteral("no \"-----BEGIN CERTIFICATE-----\" block; give the CA certificate as PEM."));
    if (!rest.trimmed().isEmpty())
        return refuse(QStringLiteral("Extra CA"),
            QStringLiteral("the file holds something besides certificates (a private key?); give only the CA's "
                           "certificates."));
    return success();
}

Status check(const ProviderConfig &p)
{
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,63}$"));
    if (p.id.isEmpty())
        return refuse(QStringLiteral("Id"), QStringLiteral("is empty; give a short name such as stripe-live."));
    if (!idPattern.match(p.id).hasMatch())
        return refuse(QStringLiteral("Id"),
            QStringLiteral("'%1' may hold only lower-case letters, digits, '.', '_' and '-' (at most 64, starting "
                           "with a letter or digit): it is part of the webhook URL.")
                .arg(p.id));
    if (!kinds().contains(p.kind))
        return refuse(QStringLiteral("Kind"),
            QStringLiteral("'%1' is unknown; use payments (Stripe-compatible) or crm (HubSpot-compatible).")
                .arg(p.kind));
    if (!environments().contains(p.environment))
        return refuse(
            QStringLiteral("Environment"), QStringLiteral("'%1' is neither test nor live.").arg(p.environment));
    const QUrl url(p.baseUrl, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (p.baseUrl.isEmpty() || !url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
        return refuse(QStringLiteral("Base URL"),
            QStringLiteral("'%1' is not an http(s) address; the public one is %2.")
                .arg(p.baseUrl, defaultBaseUrl(p.kind)));
    if (url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty())
        return refuse(QStringLiteral("Base URL"),
            QStringLiteral("'%1' carries a query, fragment or password; give only scheme, host, port and path.")
                .arg(p.baseUrl));
    const bool loopback = isLoopback(p.baseUrl);
    if (p.environment == QLatin1String("live") && (scheme != QLatin1String("https") || loopback))
        return refuse(QStringLiteral("Base URL"),
            QStringLiteral("a live provider must be reached over https:// at the provider, not %1 (live keys never "
                           "go to a sandbox or in clear text); use %2, or set the environment to test.")
                .arg(p.baseUrl, defaultBaseUrl(p.kind)));
    if (scheme == QLatin1String("http") && !loopback)
        return refuse(QStringLiteral("Base URL"),
            QStringLiteral("http:// is allowed only for a sandbox on this machine (127.0.0.1, localhost); use "
                           "https:// for %1.")
                .arg(url.host()));
    if (!(p.ratePerSecond > 0))
        return refuse(QStringLiteral("Rate limit"),
            QStringLiteral("%1 requests per second is not a limit; it must be above 0 (the provider documents %2).")
                .arg(p.ratePerSecond)
                .arg(defaultRate(p.kind, p.environment)));
    if (p.burst < 1)
        return refuse(QStringLiteral("Burst"),
            QStringLiteral("%1 would let no request through; it must be at least 1 (the provider allows %2).")
                .arg(p.burst)
                .arg(defaultBurst(p.kind, p.environment)));
    if (p.timeoutMs <= 0)
        return refuse(QStringLiteral("Timeout"),
            QStringLiteral("%1 ms would abort every request; it must be above 0 (default %2 ms).")
                .arg(p.timeoutMs)
                .arg(kDefaultTimeoutMs));
    if (Status retry = checkRetrySettings(p); !retry)
        return retry;
    return checkPem(p.extraCaPem);
}

int defaultIdempotencyWindowHours(const QString &kind)
{
    return kind == kPayments ? kStripeIdempotencyHours : 0;
}

ProviderConfig defaults(const QString &kind, const QString &environment)
{
    ProviderConfig p;
    p.kind = kind;
    p.environment = environment;
    p.baseUrl = defaultBaseUrl(kind);
    p.ratePerSecond = defaultRate(kind, environment);
    p.burst = defaultBurst(kind, environment);
    p.timeoutMs = kDefaultTimeoutMs;
    p.idempotencyWindowHours = defaultIdempotencyWindowHours(kind);
    return p;
}

Status checkRetrySettings(const ProviderConfig &p)
{
    if (p.retryHeadroomPercent < 0 || p.retryHeadroomPercent > 90)
        return refuse(QStringLiteral("Headroom"),
            QStringLiteral("%1 % is not a share of the rate limit to keep for live traffic; give 0 to 90 (default 20).")
                .arg(p.retryHeadroomPercent));
    if (p.idempotencyWindowHours < 0)
        return refuse(QStringLiteral("Idempotency window"),
            QStringLiteral(
                "%1 hours cannot be; give 0 (the provider keeps no keys) or more (the provider documents %2).")
                .arg(p.idempotencyWindowHours)
                .arg(defaultIdempotencyWindowHours(p.kind)));
    if (p.bulkApprovalAbove < 0)
        return refuse(QStringLiteral("Bulk approval"),
            QStringLiteral("%1 sends cannot be a threshold; give 0 (every bulk retry is approved) or more.")
                .arg(p.bulkApprovalAbove));
    return success();
}

Status checkNew(const ProviderConfig &p, const QStringList &existingIds)
{
    if (existingIds.contains(p.id))
        return refuse(QStringLiteral("Id"),
            QStringLiteral("a provider '%1' already exists; edit it, or pick another id.").arg(p.id));
    return check(p);
}

} // namespace ProviderRules
