#include "statements/StatementService.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "store/Database.h"

#include <QFileInfo>

StatementService::StatementService(const Database &db, const AccessPolicy &access)
    : m_db(db)
    , m_access(access)
{ }

Result<StatementFileImport> StatementService::importFile(
    const QString &path, std::optional<StatementFormat> format, const QString &account)
{
    const QString fileName = QFileInfo(path).fileName();
    Status allowed = m_access.require(
        Permission::Reconcile, m_db, QStringLiteral("statement.import"), QStringLiteral("file:") + fileName);
    if (!allowed)
        return allowed.error();
    if (!format) {
        auto detected = StatementReader::detectFile(path);
        if (!detected)
            return detected.error();
        format = detected.value();
    }
    auto read = StatementReader::readFile(path, format);
    if (!read)
        return read.error();
    StatementFileImport result { fileName, *format, std::move(read).value(), {} };
    for (Statement &s : result.statements) {
        if (s.account.isEmpty() && !account.isEmpty())
            s.account = account;
        else if (!account.isEmpty() && s.account != account)
            return failure(ErrorClass::Input,
                QStringLiteral("%1 is a statement of account %2, not %3; nothing was imported. Leave out --account, or "
                               "pick the right file.")
                    .arg(fileName, s.account, account));
        if (s.account.isEmpty())
            return failure(
                ErrorClass::Input, QStringLiteral("%1 names no account; give it with --account.").arg(fileName));
    }

    Transaction tx(m_db.connection());
    auto stored = StatementStore(m_db).store(
        tx, result.statements, StatementReader::formatName(result.format), fileName, m_access.actor());
    if (!stored)
        return stored.error();
    result.stored = stored.value();
    qsizetype lines = 0;
    for (const Statement &s : result.statements)
        lines += s.lines.size();
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = QStringLiteral("statement.import");
    e.target = QStringLiteral("file:") + fileName;
    e.reason = QStringLiteral("imported %1 (%2)").arg(fileName, StatementReader::formatName(result.format));
    e.after = QStringLiteral("%1 statements, %2 lines: %3 new, %4 already there")
                  .arg(result.stored.statements)
                  .arg(lines)
                  .arg(result.stored.linesImported)
                  .arg(result.stored.duplicatesSkipped);
    if (Status committed = AuditLog(m_db).commitWith(tx, e, QStringLiteral("the import of %1").arg(fileName));
        !committed)
        return committed.error();
    return result;
}
