#pragma once

#include "core/Result.h"

#include <QDate>
#include <QString>

class Database;

// The demo's bank account, ready to reconcile: two months of a camt.053 statement imported
// through the real importer, our ledger for them with the usual mess (a card settlement net of
// its fee, a payout the bank split in two, an invoice booked twice, a transfer booked days
// before the bank saw it, a few cents of rounding, a bank charge nobody booked), the rules run
// over both months. The earlier month is worked to zero by two finance users (a write-off one
// proposed and the other approved) and signed off; the later one is open for the user.
namespace DemoReconciliation {
constexpr auto kAccount = "DE89370400440532013000";
constexpr auto kSecondApprover = "maria.keller";
// `today` fixes the months: the two full months before it.
Status seed(const Database &db, const QString &actor, const QDate &today = QDate::currentDate());
} // namespace DemoReconciliation
