#pragma once

#include "sandbox/SandboxAnswer.h"
#include "sandbox/SandboxStripe.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

class SandboxIds;

// Stripe's balance transactions: every charge and refund the sandbox makes moves its balance by
// one `txn_…`, with Stripe's fee shape (amount gross, fee, net, fee_details, reporting_category,
// source, available_on), and a payout moves the available funds out again. Listed newest first
// as GET /v1/balance_transactions does, with its filters (payout, type, created[…]) and both cursors.
class SandboxBalance
{
public:
    // Card payments become available two days after they are made (Stripe's standard in most
    // countries); setAvailableAfter() lets a test or the demo change that.
    static constexpr qint64 kAvailableAfterSeconds = 2 * 86400;

    explicit SandboxBalance(SandboxIds &ids);

    // A succeeded charge `chargeId` of `amount` (minor units), with Stripe's card fee.
    QString charge(const QString &chargeId, qint64 amount, const QString &currency, const QString &description,
        qint64 created = -1);
    // A refund `refundId` of `amount` (positive; the transaction is negative). Stripe keeps the
    // charge's fee on a refund, so the refund's own fee is 0.
    QString refund(const QString &refundId, qint64 amount, const QString &currency, qint64 created = -1);
    // The payout's own transaction: `amount` leaves the balance.
    QString payout(const QString &payoutId, qint64 amount, const QString &currency, qint64 created);

    // Stripe's test-mode card pricing, the standard European/US rate: 2.9 % of the amount
    // (rounded to the nearest minor unit) + 30 minor units per successful charge.
    static qint64 cardFee(qint64 amount) { return (amount * 29 + 500) / 1000 + 30; }

    // The transactions available by `until` (unix seconds) and not yet paid out, oldest first.
    QList<QJsonObject> availableUnpaid(qint64 until) const;
    // Marks `transactionIds` (and the payout's own transaction) as carried by `payoutId`.
    void markPaidOut(const QStringList &transactionIds, const QString &payoutId);
    void setAvailableAfter(qint64 seconds) { m_availableAfter = seconds; }

    SandboxAnswer get(const QString &id) const;
    SandboxAnswer list(const SandboxStripe::Params &query) const;
    int count() const { return static_cast<int>(m_transactions.size()); }

private:
    QString add(const QString &type, const QString &category, const QString &source, qint64 amount, qint64 fee,
        const QString &currency, const QString &description, qint64 created, qint64 availableOn);

    SandboxIds &m_ids;
    qint64 m_availableAfter = kAvailableAfterSeconds;
    QList<QJsonObject> m_transactions; // in the order made
    QHash<QString, qsizetype> m_index; // id → position in m_transactions
    QHash<QString, QString> m_payoutOf; // transaction id → the payout that carried it
};
