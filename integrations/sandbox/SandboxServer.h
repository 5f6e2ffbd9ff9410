#pragma once

#include "sandbox/SandboxAnswer.h"
#include "sandbox/SandboxBalance.h"
#include "sandbox/SandboxCrm.h"
#include "sandbox/SandboxEvents.h"
#include "sandbox/SandboxFaults.h"
#include "sandbox/SandboxIds.h"
#include "sandbox/SandboxPayments.h"
#include "sandbox/SandboxPayouts.h"
#include "sandbox/SandboxRefunds.h"
#include "sandbox/SandboxStripe.h"
#include "sandbox/SandboxWebhookSender.h"
#include "sandbox/SandboxWebhooks.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QTimer>

#include <optional>

class QHttpServerRequest;
class QTcpSocket;

// The local provider: a real HTTP server on 127.0.0.1 speaking Stripe's API v1 shapes for
// PaymentIntents, Refunds, balance transactions and payouts, with Stripe's test payment methods,
// idempotency rules and error bodies, faults on request, and counters a test can read. This class is the router —
// API keys, faults, idempotency, paths — and hands each resource to the class that keeps it.
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
    // Queued faults meet the next requests in order; those with a percent meet that share of all.
    void queueFaults(const QList<SandboxFault> &faults);
    int pendingFaults() const { return static_cast<int>(m_faults.size()); }

    void setWebhooks(const SandboxWebhooks &webhooks) { m_webhookSender.setStripeWebhooks(webhooks); }
    // The CRM's webhooks: HubSpot-shaped batches signed with X-HubSpot-Signature-v3 (the secret
    // is the app's client secret); only target, secret and delayMs apply.
    void setCrmWebhooks(const SandboxWebhooks &webhooks);
    SandboxCrm &crm() { return m_crm; } // the HubSpot-compatible contacts API under /crm/v3
    int deliveriesSent() const { return m_webhookSender.deliveriesSent(); }

    // For tests and the demo: a change made "in the provider's dashboard", behind our back.
    void editPaymentIntent(const QString &id, const QJsonObject &fields) { m_payments.edit(id, fields); }
    // For the demo: a payment intent made before this sandbox started, kept as given.
    void importPaymentIntent(const QJsonObject &paymentIntent) { m_payments.import(paymentIntent); }
    // The balance transactions every charge and refund made (a test may add older ones here).
    SandboxBalance &balance() { return m_balance; }
    // The payout schedule (daily on its own) run now: pays out what is available by `until`
    // (unix seconds; -1: now), also as POST /_sandbox/payouts with the form field `until`.
    QStringList runPayouts(qint64 until = -1) { return m_payouts.run(until); }
    int chargesForKey(const QString &idempotencyKey) const { return m_payments.chargesForKey(idempotencyKey); }
    // Every idempotency key charged, with how often: GET /_sandbox/charges gives the same.
    const QHash<QString, int> &chargesByKey() const { return m_payments.chargesByKey(); }
    int totalCharges() const { return m_payments.totalCharges(); }
    int requestCount() const { return m_requests; }
    // A provider's own rate limit, as a token bucket (`perSecond`, bursts of `burst`): a request
    // past it gets 429 with Retry-After, Stripe's rate_limit_error (HubSpot's for the CRM) and is
    // counted. 0 (the default): no limit.
    void setRateLimit(double perSecond, int burst = 1);
    int rateLimitedCount() const { return m_rateLimited; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct StoredAnswer
    {
        QByteArray fingerprint; // method, path and parameters of the first request
        SandboxAnswer answer;
    };

    std::optional<SandboxAnswer> refusedKey(const QHttpServerRequest &request, bool crm) const;
    // Answers a fault that stops the request before it is processed; false for those that do not.
    static bool answerFault(const SandboxFault &fault, QTcpSocket *socket, bool crm);
    static void dropMidAnswer(QTcpSocket *socket);
    // Stripe's idempotency: the same key with the same parameters replays the first answer.
    SandboxAnswer idempotent(const QHttpServerRequest &request, const QString &path);
    SandboxAnswer route(const QHttpServerRequest &request, const QString &path, const SandboxStripe::Params &params,
        const QString &idempotencyKey);
    static void write(QTcpSocket *socket, const SandboxAnswer &answer);

    QStringList m_acceptedKeys;
    QList<SandboxFault> m_faults;
    QList<SandboxFault> m_chanceFaults;
    QHash<QString, StoredAnswer> m_idempotency;
    int m_requests = 0;
    double m_ratePerSecond = 0;
    double m_rateBurst = 1;
    double m_rateTokens = 0;
    qint64 m_rateRefilledNs = 0;
    QElapsedTimer m_rateClock;
    int m_rateLimited = 0;
    // Declared in the order they depend on each other.
    SandboxIds m_ids;
    SandboxWebhookSender m_webhookSender;
    SandboxEvents m_events { m_ids, m_webhookSender };
    SandboxBalance m_balance { m_ids };
    SandboxPayouts m_payouts { m_ids, m_balance };
    SandboxPayments m_payments { m_ids, m_events, m_balance };
    SandboxRefunds m_refunds { m_ids, m_payments, m_events, m_balance };
    QTimer m_payoutSchedule;
    SandboxCrm m_crm;
};
