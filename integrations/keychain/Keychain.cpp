#include "keychain/Keychain.h"

void MemoryKeychain::read(const QString &credentialId, SecretCallback done)
{
    const auto it = m_secrets.constFind(credentialId);
    if (it == m_secrets.constEnd())
        done(failure(ErrorClass::Keychain, QStringLiteral("No secret stored for credential '%1'.").arg(credentialId)));
    else
        done(*it);
}

void MemoryKeychain::write(const QString &credentialId, const QString &secret, StatusCallback done)
{
    m_secrets.insert(credentialId, secret);
    done(success());
}

void MemoryKeychain::remove(const QString &credentialId, StatusCallback done)
{
    m_secrets.remove(credentialId);
    done(success());
}
