#include "SqlDialect.h"

#include <QSqlDatabase>
#include <QSqlDriver>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <memory>
#include <QSqlError>
#include <QSqlQuery>

namespace {
bool runAll(QSqlDatabase &db, const QStringList &statements, QString *error)
{
    for (const QString &sql : statements) {
        QSqlQuery q(db);
        if (!q.exec(sql)) {
            *error = q.lastError().text();
            return false;
        }
    }
    return true;
}
} // namespace

QString SqlDialect::expandMigration(const QString &sql) const
{
    QString out = sql;
    out.replace(QStringLiteral("{{AUTO_ID}}"), autoIdType());
    return out;
}

bool SqliteDialect::prepareConnection(QSqlDatabase &db, QString *error) const
{
    // WAL lets the page loader read while the console writes; busy_timeout rides out short
    // write locks held by another process (the agent) instead of failing at once.
    return runAll(db,
                  {QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=NORMAL"),
                   QStringLiteral("PRAGMA busy_timeout=5000"), QStringLiteral("PRAGMA foreign_keys=ON")},
                  error);
}

bool PostgresDialect::prepareConnection(QSqlDatabase &db, QString *error) const
{
    return runAll(db, {QStringLiteral("SET client_min_messages TO WARNING")}, error);
}

std::function<void()> SqliteDialect::interrupter(const QSqlDatabase &db) const
{
    const QVariant handle = db.driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return [] {};
    sqlite3 *connection = *static_cast<sqlite3 *const *>(handle.constData());
    return [connection] { sqlite3_interrupt(connection); }; // documented as safe from any thread
}

std::function<void()> PostgresDialect::interrupter(const QSqlDatabase &db) const
{
    const QVariant handle = db.driver()->handle();
    if (qstrcmp(handle.typeName(), "PGconn*") != 0)
        return [] {};
    PGconn *connection = *static_cast<PGconn *const *>(handle.constData());
    // PQcancel (not PQgetCancel) is the part libpq allows from another thread.
    std::shared_ptr<PGcancel> cancel(PQgetCancel(connection), PQfreeCancel);
    return [cancel] {
        char error[256];
        if (cancel)
            PQcancel(cancel.get(), error, sizeof error);
    };
}
