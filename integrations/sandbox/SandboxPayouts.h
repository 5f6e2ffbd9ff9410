#pragma once

#include "sandbox/SandboxAnswer.h"
#include "sandbox/SandboxStripe.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

class SandboxBalance;
class SandboxIds;

// Stripe's automatic payouts: on its schedule (daily, SandboxServer's timer, or when a test or
// the demo says "now"), each currency's available balance not yet paid out leaves in one payout
// `po_…`, status paid, which carries those balance transactions: GET
// /v1/balance_transactions?payout=po_… lists them, and the payout's own transaction.
class SandboxPayouts
{
public:
    SandboxPayouts(SandboxIds &ids, SandboxBalance &balance);

    // Pays out what is available by `until` (unix seconds; -1: now). A currency whose available
    // funds do not add up to more than zero waits for the next run. Returns the payouts made.
    QStringList run(qint64 until = -1);

    SandboxAnswer get(const QString &id) const;
    SandboxAnswer list(const SandboxStripe::Params &query) const;

private:
    SandboxIds &m_ids;
    SandboxBalance &m_balance;
    QList<QJsonObject> m_payouts; // in the order made
};
