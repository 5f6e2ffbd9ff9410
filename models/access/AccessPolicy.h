#pragma once

#include "core/Result.h"

#include <QSet>
#include <QString>

class Database;

enum class Role
{
    Support,
    Finance,
    Admin
};
enum class Permission
{
    HandleOperations, // retry, resolve, cancel (support)
    Reconcile, // reconciliation, period sign-off (finance)
    ManageCredentials // credentials, providers, rules, users (admin)
};

// Who is signed in and what they may do. Checked in the engines, not only in the UI, and
// every refusal is audited.
class AccessPolicy
{
public:
    AccessPolicy(QSet<Role> roles, QString actor);

    static QSet<Role> allRoles() { return { Role::Support, Role::Finance, Role::Admin }; }
    static QString roleName(Role role);
    static Result<QSet<Role>> parseRoles(const QString &list); // "support,admin"
    // PostgreSQL: the reconsole_support / _finance / _admin roles the connection's user holds
    // (a superuser holds all three).
    static Result<QSet<Role>> rolesOfConnection(const Database &db);
    static Role roleFor(Permission permission);

    bool allows(Permission permission) const { return m_roles.contains(roleFor(permission)); }
    // Refuses and audits the refusal when the signed-in roles lack `permission`.
    Status require(Permission permission, const Database &db, const QString &action, const QString &target) const;

    const QString &actor() const { return m_actor; }
    const QSet<Role> &roles() const { return m_roles; }
    QString describe() const;

private:
    QSet<Role> m_roles;
    QString m_actor;
};
