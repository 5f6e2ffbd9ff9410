#pragma once

#include "access/AccessPolicy.h"
#include "core/Result.h"
#include "store/Database.h"

#include <QCommandLineParser>
#include <QNetworkAccessManager>

#include <memory>

class AccessPolicy;
class CredentialService;
class Keychain;
class HttpTransport;
class OperationRunner;
class OperationService;
class ProviderRegistry;
class RecordService;

// The composition root shared by both executables: opens the database named on the command
// line and wires the store, the keychain, the transport and the services together.
class AppContext
{
public:
    ~AppContext();

    // --database, naming the file used without it (`defaultPath`, else the default database).
    static void addDatabaseOption(QCommandLineParser &parser, const QString &defaultPath = {});
    // Opens --database, or `fallbackPath` (else the default database) when it is absent. A
    // missing SQLite file is made only when `ifMissing` says Create; refused, the error names
    // the path and how to make one (or where the demo's data is).
    static Result<std::unique_ptr<AppContext>> open(
        const QCommandLineParser &parser, const QString &fallbackPath, Database::IfMissing ifMissing);
    // The error for a SQLite database that is not at `path`; `given` when --database named it.
    static Error missingDatabase(const QString &path, bool given);

    Database &database() { return *m_db; }
    std::shared_ptr<Database> sharedDatabase() { return m_db; }
    Keychain &credentials() { return *m_credentials; }
    HttpTransport &transport() { return *m_transport; }
    OperationService &operations() { return *m_service; }
    // The same, acting as the agent: what the agent does on its own (due retries) is its own,
    // never the signed-in person's.
    OperationService &agentOperations() { return *m_agentService; }
    CredentialService &credentialService() { return *m_credentialService; }
    const AccessPolicy &access() const { return *m_access; }
    ProviderRegistry &providers() { return *m_registry; }
    RecordService &records() { return *m_records; }
    // Who the audit log names: the signed-in user of this machine (or of the database).
    static QString actor();
    // Who the audit log names for automatic work: agent@HOST.
    static QString agentActor();
    // SQLite (single user): the roles in local settings, all three unless narrowed;
    // RECONSOLE_ROLES overrides. PostgreSQL: the connection's reconsole_* database roles.
    static Result<QSet<Role>> localRoles();
    static Status setLocalRoles(const QString &list);

private:
    AppContext() = default;

    std::shared_ptr<Database> m_db;
    QNetworkAccessManager m_network;
    std::unique_ptr<Keychain> m_credentials;
    std::unique_ptr<HttpTransport> m_transport;
    std::unique_ptr<ProviderRegistry> m_registry;
    std::unique_ptr<OperationRunner> m_runner;
    std::unique_ptr<OperationService> m_service;
    std::unique_ptr<AccessPolicy> m_agentAccess;
    std::unique_ptr<OperationService> m_agentService;
    std::unique_ptr<AccessPolicy> m_access;
    std::unique_ptr<CredentialService> m_credentialService;
    std::unique_ptr<RecordService> m_records;
};
