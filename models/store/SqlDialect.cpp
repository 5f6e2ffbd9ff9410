#include "store/SqlDialect.h"

#include <QSqlDatabase>
#include <QSqlDriver>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <memory>

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
    static const QRegularExpression appendOnlyTable(QStringLiteral("\\{\\{APPEND_ONLY (\\w+)\\}\\}"));
    for (auto match = appendOnlyTable.match(out); match.hasMatch(); match = appendOnlyTable.match(out))
        out.replace(match.capturedStart(), match.capturedLength(), appendOnly(match.captured(1)));
    return out;
}

QString SqliteDialect::appendOnly(const QString &table) const
{
    return QStringLiteral("CREATE TRIGGER %1_no_update BEFORE UPDATE ON %1 BEGIN SELECT RAISE(ABORT, 'the %1 table is "
                          "append-only'); END;\n"
                          "CREATE TRIGGER %1_no_delete BEFORE DELETE ON %1 BEGIN SELECT RAISE(ABORT, 'the %1 table is "
                          "append-only'); END;\n")
        .arg(table);
}

QString PostgresDialect::appendOnly(const QString &table) const
{
    return QStringLiteral(
        "CREATE OR REPLACE FUNCTION reconsole_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'the % table is append-only', TG_TABLE_NAME; END $$;\n"
        "CREATE TRIGGER %1_append_only BEFORE UPDATE OR DELETE ON %1 FOR EACH ROW EXECUTE FUNCTION "
        "reconsole_append_only();\n"
        "CREATE TRIGGER %1_no_truncate BEFORE TRUNCATE ON %1 FOR EACH STATEMENT EXECUTE FUNCTION "
        "reconsole_append_only();\n")
        .arg(table);
}

bool SqliteDialect::prepareConnection(QSqlDatabase &db, QString *error) const
{
    // WAL lets the page loader read while the console writes; busy_timeout rides out short
    // write locks held by another process (the agent) instead of failing at once.
    return runAll(db,
        { QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=NORMAL"),
            QStringLiteral("PRAGMA busy_timeout=5000"), QStringLiteral("PRAGMA foreign_keys=ON") },
        error);
}

bool PostgresDialect::prepareConnection(QSqlDatabase &db, QString *error) const
{
    return runAll(db, { QStringLiteral("SET client_min_messages TO WARNING") }, error);
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

QString SqlDialect::like(const QString &column) const
{
    return QStringLiteral("%1 %2 ? ESCAPE '!'").arg(column, caseInsensitiveLike());
}

QString SqlDialect::likeEscaped(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('!') || c == QLatin1Char('%') || c == QLatin1Char('_'))
            escaped += QLatin1Char('!');
        escaped += c;
    }
    return escaped;
}
