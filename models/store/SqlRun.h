#pragma once

#include "core/Result.h"
#include "store/Database.h"

#include <QSqlQuery>
#include <QVariantList>

// One prepared statement with its values bound in order, run forward only: the query to read,
// or a storage error that says `what` was being done.
inline Result<QSqlQuery> runSql(const Database &db, const QString &sql, const QVariantList &binds, const QString &what)
{
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return storageError(what, q);
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!q.exec())
        return storageError(what, q);
    return q;
}
