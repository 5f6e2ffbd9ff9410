#pragma once

#include "transport/HttpListener.h"
#include "webhooks/WebhookReceiver.h"

#include <QObject>
#include <QTimer>

#include <functional>

class AgentIntake;
class Keychain;
class Database;
class EventSync;
class OperationService;
class ProviderRegistry;
class RetryRunWorker;

// The agent's services in one place, hosted by `reconsolectl serve` and, in solo mode, by the
// console itself: one HttpListener on its port serving the webhook receiver (secrets from the
// keychain) and whatever other routes are added (the intake API), the scheduled event sync,
// the worker that retries operations whose retry fell due, its share of the bulk retry runs,
// and the missing-activity check.
class Agent : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        quint16 port = 8123; // 0: any free port
        HttpListener::Options listener; // address, limits and timeouts of the port
        WebhookReceiver::GroupCommit groupCommit;
        int batchWindowMs = 25; // of event processing, after the answers
        int syncIntervalSeconds = 60; // 0: no scheduled sync
        int retryIntervalMs = 5000; // 0: no retry worker
        int silenceMinutes = 30;
    };

    Agent(const Database &db, Keychain &credentials, ProviderRegistry &providers, OperationService &operations,
        QObject *parent = nullptr);
    ~Agent() override;

    // Reads every unrevoked webhook-secret credential (two while one rotates) into the receiver.
    void loadWebhookSecrets(std::function<void(QStringList problems)> done);
    // Another route on the agent's port (not owned; it must outlive the agent or be removed).
    // Routes are asked in the order added, the webhook receiver first.
    void addRoute(HttpRoute &route) { m_listener->addRoute(route); }
    bool start(const Options &options);
    QString baseUrl() const { return m_listener->baseUrl(); }
    QString webhookBaseUrl() const { return baseUrl(); }
    WebhookReceiver &receiver() { return m_receiver; }
    HttpListener &listener() { return *m_listener; }
    AgentIntake &intake() { return *m_intake; }
    RetryRunWorker &retryRuns() { return *m_retryRuns; }

private:
    void syncAll();
    void retryDue();
    void checkActivity();

    const Database &m_db;
    Keychain &m_credentials;
    OperationService &m_operations;
    WebhookReceiver m_receiver;
    std::unique_ptr<HttpListener> m_listener;
    std::unique_ptr<EventSync> m_sync;
    std::unique_ptr<AgentIntake> m_intake; // the intake API on the same port, the outbox
    std::unique_ptr<RetryRunWorker> m_retryRuns; // this agent's share of the bulk retries
    QTimer m_syncTimer;
    QTimer m_retryTimer;
    QTimer m_activityTimer;
    int m_silenceMinutes = 30;
};
