#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

class Database;
class HttpRoute;
class IntakeApi;
class IntakeOutbox;
class IntakeService;
class IntakeTokens;
class Keychain;
class OperationService;
class ProviderRegistry;

// The intake side of the agent (docs/intake.md): the API route for its port, the tokens it
// checks, the PostgreSQL outbox it drains, and the run of each new operation at once.
class AgentIntake : public QObject
{
    Q_OBJECT
public:
    AgentIntake(const Database &db, Keychain &keychain, ProviderRegistry &providers, OperationService &operations,
        const QString &claimant, QObject *parent = nullptr);
    ~AgentIntake() override;

    HttpRoute &route();
    IntakeService &service() { return *m_service; }
    // Drains the outbox every `outboxIntervalMs` (PostgreSQL only; 0: never).
    void start(int outboxIntervalMs = 1000);
    // Turns what the outbox holds into operations now; each new one is then run at once.
    void drainOutbox();

private:
    const Database &m_db;
    OperationService &m_operations;
    QString m_claimant;
    std::unique_ptr<IntakeService> m_service;
    std::unique_ptr<IntakeTokens> m_tokens;
    std::unique_ptr<IntakeApi> m_api;
    std::unique_ptr<IntakeOutbox> m_outbox;
    QTimer m_outboxTimer;
};
