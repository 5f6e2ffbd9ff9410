#pragma once

#include "core/Result.h"
#include "records/ImportPreset.h"
#include "statements/StatementSink.h"

class QIODevice;

// A CSV statement read through a statement preset (target statements): which column gives
// each of our fields, and how the file writes amounts (major units, the preset's decimal
// separator, the currency's exponent) and dates. Streams row by row into the sink as one
// statement of `account`, referenced "csv:<file name>"; a CSV has no balances. The first
// problem stops it, naming the line and the column.
namespace CsvStatementReader {
Status read(
    QIODevice &in, const QString &fileName, const ImportPreset &preset, const QString &account, StatementSink &sink);
}
