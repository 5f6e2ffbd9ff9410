#pragma once

#include <QString>

// A credential's metadata. The secret itself is only ever in the OS keychain.
struct Credential
{
    QString id;
    QString providerId;
    QString environment; // "test" or "live"
    QString kind; // "api-key" or "webhook-secret"
    QString label;
    QString fingerprint; // last four characters, "…4242"
    QString scopes;
    qint64 createdAt = 0;
    qint64 rotatedAt = 0; // when it replaced the one before it
    qint64 expiresAt = 0;
    qint64 verifiedAt = 0;
    QString verifyResult; // "ok" or why not
    qint64 revokedAt = 0;
    QString replacedBy; // the credential that took over in a rotation
    QString rotatedFrom; // the credential this one replaced

    bool isRevoked() const { return revokedAt != 0; }
    bool expiresWithin(qint64 now, int days) const
    {
        return expiresAt != 0 && !isRevoked() && expiresAt <= now + qint64(days) * 86400000;
    }
};
