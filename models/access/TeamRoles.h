#pragma once

#include "access/AccessPolicy.h"
#include "core/Result.h"

class Database;

// Team mode on PostgreSQL (docs/architecture.md, team mode): support, finance and admin as database roles
// (reconsole_support, …), each granted what its work needs and no more — everyone reads and
// appends to the audit log; support changes operations, events and customers; admin changes
// credentials, providers and field maps. The engines check the same roles, so the database
// refuses what a bypassed check would let through. Run by someone who may create roles.
namespace TeamRoles {
// Creates the roles when missing and grants their privileges on this database. Idempotent.
Status setUp(const Database &db);
// Makes the existing login role `user` a member of `roles` (and of no other reconsole role).
Status assign(const Database &db, const QString &user, const QSet<Role> &roles);
} // namespace TeamRoles
