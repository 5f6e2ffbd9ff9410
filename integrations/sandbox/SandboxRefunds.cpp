#include "sandbox/SandboxRefunds.h"

#include "sandbox/SandboxBalance.h"
#include "sandbox/SandboxEvents.h"
#include "sandbox/SandboxIds.h"
#include "sandbox/SandboxPayments.h"

#include <QDateTime>

using SandboxStripe::Params;

SandboxRefunds::SandboxRefunds(
    SandboxIds &ids, SandboxPayments &payments, SandboxEvents &events, SandboxBalance &balance)
    : m_ids(ids)
    , m_payments(payments)
    , m_events(events)
    , m_balance(balance)
{ }

SandboxAnswer SandboxRefunds::create(const Params &params)
{
    const QString piId = params.value(QStringLiteral("payment_intent"));
    if (piId.isEmpty())
        return SandboxStripe::invalidRequest(QStringLiteral(
            "One of the following params should be provided for this request: payment_intent or charge."));
    const std::optional<QJsonObject> pi = m_payments.find(piId);
    if (!pi)
        return SandboxStripe::invalidRequest(QStringLiteral("No such payment_intent: '%1'").arg(piId),
            { { QStringLiteral("code"), QStringLiteral("resource_missing") },
                { QStringLiteral("param"), QStringLiteral("payment_intent") } });
    const qint64 received = pi->value(QStringLiteral("amount_received")).toInteger();
    const qint64 refunded = pi->value(QStringLiteral("amount_refunded")).toInteger();
    const qint64 amount = params.contains(QStringLiteral("amount"))
        ? params.value(QStringLiteral("amount")).toLongLong()
        : received - refunded;
    if (pi->value(QStringLiteral("status")).toString() != QLatin1String("succeeded"))
        return SandboxStripe::invalidRequest(
            QStringLiteral("This PaymentIntent (%1) does not have a successful charge to refund.").arg(piId),
            { { QStringLiteral("code"), QStringLiteral("charge_not_refundable") } });
    if (amount < 1 || amount > received - refunded)
        return SandboxStripe::invalidRequest(
            QStringLiteral("Refund amount (%1) is greater than unrefunded amount on charge (%2).")
                .arg(amount)
                .arg(received - refunded),
            { { QStringLiteral("code"), QStringLiteral("amount_too_large") } });
    m_payments.edit(piId, { { QStringLiteral("amount_refunded"), refunded + amount } });
    const QString id = m_ids.next(QStringLiteral("re"));
    const QString currency = pi->value(QStringLiteral("currency")).toString();
    const QJsonObject refund { { QStringLiteral("id"), id }, { QStringLiteral("object"), QStringLiteral("refund") },
        { QStringLiteral("amount"), amount }, { QStringLiteral("currency"), currency },
        { QStringLiteral("payment_intent"), piId },
        { QStringLiteral("balance_transaction"), m_balance.refund(id, amount, currency) },
        { QStringLiteral("charge"), pi->value(QStringLiteral("latest_charge")) },
        { QStringLiteral("created"), QDateTime::currentSecsSinceEpoch() },
        { QStringLiteral("metadata"), SandboxStripe::metadataFrom(params) },
        { QStringLiteral("status"), QStringLiteral("succeeded") } };
    m_refunds.insert(id, refund);
    m_order << id;
    m_events.publish(QStringLiteral("refund.created"), refund);
    return SandboxAnswer::json(200, refund);
}

SandboxAnswer SandboxRefunds::get(const QString &id) const
{
    if (!m_refunds.contains(id))
        return SandboxStripe::noSuch(QStringLiteral("refund"), id);
    return SandboxAnswer::json(200, m_refunds.value(id));
}

SandboxAnswer SandboxRefunds::list(const Params &query) const
{
    const QString pi = query.value(QStringLiteral("payment_intent"));
    QList<QJsonObject> items;
    for (auto it = m_order.crbegin(); it != m_order.crend(); ++it) {
        const QJsonObject refund = m_refunds.value(*it);
        if (pi.isEmpty() || refund.value(QStringLiteral("payment_intent")).toString() == pi)
            items << refund;
    }
    return SandboxStripe::list(items, QStringLiteral("/v1/refunds"), query);
}
