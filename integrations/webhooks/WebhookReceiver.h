#pragma once

#include "events/EventStore.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QStringList>
#include <QTimer>

class Database;
class QHttpServerRequest;
class QTcpSocket;

// `POST /webhooks/<provider>`: verifies the signature (Stripe, Standard Webhooks or HubSpot) before
// anything is stored, stores the event once, answers at once, and processes the queue after
// the answer — so a crash after the 2xx loses nothing.
class WebhookReceiver : public QAbstractHttpServer
{
    Q_OBJECT
public:
    WebhookReceiver(const Database &db, QObject *parent = nullptr);

    quint16 start(quint16 port = 0);
    QString baseUrl() const;
    // Signing secrets per provider; two while a secret is being rotated.
    void setSecrets(const QString &providerId, const QStringList &secrets) { m_secrets.insert(providerId, secrets); }
    void setProcessing(bool enabled) { m_processing = enabled; } // off: store and answer only (tests)
    // How long deliveries gather before the queue is worked (bigger batches, later effects).
    void setBatchWindow(int milliseconds) { m_processTimer.setInterval(milliseconds); }
    int accepted() const { return m_accepted; }
    int duplicates() const { return m_duplicates; }
    int rejected() const { return m_rejected; }

Q_SIGNALS:
    void processed(int events);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void reject(QTcpSocket *socket, const QString &providerId, int status, const QString &why);
    // HubSpot's signed batches of CRM changes (v3 signature, or v1 for CRM object subscriptions).
    void receiveHubSpot(
        const QHttpServerRequest &request, QTcpSocket *socket, const QString &providerId, const QStringList &secrets);
    // Stores the events, then answers: 200 once all are stored, 503 (deliver again) otherwise.
    void store(QTcpSocket *socket, const QList<Event> &events);
    void processQueue();

    const Database &m_db;
    EventStore::Inserter m_inserter;
    QHash<QString, QStringList> m_secrets;
    QTimer m_processTimer;
    bool m_processing = true;
    int m_accepted = 0;
    int m_duplicates = 0;
    int m_rejected = 0;
};
