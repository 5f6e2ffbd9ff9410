#pragma once

#include "sandbox/SandboxAnswer.h"
#include "sandbox/SandboxStripe.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

class SandboxBalance;
class SandboxEvents;
class SandboxIds;

// Stripe's PaymentIntents as far as Reconsole uses them: create (and confirm with Stripe's test
// payment methods), update, get, list, search by metadata, the balance they add up to, and the
// charges made per idempotency key, for tests to count. Each charge that succeeds is a balance
// transaction (SandboxBalance).
class SandboxPayments
{
public:
    SandboxPayments(SandboxIds &ids, SandboxEvents &events, SandboxBalance &balance);

    SandboxAnswer create(const SandboxStripe::Params &params, const QString &idempotencyKey);
    SandboxAnswer update(const QString &id, const SandboxStripe::Params &params);
    SandboxAnswer get(const QString &id) const;
    SandboxAnswer list(const SandboxStripe::Params &query) const;
    SandboxAnswer search(const QString &query) const;
    SandboxAnswer balance() const;

    std::optional<QJsonObject> find(const QString &id) const;
    // Sets `fields` on the payment intent, as a change made "in the provider's dashboard" does.
    void edit(const QString &id, const QJsonObject &fields);
    // A payment intent made before this sandbox started, kept as given.
    void import(const QJsonObject &paymentIntent);

    int chargesForKey(const QString &idempotencyKey) const { return m_chargesByKey.value(idempotencyKey); }
    int totalCharges() const { return m_totalCharges; }
    const QHash<QString, int> &chargesByKey() const { return m_chargesByKey; }

private:
    SandboxIds &m_ids;
    SandboxEvents &m_events;
    SandboxBalance &m_balance;
    QMap<QString, QJsonObject> m_paymentIntents; // by id
    QList<QString> m_order; // creation order
    QHash<QString, int> m_chargesByKey;
    int m_totalCharges = 0;
};
