#pragma once

#include "core/Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QStringList>

class SqlDialect;

// Applies the numbered migrations in resources/migrations (compiled in as :/migrations/NNN_*.sql)
// and records each in schema_version. A database written by a newer Reconsole is refused untouched.
class Migrator
{
public:
    Migrator(QSqlDatabase db, const SqlDialect &dialect);

    // Applies every migration up to `upTo` (all by default) not yet recorded, even one numbered
    // below an applied one (migrations written side by side land in any order); returns the
    // highest version applied.
    Result<int> migrate(int upTo = latestVersion());
    static int latestVersion();

private:
    Result<QList<int>> appliedVersions();
    Status apply(int version, const QString &path);

    QSqlDatabase m_db;
    const SqlDialect &m_dialect;
};
