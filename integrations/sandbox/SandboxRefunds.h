#pragma once

#include "sandbox/SandboxAnswer.h"
#include "sandbox/SandboxStripe.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

class SandboxBalance;
class SandboxEvents;
class SandboxIds;
class SandboxPayments;

// Stripe's Refunds of succeeded payment intents: create (whole or partial, never more than is
// left), get, and list, all of them or one payment intent's. Each refund is a balance transaction.
class SandboxRefunds
{
public:
    SandboxRefunds(SandboxIds &ids, SandboxPayments &payments, SandboxEvents &events, SandboxBalance &balance);

    SandboxAnswer create(const SandboxStripe::Params &params);
    SandboxAnswer get(const QString &id) const;
    SandboxAnswer list(const SandboxStripe::Params &query) const;

private:
    SandboxIds &m_ids;
    SandboxPayments &m_payments;
    SandboxEvents &m_events;
    SandboxBalance &m_balance;
    QMap<QString, QJsonObject> m_refunds; // by id
    QList<QString> m_order; // creation order
};
