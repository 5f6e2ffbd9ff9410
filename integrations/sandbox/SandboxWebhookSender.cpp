#include "sandbox/SandboxWebhookSender.h"

#include "webhooks/WebhookVerifier.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

SandboxWebhookSender::SandboxWebhookSender(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{ }

void SandboxWebhookSender::sendStripe(const QJsonObject &event)
{
    ++m_stripeEvents;
    if (m_stripe.target.isEmpty() || (m_stripe.dropEvery > 0 && m_stripeEvents % m_stripe.dropEvery == 0))
        return;
    const QByteArray payload = QJsonDocument(event).toJson(QJsonDocument::Compact);
    if (m_stripe.reorder) {
        if (m_heldForReorder.isEmpty()) {
            m_heldForReorder = payload; // goes out after the next one
            return;
        }
        deliverStripe(payload);
        deliverStripe(std::exchange(m_heldForReorder, {}));
        return;
    }
    deliverStripe(payload);
}

void SandboxWebhookSender::deliverStripe(const QByteArray &payload)
{
    const int copies = m_stripe.duplicate ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
        QTimer::singleShot(m_stripe.delayMs, this, [this, payload] {
            QNetworkRequest request { QUrl(m_stripe.target) };
            request.setRawHeader("Stripe-Signature",
                WebhookVerifier::signStripe(payload, m_stripe.secret, QDateTime::currentSecsSinceEpoch()));
            post(request, payload);
        });
    }
}

void SandboxWebhookSender::sendHubSpot(const QJsonArray &events)
{
    if (m_hubSpot.target.isEmpty())
        return;
    const QByteArray payload = QJsonDocument(events).toJson(QJsonDocument::Compact);
    // Signed as it leaves, with the settings it was made under.
    QTimer::singleShot(m_hubSpot.delayMs, this, [this, webhooks = m_hubSpot, payload] {
        const qint64 timestamp = QDateTime::currentMSecsSinceEpoch();
        QNetworkRequest request { QUrl(webhooks.target) };
        request.setRawHeader("X-HubSpot-Request-Timestamp", QByteArray::number(timestamp));
        request.setRawHeader("X-HubSpot-Signature-v3",
            WebhookVerifier::signHubSpotV3("POST", webhooks.target.toUtf8(), payload, timestamp, webhooks.secret));
        post(request, payload);
    });
}

void SandboxWebhookSender::post(QNetworkRequest request, const QByteArray &payload)
{
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = m_network->post(request, payload);
    ++m_deliveriesSent;
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
}
