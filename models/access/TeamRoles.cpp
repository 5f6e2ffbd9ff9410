#include "access/TeamRoles.h"

#include "store/Database.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace {
QString roleName(Role role)
{
    return QStringLiteral("reconsole_") + AccessPolicy::roleName(role);
}

Status run(const Database &db, const QStringList &statements)
{
    QSqlQuery q(db.connection());
    for (const QString &statement : statements) {
        if (!q.exec(statement))
            return failure(
                ErrorClass::Storage, QStringLiteral("%1 (in: %2)").arg(q.lastError().text(), statement.left(100)));
    }
    return success();
}

Status requirePostgres(const Database &db)
{
    if (db.location().dialect != QLatin1String("postgresql"))
        return failure(ErrorClass::Input,
            QStringLiteral("Team roles are database roles on PostgreSQL; a SQLite file has one "
                           "user, whose roles come from `reconsolectl roles`."));
    return success();
}
} // namespace

namespace TeamRoles {

Status setUp(const Database &db)
{
    Status postgres = requirePostgres(db);
    if (!postgres)
        return postgres;
    QStringList statements;
    for (Role role : AccessPolicy::allRoles()) {
        // Roles are the cluster's; grants are this database's.
        statements << QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1') THEN "
                                     "CREATE ROLE %1 NOLOGIN; END IF; END $$")
                          .arg(roleName(role));
    }
    const QString everyone
        = QStringList { roleName(Role::Support), roleName(Role::Finance), roleName(Role::Admin) }.join(
            QStringLiteral(", "));
    statements << QStringLiteral("GRANT USAGE ON SCHEMA public TO %1").arg(everyone)
               << QStringLiteral("GRANT SELECT ON ALL TABLES IN SCHEMA public TO %1").arg(everyone)
               << QStringLiteral("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %1").arg(everyone)
               // Tables later migrations add (made by whoever runs this, the owner) are readable too;
               // what may be written in them is granted when this runs again.
               << QStringLiteral("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO %1").arg(everyone)
               << QStringLiteral("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %1")
                      .arg(everyone)
               // A refusal is audited whoever is refused; nobody may change what is written.
               << QStringLiteral("GRANT INSERT ON audit_log TO %1").arg(everyone)
               << QStringLiteral("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM %1").arg(everyone)
               << QStringLiteral(
                      "GRANT INSERT, UPDATE ON operations, attempts, events, sync_cursors, webhook_counters, "
                      "customers, external_ids, diff_ignores, drift_findings, import_presets, failure_groups, "
                      "failure_group_minutes, retry_runs, retry_run_items, operations_order TO %1")
                      .arg(roleName(Role::Support))
               // A bulk retry above its threshold is approved by a second person, support or admin.
               << QStringLiteral("GRANT UPDATE ON retry_runs TO %1").arg(roleName(Role::Admin))
               << QStringLiteral("GRANT DELETE ON drift_findings TO %1").arg(roleName(Role::Support))
               // The ledger (append-only): finance imports entries; a support person's retry that
               // succeeds books its capture or refund in the same transaction.
               << QStringLiteral("GRANT INSERT ON ledger_entries TO %1, %2")
                      .arg(roleName(Role::Finance), roleName(Role::Support))
               // Pulling a provider's balance transactions (finance) stores them as statement lines,
               // links them to the payout that carried them later, and moves its cursor.
               << QStringLiteral("GRANT INSERT ON statements, statement_lines TO %1").arg(roleName(Role::Finance))
               << QStringLiteral("GRANT UPDATE (payout_id) ON statement_lines TO %1").arg(roleName(Role::Finance))
               << QStringLiteral("GRANT INSERT, UPDATE ON pull_cursors TO %1").arg(roleName(Role::Finance))
               // Reconciliation: a run replaces its range's unconfirmed matches; support only reads.
               << QStringLiteral("GRANT INSERT ON reconciliation_runs TO %1").arg(roleName(Role::Finance))
               << QStringLiteral("GRANT INSERT, UPDATE, DELETE ON reconciliation_matches, reconciliation_match_rows "
                                 "TO %1")
                      .arg(roleName(Role::Finance))
               // Periods, adjustments and exceptions are finance's; the four-eyes trigger decides who
               // may approve, the admin sets the thresholds.
               << QStringLiteral("GRANT INSERT, UPDATE ON reconciliation_periods, reconciliation_adjustments, "
                                 "reconciliation_exceptions TO %1")
                      .arg(roleName(Role::Finance))
               << QStringLiteral("GRANT UPDATE (is_split) ON statement_lines TO %1").arg(roleName(Role::Finance))
               << QStringLiteral("GRANT INSERT, UPDATE ON approval_thresholds TO %1").arg(roleName(Role::Admin))
               << QStringLiteral("GRANT INSERT, UPDATE ON credentials, providers, field_rules TO %1")
                      .arg(roleName(Role::Admin))
               << QStringLiteral("GRANT DELETE ON field_rules TO %1").arg(roleName(Role::Admin))
               // Retry policies are the admin's; a reset to the kind's defaults deletes the row.
               << QStringLiteral("GRANT INSERT, UPDATE, DELETE ON retry_policies TO %1").arg(roleName(Role::Admin));
    Transaction tx(db.connection());
    Status done = run(db, statements);
    if (!done)
        return failure(ErrorClass::Auth,
            QStringLiteral("Cannot set up the team roles: %1 Run this as the cluster's superuser "
                           "or a database owner with CREATEROLE.")
                .arg(done.message()));
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the team roles."));
    return success();
}

Status assign(const Database &db, const QString &user, const QSet<Role> &roles)
{
    Status postgres = requirePostgres(db);
    if (!postgres)
        return postgres;
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?"));
    q.addBindValue(user);
    if (!q.exec())
        return failure(ErrorClass::Storage, q.lastError().text());
    if (!q.next())
        return failure(ErrorClass::Input,
            QStringLiteral("There is no database user '%1'. Create it first (CREATE ROLE %1 "
                           "LOGIN …), then give it its Reconsole roles.")
                .arg(user));
    const QString who = db.connection().driver()->escapeIdentifier(user, QSqlDriver::FieldName);
    QStringList statements;
    for (Role role : AccessPolicy::allRoles()) {
        statements << (roles.contains(role) ? QStringLiteral("GRANT %1 TO %2") : QStringLiteral("REVOKE %1 FROM %2"))
                          .arg(roleName(role), who);
    }
    Transaction tx(db.connection());
    Status done = run(db, statements);
    if (!done)
        return failure(ErrorClass::Auth,
            QStringLiteral("Cannot change %1's roles: %2 Run `team setup` first, as a user who "
                           "may grant them.")
                .arg(user, done.message()));
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit %1's roles.").arg(user));
    return success();
}

} // namespace TeamRoles
