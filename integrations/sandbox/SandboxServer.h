#pragma once

#include "sandbox/SandboxAnswer.h"
#include "sandbox/SandboxCrm.h"
#include "sandbox/SandboxFaults.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QSet>
#include <QStringList>

class QHttpServerRequest;
class QNetworkAccessManager;
class QTcpSocket;

// Where and how the sandbox delivers signed webhooks (Stripe-Signature), with the
// misbehaviour real providers show: late, twice, out of order, or not at all.
struct SandboxWebhooks
{
    QString target; // e.g. http://127.0.0.1:8123/webhooks/stripe-sandbox; empty: no deliveries
    QString secret; // whsec_…
    int delayMs = 0;
    bool duplicate = false; // every event delivered twice
    bool reorder = false;   // each pair of events delivered in reverse order
    int dropEvery = 0;      // every Nth event never delivered (sync must catch it)
};

// The local provider: a real HTTP server on 127.0.0.1 speaking Stripe's API v1 shapes for
// PaymentIntents and Refunds, with Stripe's test payment methods, idempotency rules and
// error bodies, faults on request, and counters a test can read.
class SandboxServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    explicit SandboxServer(QObject *parent = nullptr);

    // Port 0 picks a free one. Returns the port, 0 on failure.
    quint16 start(quint16 port = 0);
    QString baseUrl() const;

    // With no accepted keys, any sk_test_ key is accepted.
    void setAcceptedKeys(const QStringList &keys) { m_acceptedKeys = keys; }
    void queueFaults(const QList<SandboxFault> &faults) { m_faults << faults; }
    int pendingFaults() const { return static_cast<int>(m_faults.size()); }

    void setWebhooks(const SandboxWebhooks &webhooks) { m_webhooks = webhooks; }
    // The CRM's webhooks: HubSpot-shaped batches signed with X-HubSpot-Signature-v3 (the secret
    // is the app's client secret); only target, secret and delayMs apply.
    void setCrmWebhooks(const SandboxWebhooks &webhooks);
    SandboxCrm &crm() { return m_crm; } // the HubSpot-compatible contacts API under /crm/v3
    int deliveriesSent() const { return m_deliveriesSent; }

    // For tests and the demo: a change made "in the provider's dashboard", behind our back.
    void editPaymentIntent(const QString &id, const QJsonObject &fields);
    // For the demo: a payment intent made before this sandbox started, kept as given.
    void importPaymentIntent(const QJsonObject &paymentIntent);
    int chargesForKey(const QString &idempotencyKey) const { return m_chargesByKey.value(idempotencyKey); }
    int totalCharges() const { return m_totalCharges; }
    int requestCount() const { return m_requests; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    using Answer = SandboxAnswer;
    struct StoredAnswer
    {
        QByteArray fingerprint; // method, path and parameters of the first request
        Answer answer;
    };

    Answer route(const QHttpServerRequest &request, const QString &path, const QMap<QString, QString> &params,
                 const QString &idempotencyKey);
    Answer createPaymentIntent(const QMap<QString, QString> &params, const QString &idempotencyKey);
    Answer createRefund(const QMap<QString, QString> &params);
    Answer updatePaymentIntent(const QString &id, const QMap<QString, QString> &params);
    Answer list(const QList<QJsonObject> &items, const QString &url, const QMap<QString, QString> &query);
    Answer searchPaymentIntents(const QString &query);
    static Answer error(int status, const QString &type, const QString &message, const QJsonObject &extra = {});
    static void write(QTcpSocket *socket, const Answer &answer);
    QString newId(const QString &prefix);
    void emitEvent(const QString &type, const QJsonObject &object);
    void deliver(const QByteArray &payload);

    QStringList m_acceptedKeys;
    QList<SandboxFault> m_faults;
    QHash<QString, StoredAnswer> m_idempotency;
    QMap<QString, QJsonObject> m_paymentIntents; // by id
    QList<QString> m_paymentIntentOrder;          // creation order
    QMap<QString, QJsonObject> m_refunds;
    QList<QString> m_refundOrder;
    QHash<QString, int> m_chargesByKey;
    int m_totalCharges = 0;
    int m_requests = 0;
    quint64 m_nextId = 1;
    SandboxCrm m_crm;
    QList<QJsonObject> m_events; // oldest first; GET /v1/events lists newest first
    SandboxWebhooks m_webhooks;
    QNetworkAccessManager *m_network = nullptr;
    QByteArray m_heldForReorder;
    int m_eventsEmitted = 0;
    int m_deliveriesSent = 0;
};
