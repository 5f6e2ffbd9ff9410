#include "providers/PullCursorStore.h"

#include "store/Database.h"

#include <QSqlQuery>

QString PullCursor::describe() const
{
    if (!started())
        return QStringLiteral("none");
    if (backfillAfter.isEmpty())
        return newest;
    return QStringLiteral("%1 (first pull unfinished, continues after %2)").arg(newest, backfillAfter);
}

PullCursorStore::PullCursorStore(const Database &db)
    : m_db(db)
{ }

Result<PullCursor> PullCursorStore::get(const QString &providerId, const QString &stream) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(
        QStringLiteral("SELECT newest, backfill_after, since FROM pull_cursors WHERE provider_id = ? AND stream = ?"));
    q.addBindValue(providerId);
    q.addBindValue(stream);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot read where the pull of %1's %2 stands").arg(providerId, stream), q);
    if (!q.next())
        return PullCursor {};
    return PullCursor { q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong() };
}

Status PullCursorStore::set(
    const QString &providerId, const QString &stream, const PullCursor &cursor, const QString &actor)
{
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral(
        "INSERT INTO pull_cursors (provider_id, stream, newest, backfill_after, since, pulled_at, pulled_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id, stream) DO UPDATE SET newest = excluded.newest, "
        "backfill_after = excluded.backfill_after, since = excluded.since, pulled_at = excluded.pulled_at, "
        "pulled_by = excluded.pulled_by"));
    for (const QVariant &v : { QVariant(providerId), QVariant(stream), sqlText(cursor.newest),
             sqlText(cursor.backfillAfter), QVariant(cursor.since), QVariant(nowMs()), sqlText(actor) })
        q.addBindValue(v);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot store where the pull of %1's %2 stands").arg(providerId, stream), q);
    return success();
}
