#include "sandbox/SandboxPayments.h"

#include "sandbox/SandboxBalance.h"
#include "sandbox/SandboxEvents.h"
#include "sandbox/SandboxIds.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

using SandboxStripe::Params;

namespace {
struct TestCard
{
    const char *paymentMethod;
    const char *declineCode; // nullptr: the charge succeeds
    const char *message;
    bool authenticates = false; // 3-D Secure: the customer must confirm first (requires_action)
};
// Stripe's documented test payment methods.
const TestCard kTestCards[] = {
    { "pm_card_visa", nullptr, nullptr },
    { "pm_card_mastercard", nullptr, nullptr },
    { "pm_card_amex", nullptr, nullptr },
    { "pm_card_chargeDeclined", "generic_decline", "Your card was declined." },
    { "pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "Your card has insufficient funds." },
    { "pm_card_chargeDeclinedLostCard", "lost_card", "Your card was declined." },
    { "pm_card_chargeDeclinedStolenCard", "stolen_card", "Your card was declined." },
    { "pm_card_chargeDeclinedExpiredCard", "expired_card", "Your card has expired." },
    { "pm_card_threeDSecure2Required", nullptr, nullptr, true },
};

const TestCard *testCard(const QString &paymentMethod)
{
    const TestCard *card = nullptr;
    for (const TestCard &c : kTestCards) {
        if (paymentMethod == QLatin1String(c.paymentMethod))
            card = &c;
    }
    return card;
}
} // namespace

SandboxPayments::SandboxPayments(SandboxIds &ids, SandboxEvents &events, SandboxBalance &balance)
    : m_ids(ids)
    , m_events(events)
    , m_balance(balance)
{ }

SandboxAnswer SandboxPayments::create(const Params &params, const QString &idempotencyKey)
{
    bool amountOk = false;
    const qint64 amount = params.value(QStringLiteral("amount")).toLongLong(&amountOk);
    if (!params.contains(QStringLiteral("amount")))
        return SandboxStripe::invalidRequest(QStringLiteral("Missing required param: amount."),
            { { QStringLiteral("param"), QStringLiteral("amount") } });
    if (!amountOk || amount < 1)
        return SandboxStripe::invalidRequest(
            QStringLiteral("Invalid integer: %1").arg(params.value(QStringLiteral("amount"))),
            { { QStringLiteral("param"), QStringLiteral("amount") } });
    if (!params.contains(QStringLiteral("currency")))
        return SandboxStripe::invalidRequest(QStringLiteral("Missing required param: currency."),
            { { QStringLiteral("param"), QStringLiteral("currency") } });
    const QString paymentMethod = params.value(QStringLiteral("payment_method"));
    const TestCard *card = testCard(paymentMethod);
    if (!paymentMethod.isEmpty() && !card)
        return SandboxStripe::invalidRequest(QStringLiteral("No such PaymentMethod: '%1'").arg(paymentMethod),
            { { QStringLiteral("code"), QStringLiteral("resource_missing") },
                { QStringLiteral("param"), QStringLiteral("payment_method") } });

    const bool confirm = params.value(QStringLiteral("confirm")) == QLatin1String("true");
    QJsonObject pi { { QStringLiteral("id"), m_ids.next(QStringLiteral("pi")) },
        { QStringLiteral("object"), QStringLiteral("payment_intent") }, { QStringLiteral("amount"), amount },
        { QStringLiteral("amount_received"), 0 },
        { QStringLiteral("currency"), params.value(QStringLiteral("currency")).toLower() },
        { QStringLiteral("capture_method"), QStringLiteral("automatic") },
        { QStringLiteral("confirmation_method"), QStringLiteral("automatic") },
        { QStringLiteral("created"), QDateTime::currentSecsSinceEpoch() },
        { QStringLiteral("description"), params.value(QStringLiteral("description")) },
        { QStringLiteral("livemode"), false }, { QStringLiteral("metadata"), SandboxStripe::metadataFrom(params) },
        { QStringLiteral("payment_method"), paymentMethod.isEmpty() ? QJsonValue() : QJsonValue(paymentMethod) },
        { QStringLiteral("last_payment_error"), QJsonValue() }, { QStringLiteral("latest_charge"), QJsonValue() },
        { QStringLiteral("status"), QStringLiteral("requires_payment_method") } };
    const QString id = pi.value(QStringLiteral("id")).toString();
    std::optional<SandboxAnswer> declined;
    if (confirm && card && card->declineCode) {
        const QJsonObject lastError { { QStringLiteral("type"), QStringLiteral("card_error") },
            { QStringLiteral("code"), QStringLiteral("card_declined") },
            { QStringLiteral("decline_code"), QLatin1String(card->declineCode) },
            { QStringLiteral("message"), QLatin1String(card->message) } };
        pi.insert(QStringLiteral("last_payment_error"), lastError);
        QJsonObject extra = lastError;
        extra.remove(QStringLiteral("type"));
        extra.remove(QStringLiteral("message"));
        extra.insert(QStringLiteral("payment_intent"), pi);
        declined = SandboxStripe::error(402, QStringLiteral("card_error"), QLatin1String(card->message), extra);
    } else if (confirm && card && card->authenticates) {
        pi.insert(QStringLiteral("status"), QStringLiteral("requires_action"));
        pi.insert(QStringLiteral("next_action"),
            QJsonObject { { QStringLiteral("type"), QStringLiteral("use_stripe_sdk") } });
    } else if (confirm && card) {
        pi.insert(QStringLiteral("status"), QStringLiteral("succeeded"));
        pi.insert(QStringLiteral("amount_received"), amount);
        const QString chargeId = m_ids.next(QStringLiteral("ch"));
        pi.insert(QStringLiteral("latest_charge"), chargeId);
        m_balance.charge(chargeId, amount, pi.value(QStringLiteral("currency")).toString(),
            pi.value(QStringLiteral("description")).toString());
        ++m_totalCharges;
        ++m_chargesByKey[idempotencyKey];
    }
    m_paymentIntents.insert(id, pi);
    m_order << id;
    if (confirm && card)
        m_events.publish(card->declineCode ? QStringLiteral("payment_intent.payment_failed")
                : card->authenticates      ? QStringLiteral("payment_intent.requires_action")
                                           : QStringLiteral("payment_intent.succeeded"),
            pi);
    return declined ? *declined : SandboxAnswer::json(200, pi);
}

SandboxAnswer SandboxPayments::update(const QString &id, const Params &params)
{
    if (!m_paymentIntents.contains(id))
        return SandboxStripe::noSuch(QStringLiteral("payment_intent"), id);
    QJsonObject pi = m_paymentIntents.value(id);
    const QString status = pi.value(QStringLiteral("status")).toString();
    for (auto it = params.begin(); it != params.end(); ++it) {
        const bool money = it.key() == QLatin1String("amount") || it.key() == QLatin1String("currency");
        if (money && (status == QLatin1String("succeeded") || status == QLatin1String("canceled")))
            return SandboxStripe::invalidRequest(
                QStringLiteral("This PaymentIntent's %1 could not be updated because it has a status of %2.")
                    .arg(it.key(), status),
                { { QStringLiteral("code"), QStringLiteral("payment_intent_unexpected_state") } });
        if (!money && it.key() != QLatin1String("description") && !it.key().startsWith(QLatin1String("metadata[")))
            return SandboxStripe::invalidRequest(QStringLiteral("Received unknown parameter: %1").arg(it.key()),
                { { QStringLiteral("param"), it.key() } });
    }
    if (params.contains(QStringLiteral("amount")))
        pi.insert(QStringLiteral("amount"), params.value(QStringLiteral("amount")).toLongLong());
    if (params.contains(QStringLiteral("currency")))
        pi.insert(QStringLiteral("currency"), params.value(QStringLiteral("currency")));
    if (params.contains(QStringLiteral("description")))
        pi.insert(QStringLiteral("description"), params.value(QStringLiteral("description")));
    QJsonObject metadata = pi.value(QStringLiteral("metadata")).toObject();
    const QJsonObject changed = SandboxStripe::metadataFrom(params);
    for (auto it = changed.begin(); it != changed.end(); ++it)
        metadata.insert(it.key(), it.value());
    pi.insert(QStringLiteral("metadata"), metadata);
    m_paymentIntents.insert(id, pi);
    return SandboxAnswer::json(200, pi);
}

SandboxAnswer SandboxPayments::get(const QString &id) const
{
    if (!m_paymentIntents.contains(id))
        return SandboxStripe::noSuch(QStringLiteral("payment_intent"), id);
    return SandboxAnswer::json(200, m_paymentIntents.value(id));
}

SandboxAnswer SandboxPayments::list(const Params &query) const
{
    QList<QJsonObject> items;
    for (auto it = m_order.crbegin(); it != m_order.crend(); ++it)
        items << m_paymentIntents.value(*it);
    return SandboxStripe::list(items, QStringLiteral("/v1/payment_intents"), query);
}

SandboxAnswer SandboxPayments::search(const QString &query) const
{
    // Enough of Stripe's search language for lookups by metadata: metadata['key']:'value'.
    static const QRegularExpression clause(QStringLiteral("^metadata\\['([^']+)'\\]:'([^']*)'$"));
    const QRegularExpressionMatch m = clause.match(query.trimmed());
    if (!m.hasMatch())
        return SandboxStripe::invalidRequest(
            QStringLiteral("The sandbox understands only queries of the form metadata['key']:'value'."),
            { { QStringLiteral("param"), QStringLiteral("query") } });
    QJsonArray data;
    for (auto it = m_order.crbegin(); it != m_order.crend(); ++it) {
        const QJsonObject pi = m_paymentIntents.value(*it);
        if (pi.value(QStringLiteral("metadata")).toObject().value(m.captured(1)).toString() == m.captured(2))
            data.append(pi);
    }
    return SandboxAnswer::json(200,
        { { QStringLiteral("object"), QStringLiteral("search_result") }, { QStringLiteral("data"), data },
            { QStringLiteral("has_more"), false },
            { QStringLiteral("url"), QStringLiteral("/v1/payment_intents/search") } });
}

SandboxAnswer SandboxPayments::balance() const
{
    const QJsonArray funds { QJsonObject {
        { QStringLiteral("amount"), m_totalCharges * 1000 }, { QStringLiteral("currency"), QStringLiteral("eur") } } };
    return SandboxAnswer::json(200,
        { { QStringLiteral("object"), QStringLiteral("balance") }, { QStringLiteral("available"), funds },
            { QStringLiteral("pending"), QJsonArray() }, { QStringLiteral("livemode"), false } });
}

std::optional<QJsonObject> SandboxPayments::find(const QString &id) const
{
    const auto it = m_paymentIntents.constFind(id);
    if (it == m_paymentIntents.constEnd())
        return std::nullopt;
    return *it;
}

void SandboxPayments::edit(const QString &id, const QJsonObject &fields)
{
    const auto it = m_paymentIntents.find(id);
    if (it == m_paymentIntents.end())
        return;
    for (auto field = fields.begin(); field != fields.end(); ++field)
        it->insert(field.key(), field.value());
}

void SandboxPayments::import(const QJsonObject &paymentIntent)
{
    const QString id = paymentIntent.value(QStringLiteral("id")).toString();
    if (!m_paymentIntents.contains(id))
        m_order << id;
    m_paymentIntents.insert(id, paymentIntent);
}
