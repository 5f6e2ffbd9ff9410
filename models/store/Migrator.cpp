#include "store/Migrator.h"

#include "store/Database.h"
#include "store/SqlDialect.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <algorithm>

namespace {
QMap<int, QString> migrationFiles()
{
    QMap<int, QString> files;
    const QDir dir(QStringLiteral(":/migrations"));
    for (const QString &name : dir.entryList({ QStringLiteral("*.sql") }, QDir::Files, QDir::Name))
        files.insert(name.section(QLatin1Char('_'), 0, 0).toInt(), dir.filePath(name));
    return files;
}
} // namespace

Migrator::Migrator(QSqlDatabase db, const SqlDialect &dialect)
    : m_db(std::move(db))
    , m_dialect(dialect)
{ }

int Migrator::latestVersion()
{
    const auto files = migrationFiles();
    return files.isEmpty() ? 0 : files.lastKey();
}

Result<QList<int>> Migrator::appliedVersions()
{
    // Read first: a team member without CREATE rights can open a migrated database.
    QSqlQuery q(m_db);
    if (q.exec(QStringLiteral("SELECT version FROM schema_version ORDER BY version"))) {
        QList<int> versions;
        while (q.next())
            versions << q.value(0).toInt();
        return versions;
    }
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                               "applied_at BIGINT NOT NULL)")))
        return failure(
            ErrorClass::Storage, QStringLiteral("Cannot read the schema version: %1").arg(q.lastError().text()));
    return QList<int>();
}

Result<int> Migrator::migrate(int upTo)
{
    auto applied = appliedVersions();
    if (!applied)
        return applied.error();
    const int current = applied->isEmpty() ? 0 : applied->last();
    const int latest = latestVersion();
    if (current > latest)
        return failure(ErrorClass::Storage,
            QStringLiteral("This database has schema version %1, but this Reconsole knows only up to %2. "
                           "It was written by a newer Reconsole; upgrade Reconsole to open it. "
                           "Nothing was changed.")
                .arg(current)
                .arg(latest));
    const auto files = migrationFiles();
    int highest = current;
    for (auto it = files.begin(); it != files.end(); ++it) {
        if (it.key() > upTo || applied->contains(it.key()))
            continue;
        Status done = apply(it.key(), it.value());
        if (!done)
            return done.error();
        highest = qMax(highest, it.key());
    }
    return highest;
}

Status Migrator::apply(int version, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(ErrorClass::Storage, QStringLiteral("Migration %1 is missing from this build.").arg(path));
    const QString sql = m_dialect.expandMigration(QString::fromUtf8(file.readAll()));

    // Comments go first, so a ';' inside one never splits a statement.
    QStringList lines = sql.split(QLatin1Char('\n'));
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                    [](const QString &l) { return l.trimmed().startsWith(QLatin1String("--")); }),
        lines.end());

    Transaction tx(m_db);
    // A statement ends with ';' at the end of a line, so trigger and function bodies (one line
    // each) keep their inner ones.
    static const QRegularExpression endOfStatement(QStringLiteral(";[ \\t]*(\\n|$)"));
    for (const QString &chunk : lines.join(QLatin1Char('\n')).split(endOfStatement)) {
        const QString statement = chunk.trimmed();
        if (statement.isEmpty())
            continue;
        QSqlQuery q(m_db);
        if (!q.exec(statement))
            return failure(ErrorClass::Storage,
                QStringLiteral("Migration %1 failed: %2 (in: %3)")
                    .arg(version)
                    .arg(q.lastError().text(), statement.left(120)));
    }
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"));
    q.addBindValue(version);
    q.addBindValue(nowMs());
    if (!q.exec() || !tx.commit())
        return failure(ErrorClass::Storage,
            QStringLiteral("Cannot record migration %1: %2").arg(version).arg(q.lastError().text()));
    return success();
}
