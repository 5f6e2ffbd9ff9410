#include "credentials/CredentialStore.h"

#include "store/Database.h"

#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

namespace {
const char *kColumns = "id, provider_id, environment, kind, label, fingerprint, scopes, created_at, rotated_at, "
                       "expires_at, verified_at, verify_result, revoked_at, replaced_by, rotated_from";

Credential credentialFrom(const QSqlQuery &q)
{
    Credential c;
    c.id = q.value(0).toString();
    c.providerId = q.value(1).toString();
    c.environment = q.value(2).toString();
    c.kind = q.value(3).toString();
    c.label = q.value(4).toString();
    c.fingerprint = q.value(5).toString();
    c.scopes = q.value(6).toString();
    c.createdAt = q.value(7).toLongLong();
    c.rotatedAt = q.value(8).toLongLong();
    c.expiresAt = q.value(9).toLongLong();
    c.verifiedAt = q.value(10).toLongLong();
    c.verifyResult = q.value(11).toString();
    c.revokedAt = q.value(12).toLongLong();
    c.replacedBy = q.value(13).toString();
    c.rotatedFrom = q.value(14).toString();
    return c;
}

QVariant optionalTime(qint64 ms)
{
    return ms ? QVariant(ms) : QVariant(QMetaType::fromType<qint64>());
}

} // namespace

CredentialStore::CredentialStore(const Database &db)
    : m_db(db)
{ }

QString CredentialStore::newId()
{
    return QStringLiteral("cred_%1").arg(
        QRandomGenerator::system()->generate64() & 0xffffffffffffULL, 12, 16, QLatin1Char('0'));
}

Result<QList<Credential>> CredentialStore::all() const
{
    QSqlQuery q(m_db.connection());
    if (!q.exec(
            QStringLiteral("SELECT %1 FROM credentials ORDER BY provider_id, created_at").arg(QLatin1String(kColumns))))
        return storageError(QStringLiteral("Cannot list credentials"), q);
    QList<Credential> list;
    while (q.next())
        list << credentialFrom(q);
    return list;
}

Result<Credential> CredentialStore::get(const QString &id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM credentials WHERE id = ?").arg(QLatin1String(kColumns)));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read credential %1").arg(id), q);
    if (!q.next())
        return failure(ErrorClass::Input,
            QStringLiteral("There is no credential '%1'; `reconsolectl credentials list` shows them.").arg(id));
    return credentialFrom(q);
}

Status CredentialStore::insert(const Credential &c, const std::optional<AuditEntry> &audit)
{
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("INSERT INTO credentials (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                  .arg(QLatin1String(kColumns)));
    for (const QVariant &v : { sqlText(c.id), sqlText(c.providerId), sqlText(c.environment), sqlText(c.kind),
             sqlText(c.label), sqlText(c.fingerprint), sqlText(c.scopes), QVariant(c.createdAt ? c.createdAt : nowMs()),
             optionalTime(c.rotatedAt), optionalTime(c.expiresAt), optionalTime(c.verifiedAt), sqlText(c.verifyResult),
             optionalTime(c.revokedAt), sqlText(c.replacedBy), sqlText(c.rotatedFrom) })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store credential %1").arg(c.id), q);
    if (audit) {
        Status audited = AuditLog(m_db).append(*audit);
        if (!audited)
            return audited;
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit credential %1").arg(c.id));
    return success();
}

Status CredentialStore::remove(const QString &id)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("DELETE FROM credentials WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot remove credential %1").arg(id), q);
    return success();
}

Status CredentialStore::recordVerification(const QString &id, qint64 at, const QString &result)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE credentials SET verified_at = ?, verify_result = ? WHERE id = ?"));
    q.addBindValue(at);
    q.addBindValue(sqlText(result));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot record the verification"), q);
    return success();
}

Status CredentialStore::markRevoked(const QString &id, qint64 at, const AuditEntry &audit)
{
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE credentials SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"));
    q.addBindValue(at);
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot revoke credential %1").arg(id), q);
    if (q.numRowsAffected() != 1)
        return failure(ErrorClass::State, QStringLiteral("Credential %1 is already revoked.").arg(id));
    Status audited = AuditLog(m_db).append(audit);
    if (!audited)
        return audited;
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the revocation of %1").arg(id));
    return success();
}

Status CredentialStore::switchUsers(const QString &from, const QString &to, qint64 at, const AuditEntry &audit)
{
    Transaction tx(m_db.connection());
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("UPDATE providers SET credential_id = ? WHERE credential_id = ?"));
    q.addBindValue(to);
    q.addBindValue(from);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot switch providers to credential %1").arg(to), q);
    q.prepare(QStringLiteral("UPDATE credentials SET replaced_by = ? WHERE id = ?"));
    q.addBindValue(to);
    q.addBindValue(from);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot link the rotated credentials"), q);
    q.prepare(QStringLiteral("UPDATE credentials SET rotated_at = ?, rotated_from = ? WHERE id = ?"));
    q.addBindValue(at);
    q.addBindValue(from);
    q.addBindValue(to);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot link the rotated credentials"), q);
    Status audited = AuditLog(m_db).append(audit);
    if (!audited)
        return audited;
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the switch to credential %1").arg(to));
    return success();
}

Result<QStringList> CredentialStore::providersUsing(const QString &id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT id FROM providers WHERE credential_id = ? ORDER BY id"));
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot find the users of credential %1").arg(id), q);
    QStringList list;
    while (q.next())
        list << q.value(0).toString();
    return list;
}

Result<qint64> CredentialStore::operationsUsing(const QString &id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM operations WHERE provider_id IN "
                             "(SELECT id FROM providers WHERE credential_id = ?)"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return storageError(QStringLiteral("Cannot count the operations using credential %1").arg(id), q);
    return q.value(0).toLongLong();
}
