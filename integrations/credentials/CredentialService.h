#pragma once

#include "core/Result.h"
#include "credentials/Credential.h"

#include <QObject>

#include <functional>

class AccessPolicy;
class Keychain;
class Database;
class ProviderRegistry;

// Everything an admin does to credentials: add, verify, rotate, revoke, reveal. Secrets go
// to and come from the keychain only; the database keeps metadata and the audit log keeps
// every step, never the secret. The console and reconsolectl both come through here.
class CredentialService : public QObject
{
    Q_OBJECT
public:
    template <typename T> using Callback = std::function<void(T)>;

    struct NewCredential
    {
        QString providerId;
        QString environment = QStringLiteral("test");
        QString kind = QStringLiteral("api-key");
        QString label;
        QString scopes;
        qint64 expiresAt = 0;
    };

    // A bearer token the business's systems present to the intake API (docs/intake.md).
    struct IntakeToken
    {
        Credential credential;
        QString token; // handed out once, here; afterwards only the keychain has it
    };

    CredentialService(const Database &db, Keychain &store, ProviderRegistry &providers, const AccessPolicy &access,
        QObject *parent = nullptr);

    void add(const NewCredential &request, const QString &secret, Callback<Result<Credential>> done);
    // Stores the result either way; an error when the provider refused the key.
    void verify(const QString &id, Callback<Result<Credential>> done);
    // New secret → verified → every user switched in one transaction; the old one stays until
    // revoked. Any failure rolls back and leaves the old credential in use.
    void rotate(const QString &id, const QString &newSecret, Callback<Result<Credential>> done);
    void revoke(const QString &id, const QString &reason, Callback<Status> done);
    // Reveals an API key or webhook secret; an intake token is never shown again.
    void reveal(const QString &id, Callback<Result<QString>> done);
    // Makes a new intake token (kind "intake-token", no provider), kept in the keychain; the
    // token is in the result and nowhere else the caller could read it later.
    void createIntakeToken(const QString &label, Callback<Result<IntakeToken>> done);
    static QString newIntakeTokenSecret();

Q_SIGNALS:
    // Credentials an add, verify, rotate or revoke may have changed (a failed verification is
    // stored too), emitted before the caller hears the outcome, so every view reads them again.
    void credentialsChanged(const QStringList &ids);

private:
    // `done`, preceded by credentialsChanged for `ids` and whatever the result names.
    template <typename T> Callback<T> announcing(const QStringList &ids, Callback<T> done);
    // The credential `action` may act on: the role allows it and it is not revoked.
    Result<Credential> usable(const QString &id, const QString &action) const;
    void verifySecret(const Credential &credential, const QString &secret, Callback<Result<QString>> done);
    Status audit(const QString &action, const QString &target, const QString &reason, const QString &before = {},
        const QString &after = {});

    const Database &m_db;
    Keychain &m_store;
    ProviderRegistry &m_providers;
    const AccessPolicy &m_access;
};
