#pragma once

#include "sandbox/SandboxWebhooks.h"

#include <QByteArray>
#include <QObject>

class QJsonArray;
class QJsonObject;
class QNetworkAccessManager;
class QNetworkRequest;

// Delivers the sandbox's webhooks the way the real providers do: the payments provider's events
// one by one, signed with Stripe-Signature and with its misbehaviours (late, twice, out of
// order, dropped); the CRM's change batches signed with X-HubSpot-Signature-v3.
class SandboxWebhookSender : public QObject
{
    Q_OBJECT
public:
    explicit SandboxWebhookSender(QObject *parent = nullptr);

    void setStripeWebhooks(const SandboxWebhooks &webhooks) { m_stripe = webhooks; }
    // Only target, secret (the app's client secret) and delayMs apply.
    void setHubSpotWebhooks(const SandboxWebhooks &webhooks) { m_hubSpot = webhooks; }

    void sendStripe(const QJsonObject &event);
    void sendHubSpot(const QJsonArray &events);
    int deliveriesSent() const { return m_deliveriesSent; }

private:
    void deliverStripe(const QByteArray &payload);
    void post(QNetworkRequest request, const QByteArray &payload);

    QNetworkAccessManager *m_network = nullptr;
    SandboxWebhooks m_stripe;
    SandboxWebhooks m_hubSpot;
    QByteArray m_heldForReorder;
    int m_stripeEvents = 0; // every event counts towards dropEvery, delivered or not
    int m_deliveriesSent = 0;
};
