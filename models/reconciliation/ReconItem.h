#pragma once

#include <QString>
#include <QStringList>

// One row the matcher sees, from either side: LEFT is our ledger, RIGHT is money reported from
// outside (a bank statement line, a payments provider's balance transaction or payout).
struct ReconItem
{
    qint64 id = 0; // unique on its side: the row's id in its table
    QString reference; // the ledger's reference, the bank's end-to-end id, the provider's id (ch_…, po_…)
    QStringList otherRefs; // further references the row carries (bank entry id, a remittance reference)
    qint64 amountMinor = 0; // signed, in the currency's minor units; a provider line's gross
    qint64 feeMinor = 0; // a provider line's fee: its net is amountMinor − feeMinor
    QString currency; // ISO 4217
    int day = 0; // QDate::toJulianDay() of the booking date
    QString groupId; // the payout a provider line was paid out in (Stripe's payout id)
    QString description;

    qint64 netMinor() const { return amountMinor - feeMinor; }
};
