#pragma once

#include "events/EventStore.h"
#include "transport/HttpRoute.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

class Database;

// `POST /webhooks/<provider>`, a route on the agent's HttpListener: verifies the signature
// (Stripe, Standard Webhooks or HubSpot) before anything is stored, stores the deliveries
// verified within a short window in one durable transaction (fsynced: see
// EventStore::Inserter::insertDurably), and only then answers them 2xx — so neither a crash
// nor a power loss after the 2xx loses an event. The queue is processed after the answers.
class WebhookReceiver : public QObject, public HttpRoute
{
    Q_OBJECT
public:
    // How deliveries are grouped into one commit.
    struct GroupCommit
    {
        // A verified delivery waits at most this long for others to share its commit; 0 commits
        // as soon as the deliveries already read are in (so a burst gathers while the previous
        // commit is being fsynced, and a lone delivery is not held back).
        int windowMs = 0;
        int maxDeliveries = 256; // a fuller batch commits at once
    };

    explicit WebhookReceiver(const Database &db, QObject *parent = nullptr);

    bool serves(const QString &path) const override;
    qint64 bodyLimit(const QString &path) const override;
    void handle(const HttpExchange &exchange, HttpReplier reply) override;

    // Works whatever a previous run stored but never processed, then keeps the queue worked.
    void start();
    // Signing secrets per provider; two while a secret is being rotated.
    void setSecrets(const QString &providerId, const QStringList &secrets) { m_secrets.insert(providerId, secrets); }
    void setProcessing(bool enabled) { m_processing = enabled; } // off: store and answer only (tests)
    // How long deliveries gather before the queue is worked (bigger batches, later effects).
    void setBatchWindow(int milliseconds) { m_processTimer.setInterval(milliseconds); }
    void setGroupCommit(const GroupCommit &groupCommit);
    int accepted() const { return m_accepted; }
    int duplicates() const { return m_duplicates; }
    int rejected() const { return m_rejected; }
    int commits() const { return m_commits; } // group commits made (tests and the bench)

Q_SIGNALS:
    void processed(int events);

private:
    struct Delivery
    {
        QList<Event> events;
        HttpReplier reply;
    };

    void reject(const HttpReplier &reply, const QString &providerId, int status, const QString &why);
    // HubSpot's signed batches of CRM changes (v3 signature, or v1 for CRM object subscriptions).
    void receiveHubSpot(
        const HttpExchange &exchange, const HttpReplier &reply, const QString &providerId, const QStringList &secrets);
    // Joins the batch being gathered; answered once the batch is committed.
    void enqueue(const QList<Event> &events, const HttpReplier &reply);
    // One transaction for the batch, then the answers: 200 for each once all are stored, 503
    // (deliver again) for each otherwise.
    void commitBatch();
    void processQueue();

    const Database &m_db;
    EventStore::Inserter m_inserter;
    QHash<QString, QStringList> m_secrets;
    GroupCommit m_groupCommit;
    QList<Delivery> m_batch;
    QTimer m_commitTimer;
    QTimer m_processTimer;
    bool m_processing = true;
    int m_accepted = 0;
    int m_duplicates = 0;
    int m_rejected = 0;
    int m_commits = 0;
    // Test-only (RECONSOLE_TEST_CRASH, see WebhookReceiver.cpp): abort() in the given batch.
    enum class CrashPoint
    {
        None,
        MidBatch,
        AfterCommit,
    };
    CrashPoint m_crashPoint = CrashPoint::None;
    int m_crashInBatch = 0;
};
