#pragma once

#include "access/AuditLog.h"
#include "core/Result.h"
#include "credentials/Credential.h"

#include <QList>
#include <QStringList>

#include <optional>

class Database;

// Credential metadata in the database: which keys exist, who uses them, how they fared.
class CredentialStore
{
public:
    explicit CredentialStore(const Database &db);

    Result<QList<Credential>> all() const;
    Result<Credential> get(const QString &id) const;
    Status insert(const Credential &credential, const std::optional<AuditEntry> &audit = std::nullopt);
    Status remove(const QString &id); // only for a rotation rolled back before anyone used it
    Status recordVerification(const QString &id, qint64 at, const QString &result);
    Status markRevoked(const QString &id, qint64 at, const AuditEntry &audit);
    // Points every provider that uses `from` at `to` and links the two, in one transaction.
    Status switchUsers(const QString &from, const QString &to, qint64 at, const AuditEntry &audit);
    // Providers that use the credential, and how many operations go through them.
    Result<QStringList> providersUsing(const QString &id) const;
    Result<qint64> operationsUsing(const QString &id) const;

    static QString newId();

private:
    const Database &m_db;
};
