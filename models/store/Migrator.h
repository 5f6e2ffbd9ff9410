#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QStringList>

class SqlDialect;

// Applies the numbered migrations in resources/migrations (compiled in as :/migrations/NNN_*.sql)
// and records each in schema_version. A database written by a newer Reconsole is refused untouched.
class Migrator
{
public:
    Migrator(QSqlDatabase db, const SqlDialect &dialect);

    // Returns the schema version after migrating.
    Result<int> migrate();
    static int latestVersion();

private:
    Result<int> currentVersion();
    Status apply(int version, const QString &path);

    QSqlDatabase m_db;
    const SqlDialect &m_dialect;
};
