#pragma once

#include "core/Result.h"

#include <QString>

#include <functional>

class Keychain;
class Database;
class HttpTransport;
class SandboxServer;
struct Operation;
struct ProviderConfig;

// Makes a database ready for the demo: the sandbox providers pointed at `sandboxUrl`, the shop's
// month of operations run against it once (DemoHistory), its keys and webhook signing secrets
// in the keychain. The console's in-process sandbox starts empty every time: mirrorRecords()
// and replayLostCharges() give it back what the provider would still hold.
class DemoSetup
{
public:
    static constexpr auto kTestKey = "sk_test_reconsole_demo_51QsandboxKey";
    static constexpr auto kWebhookCredentialId = "stripe-sandbox-webhook";
    static constexpr auto kCrmToken = "pat-na1-reconsole-demo-0000-crm-token";
    static constexpr auto kCrmWebhookCredentialId = "crm-sandbox-webhook";

    // `actor` is who the history's sends are audited as: the agent that would have sent them.
    DemoSetup(const Database &db, Keychain &credentials, HttpTransport &transport, const QString &actor);

    // Starts the demo's sandbox on `port` (0: any), accepting only the demo's own key and token,
    // as a real provider accepts only the keys it issued. False when it cannot listen.
    static bool startSandbox(SandboxServer &sandbox, quint16 port);

    void run(const QString &sandboxUrl, int operations, std::function<void(Status)> done);
    // Makes again, with the same key, the charges whose answers were lost after the provider had
    // made them, so a retry finds them and their webhooks can settle them.
    void replayLostCharges(std::function<void(Status)> done);
    // The in-process sandbox starts empty: give it the providers' copies of our demo records —
    // payment intents and CRM contacts — with the drift and conflicts the Diff workspace shows.
    Status mirrorRecords(SandboxServer &sandbox);

private:
    static void mirrorPayment(SandboxServer &sandbox, const Operation &op);
    // Runs the sandbox's payout schedule and pulls its balance transactions into the demo.
    void settleBalance(const QString &sandboxUrl, std::function<void(Status)> done);
    void ensureWebhookSecret(
        const QString &id, const QString &providerId, const QString &label, std::function<void(Status)> done);
    Status storeCrm(const QString &sandboxUrl);
    void storeKeys(const ProviderConfig &provider, std::function<void(Status)> done);
    void ensureCrm(std::function<void(Status)> done);

    const Database &m_db;
    Keychain &m_credentials;
    HttpTransport &m_transport;
    QString m_actor;
};
