#pragma once

#include "core/Result.h"
#include "statements/Statement.h"

#include <QJsonObject>

// A Stripe balance transaction as a statement line of the provider's account: the bank entry id
// is the txn id (so its identity, "bank:<provider>:<txn>", is the same however often it is
// pulled, or imported from a Stripe report export naming the same txn), amount the gross,
// signed (charges in, refunds and payouts out), fee the fee, category its reporting_category,
// booked when created, value date when available, the source (ch_…, re_…, po_…) its reference.
namespace BalanceTransactionLine {
// `where` names the page for the message ("page 2 of GET /v1/balance_transactions?…"); a field
// missing or of the wrong kind, or a net that is not amount − fee, is refused naming the
// transaction, its field and what it must be.
Result<StatementLine> fromJson(const QJsonObject &txn, const QString &where);
} // namespace BalanceTransactionLine
