#pragma once

#include "access/AccessPolicy.h"
#include "core/Result.h"

#include <QCommandLineParser>
#include <QNetworkAccessManager>

#include <memory>

class AccessPolicy;
class CredentialService;
class Keychain;
class Database;
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

    static void addDatabaseOption(QCommandLineParser &parser);
    // `fallbackPath` is used when --database is absent (the demo uses its own file).
    static Result<std::unique_ptr<AppContext>> open(const QCommandLineParser &parser, const QString &fallbackPath = {});

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
