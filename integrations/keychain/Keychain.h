#pragma once

#include "core/Result.h"

#include <QHash>
#include <QString>

#include <functional>

// Where provider secrets live. The real one is the OS keychain (SystemKeychain);
// the in-memory one serves unit tests. There is no other: never the database, never a file.
class Keychain
{
public:
    using SecretCallback = std::function<void(Result<QString>)>;
    using StatusCallback = std::function<void(Status)>;

    virtual ~Keychain() = default;
    virtual void read(const QString &credentialId, SecretCallback done) = 0;
    virtual void write(const QString &credentialId, const QString &secret, StatusCallback done) = 0;
    virtual void remove(const QString &credentialId, StatusCallback done) = 0;
};

class MemoryKeychain : public Keychain
{
public:
    void read(const QString &credentialId, SecretCallback done) override;
    void write(const QString &credentialId, const QString &secret, StatusCallback done) override;
    void remove(const QString &credentialId, StatusCallback done) override;

private:
    QHash<QString, QString> m_secrets;
};
