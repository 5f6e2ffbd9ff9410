#pragma once

#include "webhooks/WebhookReceiver.h"

#include <QObject>
#include <QTimer>

#include <functional>

class Keychain;
class Database;
class EventSync;
class OperationService;
class ProviderRegistry;

// The agent's services in one place, hosted by `reconsolectl serve` and, in solo mode, by the
// console itself: the webhook receiver (secrets from the keychain), the scheduled event sync,
// the worker that retries operations whose retry fell due, and the missing-activity check.
class Agent : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        quint16 port = 8123; // 0: any free port
        int batchWindowMs = 25;
        int syncIntervalSeconds = 60; // 0: no scheduled sync
        int retryIntervalMs = 5000; // 0: no retry worker
        int silenceMinutes = 30;
    };

    Agent(const Database &db, Keychain &credentials, ProviderRegistry &providers, OperationService &operations,
        QObject *parent = nullptr);
    ~Agent() override;

    // Reads every unrevoked webhook-secret credential (two while one rotates) into the receiver.
    void loadWebhookSecrets(std::function<void(QStringList problems)> done);
    bool start(const Options &options);
    QString webhookBaseUrl() const { return m_receiver.baseUrl(); }
    WebhookReceiver &receiver() { return m_receiver; }

private:
    void syncAll();
    void retryDue();
    void checkActivity();

    const Database &m_db;
    Keychain &m_credentials;
    OperationService &m_operations;
    WebhookReceiver m_receiver;
    std::unique_ptr<EventSync> m_sync;
    QTimer m_syncTimer;
    QTimer m_retryTimer;
    QTimer m_activityTimer;
    int m_silenceMinutes = 30;
};
