#include "access/AccessPolicy.h"

#include "access/AuditLog.h"
#include "store/Database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace {
const QList<QPair<Role, QString>> kNames { { Role::Support, QStringLiteral("support") },
    { Role::Finance, QStringLiteral("finance") }, { Role::Admin, QStringLiteral("admin") } };
}

AccessPolicy::AccessPolicy(QSet<Role> roles, QString actor)
    : m_roles(std::move(roles))
    , m_actor(std::move(actor))
{ }

QString AccessPolicy::roleName(Role role)
{
    for (const auto &[r, name] : kNames) {
        if (r == role)
            return name;
    }
    return {};
}

Result<QSet<Role>> AccessPolicy::parseRoles(const QString &list)
{
    QSet<Role> roles;
    for (const QString &raw : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString name = raw.trimmed().toLower();
        bool known = false;
        for (const auto &[r, n] : kNames) {
            if (n == name) {
                roles.insert(r);
                known = true;
            }
        }
        if (!known)
            return failure(ErrorClass::Input,
                QStringLiteral("Unknown role '%1'; the roles are support, finance and admin.").arg(raw));
    }
    return roles;
}

Result<QSet<Role>> AccessPolicy::rolesOfConnection(const Database &db)
{
    QSqlQuery q(db.connection());
    // The cluster's superuser (who installs and migrates) holds every role.
    if (!q.exec(QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")))
        return failure(
            ErrorClass::Storage, QStringLiteral("Cannot read your database roles: %1").arg(q.lastError().text()));
    if (q.next() && q.value(0).toBool())
        return allRoles();
    if (!q.exec(QStringLiteral("SELECT rolname FROM pg_roles WHERE rolname IN ('reconsole_support', "
                               "'reconsole_finance', 'reconsole_admin') AND pg_has_role(current_user, oid, 'MEMBER')")))
        return failure(
            ErrorClass::Storage, QStringLiteral("Cannot read your database roles: %1").arg(q.lastError().text()));
    QSet<Role> roles;
    while (q.next()) {
        auto parsed = parseRoles(q.value(0).toString().mid(10));
        if (parsed)
            roles.unite(parsed.value());
    }
    return roles;
}

Role AccessPolicy::roleFor(Permission permission)
{
    switch (permission) {
    case Permission::HandleOperations:
        return Role::Support;
    case Permission::Reconcile:
        return Role::Finance;
    case Permission::ManageCredentials:
        break;
    }
    return Role::Admin;
}

QString AccessPolicy::describe() const
{
    QStringList names;
    for (const auto &[r, name] : kNames) {
        if (m_roles.contains(r))
            names << name;
    }
    return names.isEmpty() ? QStringLiteral("no role") : names.join(QStringLiteral(", "));
}

Status AccessPolicy::require(
    Permission permission, const Database &db, const QString &action, const QString &target) const
{
    if (allows(permission))
        return success();
    const QString why = QStringLiteral("This needs the %1 role; %2 is signed in as %3. Ask an administrator for the "
                                       "role, or hand the task to someone who has it.")
                            .arg(roleName(roleFor(permission)), m_actor, describe());
    AuditEntry e;
    e.actor = m_actor;
    e.action = action + QStringLiteral(".refused");
    e.target = target;
    e.reason = why;
    // Refused either way; an unrecorded refusal says so, so the gap in the log is known.
    if (Status audited = AuditLog(db).append(e); !audited)
        return failure(
            ErrorClass::Auth, why + QStringLiteral(" (The refusal could not be audited: %1)").arg(audited.message()));
    return failure(ErrorClass::Auth, why);
}
