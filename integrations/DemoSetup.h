#pragma once

#include "Result.h"

#include <QString>

#include <functional>

class CredentialStore;
class Database;
class HttpTransport;

// Makes a database ready for the demo: shop data seeded once, the sandbox provider pointed at
// `sandboxUrl`, its test key in the keychain, and — so the unknown-outcome path is real —
// some of the operations whose answer was "lost" actually charged at the sandbox.
class DemoSetup
{
public:
    static constexpr auto kTestKey = "sk_test_reconsole_demo_51QsandboxKey";

    DemoSetup(const Database &db, CredentialStore &credentials, HttpTransport &transport);

    void run(const QString &sandboxUrl, int operations, std::function<void(Status)> done);

private:
    void chargeLostAnswers(std::function<void(Status)> done);

    const Database &m_db;
    CredentialStore &m_credentials;
    HttpTransport &m_transport;
};
