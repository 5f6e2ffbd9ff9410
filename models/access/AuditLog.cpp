#include "access/AuditLog.h"

#include "core/Redactor.h"
#include "store/Database.h"

#include <QCryptographicHash>
#include <QSqlError>
#include <QSqlQuery>

namespace {
const QString kGenesis = QStringLiteral("genesis");

AuditEntry entryFrom(const QSqlQuery &q)
{
    AuditEntry e;
    e.id = q.value(0).toLongLong();
    e.at = q.value(1).toLongLong();
    e.actor = q.value(2).toString();
    e.action = q.value(3).toString();
    e.target = q.value(4).toString();
    e.reason = q.value(5).toString();
    e.before = q.value(6).toString();
    e.after = q.value(7).toString();
    e.prevHash = q.value(8).toString();
    e.hash = q.value(9).toString();
    return e;
}

const char *kColumns = "id, at, actor, action, target, reason, before_state, after_state, prev_hash, hash";
} // namespace

AuditLog::AuditLog(const Database &db)
    : m_db(db)
{ }

QString AuditLog::hashOf(const AuditEntry &e)
{
    // Length-prefixed fields, so moving text from one field into the next changes the hash.
    QCryptographicHash h(QCryptographicHash::Sha256);
    const QStringList fields { e.prevHash, QString::number(e.at), e.actor, e.action, e.target, e.reason, e.before,
        e.after };
    for (const QString &f : fields) {
        const QByteArray bytes = f.toUtf8();
        h.addData(QByteArray::number(bytes.size()) + ':');
        h.addData(bytes);
    }
    return QString::fromLatin1(h.result().toHex());
}

Status AuditLog::append(const AuditEntry &entry)
{
    Transaction tx(m_db.connection());
    Status appended = write(entry);
    if (!appended)
        return appended;
    if (!tx.commit())
        return failure(ErrorClass::Storage,
            QStringLiteral("Cannot commit the audit entry: %1").arg(m_db.connection().lastError().text()));
    return success();
}

Status AuditLog::commitWith(Transaction &tx, const AuditEntry &entry, const QString &what)
{
    Status appended = write(entry);
    if (!appended)
        return appended;
    if (!tx.commit())
        return failure(ErrorClass::Storage,
            QStringLiteral("Cannot commit %1: %2").arg(what, m_db.connection().lastError().text()));
    return success();
}

Status AuditLog::write(AuditEntry entry)
{
    QSqlQuery q(m_db.connection());
    const QString lock = m_db.dialect().lockAuditForAppend();
    if (!lock.isEmpty() && !q.exec(lock))
        return failure(ErrorClass::Storage, QStringLiteral("Cannot lock the audit log: %1").arg(q.lastError().text()));
    if (!q.exec(QStringLiteral("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")))
        return failure(ErrorClass::Storage, QStringLiteral("Cannot read the audit log: %1").arg(q.lastError().text()));
    entry.prevHash = q.next() ? q.value(0).toString() : kGenesis;
    if (entry.at == 0)
        entry.at = nowMs();
    entry.reason = Redactor::redact(entry.reason);
    entry.before = Redactor::redact(entry.before);
    entry.after = Redactor::redact(entry.after);
    entry.hash = hashOf(entry);
    q.prepare(QStringLiteral("INSERT INTO audit_log (at, actor, action, target, reason, before_state, after_state, "
                             "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &v :
        { QVariant(entry.at), sqlText(entry.actor), sqlText(entry.action), sqlText(entry.target), sqlText(entry.reason),
            sqlText(entry.before), sqlText(entry.after), sqlText(entry.prevHash), sqlText(entry.hash) })
        q.addBindValue(v);
    if (!q.exec())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot write the audit log: %1").arg(q.lastError().text()));
    return success();
}

Result<QList<AuditEntry>> AuditLog::entriesFor(const QString &target) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT %1 FROM audit_log WHERE target = ? ORDER BY id").arg(QLatin1String(kColumns)));
    q.addBindValue(target);
    if (!q.exec())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot read the audit log: %1").arg(q.lastError().text()));
    QList<AuditEntry> entries;
    while (q.next())
        entries << entryFrom(q);
    return entries;
}

Result<QList<AuditEntry>> AuditLog::entries() const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT %1 FROM audit_log ORDER BY id").arg(QLatin1String(kColumns))))
        return failure(ErrorClass::Storage, QStringLiteral("Cannot read the audit log: %1").arg(q.lastError().text()));
    QList<AuditEntry> list;
    while (q.next())
        list << entryFrom(q);
    return list;
}

Result<AuditVerification> AuditLog::verify() const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT %1 FROM audit_log ORDER BY id").arg(QLatin1String(kColumns))))
        return failure(ErrorClass::Storage, QStringLiteral("Cannot read the audit log: %1").arg(q.lastError().text()));
    AuditVerification v;
    QString expectedPrev = kGenesis;
    while (q.next()) {
        const AuditEntry e = entryFrom(q);
        ++v.entries;
        if (e.prevHash != expectedPrev) {
            v.firstBrokenId = e.id;
            v.problem = QStringLiteral("entry %1 does not follow the entry before it (an entry was removed or "
                                       "reordered)")
                            .arg(e.id);
            break;
        }
        if (hashOf(e) != e.hash) {
            v.firstBrokenId = e.id;
            v.problem = QStringLiteral("entry %1 was changed after it was written").arg(e.id);
            break;
        }
        expectedPrev = e.hash;
    }
    return v;
}
