#include "sandbox/SandboxBalance.h"

#include "sandbox/SandboxIds.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

using SandboxStripe::Params;

namespace {
// Stripe makes funds available at the start of a UTC day.
qint64 startOfDay(qint64 seconds)
{
    return seconds - seconds % 86400;
}

// created, created[gte], created[gt], created[lte], created[lt], as Stripe's list filters take them.
bool createdMatches(qint64 created, const Params &query)
{
    const auto bound = [&](const char *name, auto test) {
        const QString key = QString::fromLatin1(name);
        return !query.contains(key) || test(query.value(key).toLongLong());
    };
    return bound("created", [&](qint64 v) { return created == v; })
        && bound("created[gte]", [&](qint64 v) { return created >= v; })
        && bound("created[gt]", [&](qint64 v) { return created > v; })
        && bound("created[lte]", [&](qint64 v) { return created <= v; })
        && bound("created[lt]", [&](qint64 v) { return created < v; });
}
} // namespace

SandboxBalance::SandboxBalance(SandboxIds &ids)
    : m_ids(ids)
{ }

QString SandboxBalance::add(const QString &type, const QString &category, const QString &source, qint64 amount,
    qint64 fee, const QString &currency, const QString &description, qint64 created, qint64 availableOn)
{
    QJsonArray feeDetails;
    if (fee != 0)
        feeDetails.append(QJsonObject { { QStringLiteral("amount"), fee },
            { QStringLiteral("application"), QJsonValue() }, { QStringLiteral("currency"), currency },
            { QStringLiteral("description"), QStringLiteral("Stripe processing fees") },
            { QStringLiteral("type"), QStringLiteral("stripe_fee") } });
    const QString id = m_ids.next(QStringLiteral("txn"));
    const QJsonObject txn { { QStringLiteral("id"), id },
        { QStringLiteral("object"), QStringLiteral("balance_transaction") }, { QStringLiteral("amount"), amount },
        { QStringLiteral("available_on"), availableOn }, { QStringLiteral("created"), created },
        { QStringLiteral("currency"), currency },
        { QStringLiteral("description"), description.isEmpty() ? QJsonValue() : QJsonValue(description) },
        { QStringLiteral("exchange_rate"), QJsonValue() }, { QStringLiteral("fee"), fee },
        { QStringLiteral("fee_details"), feeDetails }, { QStringLiteral("net"), amount - fee },
        { QStringLiteral("reporting_category"), category }, { QStringLiteral("source"), source },
        { QStringLiteral("type"), type } };
    m_index.insert(id, m_transactions.size());
    m_transactions << txn;
    return id;
}

QString SandboxBalance::charge(
    const QString &chargeId, qint64 amount, const QString &currency, const QString &description, qint64 created)
{
    if (created < 0)
        created = QDateTime::currentSecsSinceEpoch();
    return add(QStringLiteral("charge"), QStringLiteral("charge"), chargeId, amount, cardFee(amount),
        currency.toLower(), description, created, startOfDay(created + m_availableAfter));
}

QString SandboxBalance::refund(const QString &refundId, qint64 amount, const QString &currency, qint64 created)
{
    if (created < 0)
        created = QDateTime::currentSecsSinceEpoch();
    // A refund leaves the balance at once: available when it is made.
    return add(QStringLiteral("refund"), QStringLiteral("refund"), refundId, -amount, 0, currency.toLower(),
        QStringLiteral("REFUND FOR CHARGE"), created, created);
}

QString SandboxBalance::payout(const QString &payoutId, qint64 amount, const QString &currency, qint64 created)
{
    const QString id = add(QStringLiteral("payout"), QStringLiteral("payout"), payoutId, -amount, 0, currency,
        QStringLiteral("STRIPE PAYOUT"), created, created);
    m_payoutOf.insert(id, payoutId);
    return id;
}

QList<QJsonObject> SandboxBalance::availableUnpaid(qint64 until) const
{
    QList<QJsonObject> due;
    for (const QJsonObject &txn : m_transactions) {
        if (txn.value(QStringLiteral("available_on")).toInteger() <= until
            && !m_payoutOf.contains(txn.value(QStringLiteral("id")).toString()))
            due << txn;
    }
    return due;
}

void SandboxBalance::markPaidOut(const QStringList &transactionIds, const QString &payoutId)
{
    for (const QString &id : transactionIds)
        m_payoutOf.insert(id, payoutId);
}

SandboxAnswer SandboxBalance::get(const QString &id) const
{
    const auto it = m_index.constFind(id);
    if (it == m_index.constEnd())
        return SandboxStripe::noSuch(QStringLiteral("balance transaction"), id);
    QJsonObject txn = m_transactions.at(*it);
    const bool available = txn.value(QStringLiteral("available_on")).toInteger() <= QDateTime::currentSecsSinceEpoch();
    txn.insert(QStringLiteral("status"), available ? QStringLiteral("available") : QStringLiteral("pending"));
    return SandboxAnswer::json(200, txn);
}

SandboxAnswer SandboxBalance::list(const Params &query) const
{
    const QString payout = query.value(QStringLiteral("payout"));
    const QString type = query.value(QStringLiteral("type"));
    const QString source = query.value(QStringLiteral("source"));
    const QString currency = query.value(QStringLiteral("currency")).toLower();
    if (!payout.isEmpty() && !payout.startsWith(QLatin1String("po_")))
        return SandboxStripe::invalidRequest(QStringLiteral("No such payout: '%1'").arg(payout),
            { { QStringLiteral("param"), QStringLiteral("payout") } });
    QList<qsizetype> picked;
    for (qsizetype i = 0; i < m_transactions.size(); ++i) {
        const QJsonObject &txn = m_transactions.at(i);
        const QString id = txn.value(QStringLiteral("id")).toString();
        if ((payout.isEmpty() || m_payoutOf.value(id) == payout)
            && (type.isEmpty() || txn.value(QStringLiteral("type")).toString() == type)
            && (source.isEmpty() || txn.value(QStringLiteral("source")).toString() == source)
            && (currency.isEmpty() || txn.value(QStringLiteral("currency")).toString() == currency)
            && createdMatches(txn.value(QStringLiteral("created")).toInteger(), query))
            picked << i;
    }
    // Newest first; of the same second, the later made first (Stripe's order is as stable).
    std::stable_sort(picked.begin(), picked.end(), [this](qsizetype a, qsizetype b) {
        const qint64 ca = m_transactions.at(a).value(QStringLiteral("created")).toInteger();
        const qint64 cb = m_transactions.at(b).value(QStringLiteral("created")).toInteger();
        return ca != cb ? ca > cb : a > b;
    });
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QList<QJsonObject> items;
    items.reserve(picked.size());
    for (qsizetype i : picked) {
        QJsonObject txn = m_transactions.at(i);
        const bool available = txn.value(QStringLiteral("available_on")).toInteger() <= now;
        txn.insert(QStringLiteral("status"), available ? QStringLiteral("available") : QStringLiteral("pending"));
        items << txn;
    }
    return SandboxStripe::list(items, QStringLiteral("/v1/balance_transactions"), query);
}
