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
    static const QRegularExpression onlyBlock(
        QStringLiteral("\\{\\{ONLY (\\w+)\\}\\}(.*?)\\{\\{END\\}\\}"), QRegularExpression::DotMatchesEverythingOption);
    for (auto match = onlyBlock.match(out); match.hasMatch(); match = onlyBlock.match(out))
        out.replace(
            match.capturedStart(), match.capturedLength(), match.captured(1) == name() ? match.captured(2) : QString());
    return out;
}

QString SqliteDialect::jsonText(const QString &column, const QString &key) const
{
    // json_valid first: one malformed payload must not make every listing fail.
    return QStringLiteral("(CASE WHEN json_valid(%1) THEN COALESCE(json_extract(%1, '$.%2'), '') ELSE '' END)")
        .arg(column, key);
}

QString PostgresDialect::jsonText(const QString &column, const QString &key) const
{
    return QStringLiteral("COALESCE(%1::jsonb ->> '%2', '')").arg(column, key);
}

QString SqliteDialect::searchIndexMatch(const QString &table, const QString &) const
{
    return QStringLiteral("id IN (SELECT rowid FROM %1_search WHERE %1_search MATCH ?)").arg(table);
}

QString SqliteDialect::searchIndexRowTest(const QString &table, const QString &) const
{
    // '+' keeps the planner on the sort index; the matching ids are gathered once.
    return QStringLiteral("+id IN (SELECT rowid FROM %1_search WHERE %1_search MATCH ?)").arg(table);
}

QStringList SqliteDialect::searchIndexValues(const QString &text) const
{
    // One FTS5 phrase: inside double quotes every character is literal; a trigram phrase
    // matches where its trigrams follow each other, which is a substring match.
    QString phrase = text;
    phrase.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return { QLatin1Char('"') + phrase + QLatin1Char('"') };
}

std::optional<SqlDialect::IdOrderedSearch> SqliteDialect::idOrderedSearch(const QString &text) const
{
    if (!searchIndexCan(text))
        return std::nullopt;
    IdOrderedSearch search;
    for (const QString &value : searchIndexValues(text))
        search.values << value;
    return search;
}

QString SqliteDialect::idOrderedSearchSql(
    const QString &table, const QString &filters, const QString &keyOp, bool descending) const
{
    // CROSS JOIN keeps the index as the outer loop; FTS5 takes `ORDER BY rowid` and rowid
    // bounds itself, so `LIMIT n` reads n matches (2 ms for 100,000 of them, against 450 ms
    // for sorting them all by created_at).
    QString where = filters.isEmpty() ? QString() : filters + QStringLiteral(" AND ");
    where += QStringLiteral("s.%1_search MATCH ?").arg(table);
    if (!keyOp.isEmpty())
        where += QStringLiteral(" AND s.rowid %1 ?").arg(keyOp);
    return QStringLiteral("SELECT %1.* FROM %1_search s CROSS JOIN %1 ON %1.id = s.rowid WHERE %2 ORDER BY s.rowid %3")
        .arg(table, where, descending ? QStringLiteral("DESC") : QStringLiteral("ASC"));
}

bool SqliteDialect::searchIndexCan(const QString &text) const
{
    return text.toUcs4().size() >= 3; // shorter than a trigram matches nothing in the index
}

namespace {
// The part of a search that picks the rows out of the trigram index: of an e-mail its local
// part, as the domain is shared by many rows and a GIN scan reads the posting list of every
// trigram asked for. The whole text is still tested on each row it hands over.
QString distinctivePart(const QString &text)
{
    const qsizetype at = text.indexOf(QLatin1Char('@'));
    if (at < 0)
        return text;
    const QString local = text.left(at);
    return PostgresDialect().searchIndexCan(local) ? local : text;
}
} // namespace

QString PostgresDialect::searchIndexMatch(const QString &, const QString &text) const
{
    if (distinctivePart(text) == text)
        return QStringLiteral("search_text ILIKE ? ESCAPE '!'");
    // The second test is unindexable on purpose ("|| ''"), so only the first one's trigrams are looked up.
    return QStringLiteral("(search_text ILIKE ? ESCAPE '!' AND (search_text || '') ILIKE ? ESCAPE '!')");
}

QString PostgresDialect::searchIndexRowTest(const QString &table, const QString &text) const
{
    return searchIndexMatch(table, text); // the planner picks the index or the walk, by its statistics
}

QString PostgresDialect::searchEachRow(const QString &, const QString &text) const
{
    // One ILIKE on the joined fields instead of four, and no JSON to parse on every row.
    return text.contains(QChar(kSearchSeparator)) ? QString() : QStringLiteral("search_text ILIKE ? ESCAPE '!'");
}

QStringList PostgresDialect::searchIndexValues(const QString &text) const
{
    const QString part = distinctivePart(text);
    if (part == text)
        return { likeContaining(text) };
    return { likeContaining(part), likeContaining(text) };
}

bool PostgresDialect::searchIndexCan(const QString &text) const
{
    // pg_trgm takes its trigrams from runs of letters and digits: without a run of three the
    // index would hand back every row to recheck.
    if (text.contains(QChar(kSearchSeparator)))
        return false;
    int run = 0;
    for (const QChar c : text) {
        run = c.isLetterOrNumber() ? run + 1 : 0;
        if (run >= 3)
            return true;
    }
    return false;
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

std::function<void()> SqliteDialect::interrupter(const QSqlDatabase &db, std::function<bool()> stale) const
{
    const QVariant handle = db.driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return [] {};
    sqlite3 *connection = *static_cast<sqlite3 *const *>(handle.constData());
    // sqlite3_interrupt() is cleared when a statement takes its first step, so one that lands
    // while the next statement is being prepared is lost; the progress handler asks every
    // thousand instructions instead. The interrupter owns what the handler reads.
    auto test = std::make_shared<std::function<bool()>>(std::move(stale));
    if (*test)
        sqlite3_progress_handler(
            connection, 1000, [](void *t) { return (*static_cast<std::function<bool()> *>(t))() ? 1 : 0; }, test.get());
    return [connection, test] { sqlite3_interrupt(connection); }; // documented as safe from any thread
}

std::function<void()> PostgresDialect::interrupter(const QSqlDatabase &db, std::function<bool()>) const
{
    const QVariant handle = db.driver()->handle();
    // PGconn is a typedef of struct pg_conn, and the metatype carries the struct's name.
    if (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0)
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
