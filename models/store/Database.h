#pragma once

#include "core/Result.h"
#include "store/SqlDialect.h"

#include <QSqlDatabase>
#include <QString>
#include <QVariant>

#include <memory>

class QSqlQuery;

// Where the data lives: `sqlite:PATH`, a plain path, or `postgresql://user[:password]@host:port/db`.
struct DatabaseLocation
{
    QString dialect; // "sqlite" or "postgresql"
    QString path;
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;

    static Result<DatabaseLocation> parse(const QString &url);
    static QString defaultSqlitePath();
    // Where `reconsole --demo` and `reconsolectl demo` keep the demo: apart from real data.
    static QString demoSqlitePath();
    // A SQLite file that is not there (a server database's existence is the server's to say).
    bool missing() const;
    // Where the keychain keeps this database's password (team mode): never the URL.
    QString keychainId() const;
    QString display() const; // never shows the password
};

// One open database: the dialect, the main connection (owned by the thread that opened it)
// and the means to open more connections for worker threads.
class Database
{
public:
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // What open() does when a SQLite file is not there. Refuse is for everything that only
    // reads or works on data: a mistyped path must not become a new, empty database.
    enum class IfMissing
    {
        Create, // make the file (and its folders)
        Refuse, // fail: "No database at PATH."
    };

    // Opens and applies pending migrations; a missing SQLite file is created or refused as
    // `ifMissing` says. `password` is used when the URL has none (team mode keeps it in the
    // keychain).
    static Result<std::shared_ptr<Database>> open(
        const QString &url, const QString &password = {}, IfMissing ifMissing = IfMissing::Create);

    QSqlDatabase connection() const;
    const SqlDialect &dialect() const { return *m_dialect; }
    const DatabaseLocation &location() const { return m_location; }
    int schemaVersion() const { return m_schemaVersion; }

    // A new connection for the calling thread; close it with closeConnection() on that thread.
    Result<QString> openConnection(const QString &purpose) const;
    static void closeConnection(const QString &connectionName);

private:
    Database(DatabaseLocation location, std::unique_ptr<SqlDialect> dialect);

    DatabaseLocation m_location;
    std::unique_ptr<SqlDialect> m_dialect;
    QString m_connectionName;
    int m_schemaVersion = 0;
};

// Rolls back unless committed, so an early return never leaves half a change behind.
// Nested on the same connection, an inner one joins the outer: the outer commits the lot.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase db);
    ~Transaction();
    bool active() const { return m_active; }
    bool commit();

private:
    QSqlDatabase m_db;
    bool m_active = false;
    bool m_joined = false;
    bool m_done = false;
};

// The time every stored timestamp is taken from.
qint64 nowMs();

// Moves nowMs() back by `offsetMs` while it lives. Only the demo uses it: it runs a month of
// traffic against the sandbox in seconds, each operation at the time it is dated, so the
// requests and answers are real and their times consistent with the month they stand for.
class ClockShift
{
public:
    explicit ClockShift(qint64 offsetMs);
    ~ClockShift();
    ClockShift(const ClockShift &) = delete;
    ClockShift &operator=(const ClockShift &) = delete;
    void setOffset(qint64 offsetMs);

private:
    qint64 m_previous;
};

// A failed statement as a storage error: what was being done, and what the database said.
Error storageError(const QString &what, const QSqlQuery &query);

// Binds text as text: a null QString would otherwise bind as SQL NULL.
inline QVariant sqlText(const QString &text)
{
    return text.isNull() ? QVariant(QString::fromLatin1("", 0)) : QVariant(text);
}
