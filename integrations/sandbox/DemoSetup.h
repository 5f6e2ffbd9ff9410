#pragma once

#include "core/Result.h"

#include <QString>

#include <functional>

class Keychain;
class Database;
class HttpTransport;
class SandboxServer;
struct Operation;

// Makes a database ready for the demo: shop data seeded once, the sandbox provider pointed at
// `sandboxUrl`, its test key and webhook signing secret in the keychain. Then, so the
// unknown-outcome path is real, simulateLostAnswers() has the sandbox actually make the
// charges of some operations whose answer was "lost".
class DemoSetup
{
public:
    static constexpr auto kTestKey = "sk_test_reconsole_demo_51QsandboxKey";
    static constexpr auto kWebhookCredentialId = "stripe-sandbox-webhook";
    static constexpr auto kCrmToken = "pat-na1-reconsole-demo-0000-crm-token";
    static constexpr auto kCrmWebhookCredentialId = "crm-sandbox-webhook";

    DemoSetup(const Database &db, Keychain &credentials, HttpTransport &transport);

    // Starts the demo's sandbox on `port` (0: any), accepting only the demo's own key and token,
    // as a real provider accepts only the keys it issued. False when it cannot listen.
    static bool startSandbox(SandboxServer &sandbox, quint16 port);

    void run(const QString &sandboxUrl, int operations, std::function<void(Status)> done);
    void simulateLostAnswers(std::function<void(Status)> done);
    // The in-process sandbox starts empty: give it the providers' copies of our demo records —
    // payment intents and CRM contacts — with the drift and conflicts the Diff workspace shows.
    Status mirrorRecords(SandboxServer &sandbox);

private:
    static void mirrorPayment(SandboxServer &sandbox, const Operation &op);
    void ensureWebhookSecret(
        const QString &id, const QString &providerId, const QString &label, std::function<void(Status)> done);
    void ensureCrm(const QString &sandboxUrl, std::function<void(Status)> done);

    const Database &m_db;
    Keychain &m_credentials;
    HttpTransport &m_transport;
};
