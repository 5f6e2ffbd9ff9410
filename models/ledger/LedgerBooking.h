#pragma once

#include "core/Result.h"
#include "ledger/LedgerEntry.h"

#include <optional>

class Database;
struct Operation;

// What our own operations book when they succeed: a captured payment is money into the
// provider's clearing account (account = the provider id, which reconciliation matches against
// that provider's balance transactions), a refund money out of it. Called by
// OperationStore::transition inside the transaction of the change to succeeded, so the state and
// the entry commit together; the entry id (op:<operation id>:<action>) makes it once however
// often a success is recorded (a replay, a recovered unknown outcome, a webhook that settles it).
namespace LedgerBooking {
// The entry `operation` books, or nothing for actions that move no money (update_payment,
// CRM) and for a refund whose amount or currency cannot be known (logged: reconciliation then
// shows the provider's refund unmatched, which is the truth).
Result<std::optional<LedgerEntry>> entryFor(const Database &db, const Operation &operation);
// Books entryFor(operation) if there is one and it is not booked yet.
Status book(const Database &db, const Operation &operation);
QString entryId(qint64 operationId, const QString &action);
} // namespace LedgerBooking
