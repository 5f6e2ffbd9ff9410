#pragma once

#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "credentials/CredentialService.h"
#include "keychain/Keychain.h"
#include "operations/OperationRunner.h"
#include "operations/OperationService.h"
#include "operations/OperationStore.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "records/RecordService.h"
#include "sandbox/SandboxServer.h"
#include "store/Database.h"
#include "transport/HttpTransport.h"

#include <QNetworkAccessManager>

#include <memory>

// A sandbox on loopback, a provider row pointing at it, its key in a credential store (in
// memory unless the test brings the real keychain) and the services wired as the app does.
struct SandboxFixture
{
    static constexpr auto kKey = "sk_test_fixture_0000000000004242";

    SandboxFixture(const Database &db, int timeoutMs = 1500, QSet<Role> roles = AccessPolicy::allRoles(),
        Keychain *secrets = nullptr)
        : transport(&network)
        , access(roles, QStringLiteral("tester"))
        , store(secrets ? secrets : &credentials)
    {
        sandbox.start();
        ProviderConfig p { QStringLiteral("stripe-sandbox"), QStringLiteral("payments"), QStringLiteral("Sandbox"),
            sandbox.baseUrl(), QStringLiteral("cred-1"), 1000, 1000, timeoutMs };
        EXPECT_OK(ProviderStore(db).upsert(p));
        credentials.write(QStringLiteral("cred-1"), QString::fromLatin1(kKey), [](Status) {});
        registry = std::make_unique<ProviderRegistry>(db, transport, *store);
        InPlaceRetries quick;
        quick.baseDelayMs = 20;
        quick.maxDelayMs = 100;
        runner = std::make_unique<OperationRunner>(db, *registry, quick);
        service = std::make_unique<OperationService>(db, *runner, access);
        credentialService = std::make_unique<CredentialService>(db, *store, *registry, access);
        records = std::make_unique<RecordService>(db, *registry, *runner, access);
    }

    // The sandbox's HubSpot-compatible CRM as provider "crm-sandbox", its token stored.
    void addCrm(const Database &db)
    {
        ProviderConfig crm { QStringLiteral("crm-sandbox"), QStringLiteral("crm"), QStringLiteral("CRM sandbox"),
            sandbox.baseUrl(), QStringLiteral("crm-token"), 1000, 1000, 3000 };
        EXPECT_OK(ProviderStore(db).upsert(crm));
        credentials.write(QStringLiteral("crm-token"), QStringLiteral("pat-na1-test-token"), [](Status) {});
    }

    static Operation payment(const QString &key, const QString &paymentMethod = QStringLiteral("pm_card_visa"))
    {
        Operation op;
        op.action = QStringLiteral("capture_payment");
        op.entityType = QStringLiteral("order");
        op.entityId = QStringLiteral("ORD-") + key;
        op.providerId = QStringLiteral("stripe-sandbox");
        op.payload = { { QStringLiteral("amount"), 2599 }, { QStringLiteral("currency"), QStringLiteral("eur") },
            { QStringLiteral("payment_method"), paymentMethod } };
        op.idempotencyKey = key;
        return op;
    }

    SandboxServer sandbox;
    QNetworkAccessManager network;
    HttpTransport transport;
    MemoryKeychain credentials;
    AccessPolicy access;
    Keychain *store;
    std::unique_ptr<ProviderRegistry> registry;
    std::unique_ptr<OperationRunner> runner;
    std::unique_ptr<OperationService> service;
    std::unique_ptr<CredentialService> credentialService;
    std::unique_ptr<RecordService> records;
};
