#include "sandbox/SandboxPayouts.h"

#include "sandbox/SandboxBalance.h"
#include "sandbox/SandboxIds.h"

#include <QDateTime>
#include <QMap>

using SandboxStripe::Params;

SandboxPayouts::SandboxPayouts(SandboxIds &ids, SandboxBalance &balance)
    : m_ids(ids)
    , m_balance(balance)
{ }

QStringList SandboxPayouts::run(qint64 until)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (until < 0)
        until = now;
    struct Due
    {
        qint64 net = 0;
        QStringList transactions;
    };
    QMap<QString, Due> byCurrency; // sorted: the same run makes its payouts in the same order
    for (const QJsonObject &txn : m_balance.availableUnpaid(until)) {
        Due &due = byCurrency[txn.value(QStringLiteral("currency")).toString()];
        due.net += txn.value(QStringLiteral("net")).toInteger();
        due.transactions << txn.value(QStringLiteral("id")).toString();
    }
    QStringList made;
    for (auto it = byCurrency.cbegin(); it != byCurrency.cend(); ++it) {
        if (it->net <= 0)
            continue;
        const QString id = m_ids.next(QStringLiteral("po"));
        const QString txn = m_balance.payout(id, it->net, it.key(), now);
        m_balance.markPaidOut(it->transactions, id);
        m_balance.markPaidOut({ txn }, id);
        // Standard payouts arrive about two days later, at the start of a day.
        const qint64 arrival = now - now % 86400 + 2 * 86400;
        m_payouts << QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("object"), QStringLiteral("payout") },
            { QStringLiteral("amount"), it->net }, { QStringLiteral("arrival_date"), arrival },
            { QStringLiteral("automatic"), true }, { QStringLiteral("balance_transaction"), txn },
            { QStringLiteral("created"), now }, { QStringLiteral("currency"), it.key() },
            { QStringLiteral("description"), QStringLiteral("STRIPE PAYOUT") },
            { QStringLiteral("destination"), QStringLiteral("ba_sandbox_bank_account") },
            { QStringLiteral("failure_balance_transaction"), QJsonValue() },
            { QStringLiteral("failure_code"), QJsonValue() }, { QStringLiteral("failure_message"), QJsonValue() },
            { QStringLiteral("livemode"), false }, { QStringLiteral("metadata"), QJsonObject() },
            { QStringLiteral("method"), QStringLiteral("standard") },
            { QStringLiteral("reconciliation_status"), QStringLiteral("completed") },
            { QStringLiteral("source_type"), QStringLiteral("card") },
            { QStringLiteral("statement_descriptor"), QJsonValue() },
            { QStringLiteral("status"), QStringLiteral("paid") },
            { QStringLiteral("type"), QStringLiteral("bank_account") } };
        made << id;
    }
    return made;
}

SandboxAnswer SandboxPayouts::get(const QString &id) const
{
    for (const QJsonObject &payout : m_payouts) {
        if (payout.value(QStringLiteral("id")).toString() == id)
            return SandboxAnswer::json(200, payout);
    }
    return SandboxStripe::noSuch(QStringLiteral("payout"), id);
}

SandboxAnswer SandboxPayouts::list(const Params &query) const
{
    const QString status = query.value(QStringLiteral("status"));
    const qint64 gte = query.value(QStringLiteral("created[gte]"), QStringLiteral("0")).toLongLong();
    QList<QJsonObject> items; // newest first: made later, listed earlier
    for (auto it = m_payouts.crbegin(); it != m_payouts.crend(); ++it) {
        if ((status.isEmpty() || it->value(QStringLiteral("status")).toString() == status)
            && it->value(QStringLiteral("created")).toInteger() >= gte)
            items << *it;
    }
    return SandboxStripe::list(items, QStringLiteral("/v1/payouts"), query);
}
