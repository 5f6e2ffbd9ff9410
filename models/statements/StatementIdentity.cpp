#include "statements/StatementIdentity.h"

#include "statements/Statement.h"

#include <QCryptographicHash>
#include <QHash>

void StatementIdentity::assign(Statement &statement)
{
    Assigner assigner(statement.account);
    for (StatementLine &line : statement.lines)
        assigner.assign(line);
}

void StatementIdentity::Assigner::assign(StatementLine &line)
{
    if (!line.bankEntryId.isEmpty()) {
        line.identity = QStringLiteral("bank:%1:%2").arg(m_account, line.bankEntryId);
        return;
    }
    const QChar unit(0x1f);
    const QStringList fields { m_account, line.bookingDate.toString(Qt::ISODate), line.valueDate.toString(Qt::ISODate),
        QString::number(line.signedMinor()), line.currency, line.endToEndId, line.references.join(unit),
        line.counterpartyName, line.counterpartyAccount, line.description };
    const QByteArray digest = QCryptographicHash::hash(fields.join(unit).toUtf8(), QCryptographicHash::Sha256);
    const int before = m_seen[digest]++;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(digest);
    hash.addData(QByteArray::number(before));
    line.identity = QStringLiteral("sha256:") + QString::fromLatin1(hash.result().toHex());
}
