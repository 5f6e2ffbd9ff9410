#pragma once

#include <QString>
#include <QStringList>
#include <QVariantList>

#include <functional>
#include <optional>

class QSqlDatabase;

// Everything SQLite and PostgreSQL do differently, in one place per database
// (KMyMoney's way), so queries elsewhere stay plain SQL.
class SqlDialect
{
public:
    virtual ~SqlDialect() = default;

    virtual QString name() const = 0;
    virtual QString driver() const = 0;
    // Column type of an auto-increment primary key.
    virtual QString autoIdType() const = 0;
    virtual QString caseInsensitiveLike() const = 0;
    // `column` LIKE/ILIKE the bound value, with '!' as the escape character: bind likeContaining()
    // or likeEscaped() so the text's own % and _ (as in pi_…) match themselves.
    QString like(const QString &column) const;
    static QString likeEscaped(const QString &text);
    static QString likeContaining(const QString &text)
    {
        return QLatin1Char('%') + likeEscaped(text) + QLatin1Char('%');
    }
    // Run once on every new connection (pragmas, session settings).
    virtual bool prepareConnection(QSqlDatabase &db, QString *error) const = 0;
    // Serialises appends to the hash-chained audit log inside the current transaction.
    virtual QString lockAuditForAppend() const = 0;
    // `column` in a WHERE clause that must not pick the index (so the sort's index is used).
    virtual QString unindexed(const QString &column) const = 0;
    // Made on the connection's own thread; calling it from any thread stops the statement the
    // connection is running now (a scan for a filter the user has already replaced). Where the
    // database can ask while it steps (SQLite), any statement also stops as soon as `stale`,
    // called on the connection's thread, says so: an interrupt that lands before a statement's
    // first step is otherwise forgotten. Keep the interrupter while the connection is open.
    virtual std::function<void()> interrupter(const QSqlDatabase &db, std::function<bool()> stale = {}) const = 0;
    // Appended to a SELECT inside a claim: rows another session holds are passed over, not waited for.
    virtual QString skipLocked() const = 0;
    // A commit that must survive a power loss, not only a crash (the group commit that answers
    // webhooks): statements run before BEGIN, inside the transaction, and after it ends.
    struct DurableCommit
    {
        QStringList before;
        QStringList inside;
        QStringList after;
    };
    virtual DurableCommit durableCommit() const = 0;
    // Statements that refuse UPDATE and DELETE on `table` for everyone, owner included.
    virtual QString appendOnly(const QString &table) const = 0;
    // Rewrites the placeholders of a migration file for this database: {{AUTO_ID}},
    // {{APPEND_ONLY table}}, and keeps the lines between `{{ONLY name}}` and `{{END}}` only on
    // the database of that name.
    QString expandMigration(const QString &sql) const;

    // The text stored under `key` of the JSON object in `column` ('' when absent).
    virtual QString jsonText(const QString &column, const QString &key) const = 0;

    // Free-text search through the search index of `table` (schema 7: FTS5 trigram on SQLite,
    // pg_trgm GIN on PostgreSQL): bind searchIndexValues(text) to its `?`s. Substring,
    // case-insensitive, every character literal, like likeContaining(); only for text the
    // index can answer (searchIndexCan()), the rest needs a LIKE on the columns themselves.
    virtual QString searchIndexMatch(const QString &table, const QString &text) const = 0;
    // The same test on a row that another index (the sort's) is walking to.
    virtual QString searchIndexRowTest(const QString &table, const QString &text) const = 0;
    virtual QStringList searchIndexValues(const QString &text) const = 0;
    virtual bool searchIndexCan(const QString &text) const = 0;
    // The search index read in id order, where it hands its matches out so (FTS5's rowids;
    // pg_trgm's GIN cannot): a page by id then stops after its rows instead of sorting every
    // match. Empty where it cannot.
    struct IdOrderedSearch
    {
        QVariantList values; // bound after the filters' own
        int keyBindings = 1; // how often a page's key id is bound, after those
    };
    virtual std::optional<IdOrderedSearch> idOrderedSearch(const QString &text) const
    {
        Q_UNUSED(text);
        return std::nullopt;
    }
    // `SELECT table.* FROM …` of the matches in id order, newest first when `descending`, with
    // `filters` ("a AND b", or empty) and, unless keyOp is empty, `id keyOp ?` applied inside;
    // a LIMIT may follow.
    virtual QString idOrderedSearchSql(
        const QString &table, const QString &filters, const QString &keyOp, bool descending) const
    {
        Q_UNUSED(table);
        Q_UNUSED(filters);
        Q_UNUSED(keyOp);
        Q_UNUSED(descending);
        return {};
    }
    // A test of the searched fields on each row in one, with one `?` for likeContaining(text),
    // where the database keeps them together; empty where the fields are tested one by one.
    virtual QString searchEachRow(const QString &table, const QString &text) const
    {
        Q_UNUSED(table);
        Q_UNUSED(text);
        return {};
    }
};

class SqliteDialect : public SqlDialect
{
public:
    QString name() const override { return QStringLiteral("sqlite"); }
    QString driver() const override { return QStringLiteral("QSQLITE"); }
    QString autoIdType() const override { return QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT"); }
    QString caseInsensitiveLike() const override { return QStringLiteral("LIKE"); }
    bool prepareConnection(QSqlDatabase &db, QString *error) const override;
    QString lockAuditForAppend() const override { return {}; } // one writer at a time already
    QString skipLocked() const override { return {}; } // likewise
    // The connection runs synchronous=NORMAL, where a WAL commit is not fsynced; FULL fsyncs
    // the WAL at COMMIT. SQLite refuses to change it inside a transaction, hence around it.
    DurableCommit durableCommit() const override
    {
        return { { QStringLiteral("PRAGMA synchronous=FULL") }, {}, { QStringLiteral("PRAGMA synchronous=NORMAL") } };
    }
    QString appendOnly(const QString &table) const override;
    QString unindexed(const QString &column) const override { return QLatin1Char('+') + column; }
    std::function<void()> interrupter(const QSqlDatabase &db, std::function<bool()> stale = {}) const override;
    QString jsonText(const QString &column, const QString &key) const override;
    QString searchIndexMatch(const QString &table, const QString &text) const override;
    QString searchIndexRowTest(const QString &table, const QString &text) const override;
    QStringList searchIndexValues(const QString &text) const override;
    bool searchIndexCan(const QString &text) const override;
    std::optional<IdOrderedSearch> idOrderedSearch(const QString &text) const override;
    QString idOrderedSearchSql(
        const QString &table, const QString &filters, const QString &keyOp, bool descending) const override;
};

class PostgresDialect : public SqlDialect
{
public:
    QString name() const override { return QStringLiteral("postgresql"); }
    QString driver() const override { return QStringLiteral("QPSQL"); }
    QString autoIdType() const override { return QStringLiteral("BIGSERIAL PRIMARY KEY"); }
    QString caseInsensitiveLike() const override { return QStringLiteral("ILIKE"); }
    bool prepareConnection(QSqlDatabase &db, QString *error) const override;
    // An advisory lock: it needs no privilege on the table, so a team member who may only
    // insert into the audit log can still append in turn.
    QString lockAuditForAppend() const override { return QStringLiteral("SELECT pg_advisory_xact_lock(4242004242)"); }
    QString skipLocked() const override { return QStringLiteral(" FOR UPDATE SKIP LOCKED"); }
    // COMMIT returns once the WAL is flushed to disk, whatever the server's or role's default.
    DurableCommit durableCommit() const override
    {
        return { {}, { QStringLiteral("SET LOCAL synchronous_commit TO on") }, {} };
    }
    QString appendOnly(const QString &table) const override;
    QString unindexed(const QString &column) const override { return column; } // its planner has statistics
    std::function<void()> interrupter(const QSqlDatabase &db, std::function<bool()> stale = {}) const override;
    QString jsonText(const QString &column, const QString &key) const override;
    QString searchIndexMatch(const QString &table, const QString &text) const override;
    QString searchIndexRowTest(const QString &table, const QString &text) const override;
    QStringList searchIndexValues(const QString &text) const override;
    bool searchIndexCan(const QString &text) const override;
    QString searchEachRow(const QString &table, const QString &text) const override;
    // Joins the searched fields in the search_text column; text holding it is searched unindexed.
    static constexpr char16_t kSearchSeparator = u'\x1f';
};
