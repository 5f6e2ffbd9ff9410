#include "store/Database.h"

#include "store/Migrator.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUrl>

#include <atomic>

namespace {
QString uniqueConnectionName(const QString &purpose)
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("reconsole-%1-%2").arg(purpose).arg(++counter);
}
} // namespace

Error storageError(const QString &what, const QSqlQuery &query)
{
    return failure(ErrorClass::Storage, QStringLiteral("%1: %2").arg(what, query.lastError().text()));
}

namespace {
std::atomic<qint64> g_clockOffsetMs { 0 };
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch() - g_clockOffsetMs.load(std::memory_order_relaxed);
}

ClockShift::ClockShift(qint64 offsetMs)
    : m_previous(g_clockOffsetMs.exchange(offsetMs))
{ }

ClockShift::~ClockShift()
{
    g_clockOffsetMs.store(m_previous);
}

void ClockShift::setOffset(qint64 offsetMs)
{
    g_clockOffsetMs.store(offsetMs);
}

Result<DatabaseLocation> DatabaseLocation::parse(const QString &url)
{
    DatabaseLocation loc;
    if (url.startsWith(QLatin1String("postgresql://")) || url.startsWith(QLatin1String("postgres://"))) {
        const QUrl u(url);
        if (!u.isValid() || u.host().isEmpty())
            return failure(ErrorClass::Input,
                QStringLiteral("'%1' is not a PostgreSQL URL; write postgresql://user@host:port/database").arg(url));
        loc.dialect = QStringLiteral("postgresql");
        loc.host = u.host();
        loc.port = u.port(5432);
        loc.user = u.userName();
        loc.password = u.password();
        loc.databaseName = u.path().mid(1);
        if (loc.databaseName.isEmpty())
            loc.databaseName = QStringLiteral("postgres");
        return loc;
    }
    QString path = url;
    if (path.startsWith(QLatin1String("sqlite:")))
        path = path.mid(7);
    if (path.isEmpty())
        return failure(
            ErrorClass::Input, QStringLiteral("The database path is empty; give sqlite:PATH or a file path."));
    loc.dialect = QStringLiteral("sqlite");
    loc.path = QFileInfo(path).absoluteFilePath();
    return loc;
}

QString DatabaseLocation::defaultSqlitePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/reconsole.sqlite");
}

QString DatabaseLocation::demoSqlitePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo.sqlite");
}

bool DatabaseLocation::missing() const
{
    return dialect == QLatin1String("sqlite") && !QFileInfo::exists(path);
}

QString DatabaseLocation::display() const
{
    if (dialect == QLatin1String("sqlite"))
        return QStringLiteral("sqlite:") + path;
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(user, host).arg(port).arg(databaseName);
}

QString DatabaseLocation::keychainId() const
{
    return QStringLiteral("database/%1@%2:%3/%4").arg(user, host).arg(port).arg(databaseName);
}

Database::Database(DatabaseLocation location, std::unique_ptr<SqlDialect> dialect)
    : m_location(std::move(location))
    , m_dialect(std::move(dialect))
{ }

Database::~Database()
{
    if (!m_connectionName.isEmpty())
        closeConnection(m_connectionName);
}

Result<std::shared_ptr<Database>> Database::open(const QString &url, const QString &password, IfMissing ifMissing)
{
    auto parsed = DatabaseLocation::parse(url);
    if (!parsed)
        return parsed.error();
    DatabaseLocation location = parsed.value();
    if (location.password.isEmpty())
        location.password = password;
    std::unique_ptr<SqlDialect> dialect;
    if (location.dialect == QLatin1String("sqlite")) {
        dialect = std::make_unique<SqliteDialect>();
        if (ifMissing == IfMissing::Refuse && location.missing())
            return failure(ErrorClass::Input, QStringLiteral("No database at %1.").arg(location.path));
        if (QFileInfo(location.path).isDir())
            return failure(ErrorClass::Input,
                QStringLiteral("%1 is a folder; give the database file inside it.").arg(location.path));
        if (!QDir().mkpath(QFileInfo(location.path).absolutePath()))
            return failure(ErrorClass::Storage,
                QStringLiteral("Cannot create the folder for %1; check its permissions.").arg(location.path));
    } else {
        dialect = std::make_unique<PostgresDialect>();
    }
    std::shared_ptr<Database> db(new Database(location, std::move(dialect)));
    auto name = db->openConnection(QStringLiteral("main"));
    if (!name)
        return name.error();
    db->m_connectionName = name.value();

    Migrator migrator(db->connection(), db->dialect());
    auto version = migrator.migrate();
    if (!version)
        return version.error();
    db->m_schemaVersion = version.value();
    return db;
}

QSqlDatabase Database::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

Result<QString> Database::openConnection(const QString &purpose) const
{
    const QString name = uniqueConnectionName(purpose);
    QSqlDatabase db = QSqlDatabase::addDatabase(m_dialect->driver(), name);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(name);
        return failure(ErrorClass::Storage,
            QStringLiteral("The Qt SQL driver %1 is not installed (Debian: libqt6sql6-%2).")
                .arg(m_dialect->driver(),
                    m_location.dialect == QLatin1String("sqlite") ? QStringLiteral("sqlite") : QStringLiteral("psql")));
    }
    if (m_location.dialect == QLatin1String("sqlite")) {
        db.setDatabaseName(m_location.path);
    } else {
        db.setHostName(m_location.host);
        db.setPort(m_location.port);
        db.setUserName(m_location.user);
        db.setPassword(m_location.password);
        db.setDatabaseName(m_location.databaseName);
        db.setConnectOptions(QStringLiteral("connect_timeout=5"));
    }
    if (!db.open()) {
        const QString why = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        if (why.contains(QLatin1String("password"), Qt::CaseInsensitive))
            return failure(ErrorClass::Auth,
                QStringLiteral("PostgreSQL refused %1 (%2). Store the password in the keychain "
                               "with `reconsolectl database password --database %1` (read "
                               "from standard input), never in the URL.")
                    .arg(m_location.display(), why.trimmed()));
        return failure(ErrorClass::Storage,
            QStringLiteral("Cannot open the database %1: %2. Check that it is reachable "
                           "and that you may open it.")
                .arg(m_location.display(), why));
    }
    QString error;
    if (!m_dialect->prepareConnection(db, &error)) {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return failure(ErrorClass::Storage, QStringLiteral("Cannot prepare the database connection: %1").arg(error));
    }
    return name;
}

void Database::closeConnection(const QString &connectionName)
{
    {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

namespace {
// Open transactions per connection; connections belong to one thread, so per thread too.
QHash<QString, int> &openTransactions()
{
    static thread_local QHash<QString, int> open;
    return open;
}
} // namespace

Transaction::Transaction(QSqlDatabase db)
    : m_db(std::move(db))
{
    int &depth = openTransactions()[m_db.connectionName()];
    m_joined = depth > 0;
    m_active = m_joined || m_db.transaction();
    if (m_active)
        ++depth;
}

Transaction::~Transaction()
{
    if (!m_active)
        return;
    if (!m_done && !m_joined)
        m_db.rollback();
    if (--openTransactions()[m_db.connectionName()] == 0)
        openTransactions().remove(m_db.connectionName());
}

bool Transaction::commit()
{
    if (m_done)
        return false;
    m_done = true;
    return m_active && (m_joined || m_db.commit());
}
