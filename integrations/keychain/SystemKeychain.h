#pragma once

#include "keychain/Keychain.h"

// Secrets in the OS keychain through QtKeychain (Secret Service, KWallet, macOS Keychain,
// Windows Credential Manager), service "reconsole", one entry per credential id.
// The insecure plaintext fallback of QtKeychain is never enabled.
class SystemKeychain : public Keychain
{
public:
    static constexpr auto kService = "reconsole";

    void read(const QString &credentialId, SecretCallback done) override;
    void write(const QString &credentialId, const QString &secret, StatusCallback done) override;
    void remove(const QString &credentialId, StatusCallback done) override;

    static QString keyFor(const QString &credentialId);
};
