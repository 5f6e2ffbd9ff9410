#pragma once

#include "core/Result.h"
#include "statements/StatementSink.h"

class QIODevice;

// ISO 20022 bank-to-customer statements: camt.053 (.001.02 to .001.08), and the account report
// (camt.052) and debit/credit notification (camt.054) that share its entries. Elements are
// found by local name, so every version's namespace reads alike. Booked entries only: pending
// ones are not in the balances yet.
namespace Camt053Reader {
Status read(QIODevice &in, const QString &fileName, StatementSink &sink);
}
