#include "credentials/SecretRules.h"

#include <QUrl>

namespace SecretRules {

Status check(const QString &secret, const QString &environment, const QString &kind, const QString &providerKind)
{
    if (environment != QLatin1String("test") && environment != QLatin1String("live"))
        return failure(ErrorClass::Input, QStringLiteral("The environment must be test or live."));
    if (kind != QLatin1String("api-key") && kind != QLatin1String("webhook-secret"))
        return failure(ErrorClass::Input, QStringLiteral("The kind must be api-key or webhook-secret."));
    const QString s = secret.trimmed();
    if (s.size() < 12 || s.contains(QLatin1Char(' ')))
        return failure(ErrorClass::Input,
            QStringLiteral("That does not look like a secret (too short or with spaces); "
                           "paste the whole key."));
    const bool stripeShaped = s.startsWith(QLatin1String("sk_")) || s.startsWith(QLatin1String("rk_"))
        || s.startsWith(QLatin1String("pk_")) || s.startsWith(QLatin1String("whsec_"));
    if (providerKind == QLatin1String("crm")) {
        // HubSpot: the token and the client secret carry no environment of their own.
        if (stripeShaped)
            return failure(ErrorClass::Input,
                QStringLiteral("That is a Stripe secret; a CRM provider takes a HubSpot "
                               "private app token (pat-…) or its app's client secret."));
        return success();
    }
    if (kind == QLatin1String("webhook-secret")) {
        if (!s.startsWith(QLatin1String("whsec_")))
            return failure(ErrorClass::Input, QStringLiteral("A webhook signing secret starts with whsec_."));
        return success();
    }
    if (s.startsWith(QLatin1String("pk_")))
        return failure(ErrorClass::Input,
            QStringLiteral("That is a publishable key (pk_…); Reconsole needs the secret "
                           "key (sk_…) or a restricted key (rk_…)."));
    const bool live = s.startsWith(QLatin1String("sk_live_")) || s.startsWith(QLatin1String("rk_live_"));
    const bool test = s.startsWith(QLatin1String("sk_test_")) || s.startsWith(QLatin1String("rk_test_"));
    if (live && environment == QLatin1String("test"))
        return failure(
            ErrorClass::Input, QStringLiteral("That is a live key; it cannot be saved as a test credential."));
    if (test && environment == QLatin1String("live"))
        return failure(
            ErrorClass::Input, QStringLiteral("That is a test key; it cannot be saved as a live credential."));
    return success();
}

bool isSandboxUrl(const QString &baseUrl)
{
    const QString host = QUrl(baseUrl).host();
    return host == QLatin1String("localhost") || host == QLatin1String("::1") || host.startsWith(QLatin1String("127."));
}

} // namespace SecretRules
