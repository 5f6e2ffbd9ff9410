#include "TestSupport.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

namespace TestSupport {

namespace {
QString postgresUrl()
{
    return qEnvironmentVariable("RECONSOLE_TEST_PG_URL");
}

// Runs one statement against the server's maintenance database.
QString runOnServer(const QString &sql)
{
    const QUrl u(postgresUrl());
    const QString name = QStringLiteral("scratch-admin");
    QString error;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        admin.setHostName(u.host());
        admin.setPort(u.port(5432));
        admin.setUserName(u.userName());
        admin.setDatabaseName(u.path().mid(1).isEmpty() ? QStringLiteral("postgres") : u.path().mid(1));
        if (!admin.open()) {
            error = admin.lastError().text();
        } else {
            QSqlQuery q(admin);
            if (!q.exec(sql))
                error = q.lastError().text();
            admin.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}
} // namespace

bool postgresRequired()
{
    return qEnvironmentVariable("RECONSOLE_REQUIRE_PG") == QLatin1String("1");
}

QStringList backends()
{
    QStringList list { QStringLiteral("sqlite") };
    if (!postgresUrl().isEmpty() || postgresRequired())
        list << QStringLiteral("postgresql");
    return list;
}

ScratchDatabase::ScratchDatabase(const QString &backend)
{
    if (backend == QLatin1String("sqlite")) {
        m_url = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("test.sqlite"));
    } else {
        if (postgresUrl().isEmpty()) {
            m_error = QStringLiteral("RECONSOLE_TEST_PG_URL is not set but PostgreSQL tests are required; run the "
                                     "README's test command, which starts a server.");
            return;
        }
        static QAtomicInteger<int> counter;
        m_pgName = QStringLiteral("scratch_%1_%2").arg(QCoreApplication::applicationPid()).arg(++counter);
        const QString created = runOnServer(QStringLiteral("CREATE DATABASE %1").arg(m_pgName));
        if (!created.isEmpty()) {
            m_error = QStringLiteral("Cannot create a scratch database: %1").arg(created);
            m_pgName.clear();
            return;
        }
        QUrl u(postgresUrl());
        u.setPath(QLatin1Char('/') + m_pgName);
        m_url = u.toString();
    }
    auto db = Database::open(m_url);
    if (!db) {
        m_error = db.message();
        return;
    }
    m_db = db.value();
}

ScratchDatabase::~ScratchDatabase()
{
    m_db.reset();
    if (!m_pgName.isEmpty())
        runOnServer(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_pgName));
}

} // namespace TestSupport
