#pragma once

#include "core/Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

class Database;
class Transaction;

struct AuditEntry
{
    qint64 id = 0;
    qint64 at = 0;
    QString actor;
    QString action; // operation.retry, operation.resolve, credential.store, ...
    QString target; // operation:42
    QString reason;
    QString before;
    QString after;
    QString prevHash;
    QString hash;
};

struct AuditVerification
{
    qint64 entries = 0;
    qint64 firstBrokenId = 0; // 0 when the chain is intact
    QString problem;
};

// The append-only, hash-chained audit log: each entry's hash covers its fields and the
// previous entry's hash, so editing or deleting a row breaks every later link.
class AuditLog
{
public:
    explicit AuditLog(const Database &db);

    // The one way an entry is written. Inside the caller's transaction it joins it, so the
    // audited change and its entry commit together; otherwise in a transaction of its own.
    // A caller whose entry cannot be written fails the action it records.
    Status append(const AuditEntry &entry);
    // Appends `entry` inside `tx` and commits: the audited change and its entry land together
    // or not at all. `what` names the change in the error.
    Status commitWith(Transaction &tx, const AuditEntry &entry, const QString &what);
    Result<QList<AuditEntry>> entriesFor(const QString &target) const;
    Result<QList<AuditEntry>> entries() const; // all, oldest first
    Result<AuditVerification> verify() const;

    static QString hashOf(const AuditEntry &entry);

private:
    Status write(AuditEntry entry);

    const Database &m_db;
};
