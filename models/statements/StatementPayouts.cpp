#include "statements/StatementPayouts.h"

#include "store/Database.h"

#include <QSqlQuery>

StatementPayouts::StatementPayouts(const Database &db)
    : m_db(db)
{ }

Result<int> StatementPayouts::link(const QString &account, const QStringList &identities, const QString &payoutId)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral(
        "UPDATE statement_lines SET payout_id = ? WHERE account = ? AND identity = ? AND payout_id <> ?"));
    int changed = 0;
    for (const QString &identity : identities) {
        q.addBindValue(payoutId);
        q.addBindValue(account);
        q.addBindValue(identity);
        q.addBindValue(payoutId);
        if (!q.exec())
            return storageError(QStringLiteral("Cannot link %1's lines to payout %2").arg(account, payoutId), q);
        changed += qMax(0, q.numRowsAffected());
    }
    return changed;
}
