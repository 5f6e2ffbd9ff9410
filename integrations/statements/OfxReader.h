#pragma once

#include "core/Result.h"
#include "statements/Statement.h"

class QIODevice;
class StatementSink;

// OFX bank and credit-card statements, several accounts per file: 1.x (SGML, where a value's
// tag is never closed) and 2.x (XML) read by one tokenizer that takes a value as the text up
// to the next tag. The header's ENCODING and CHARSET are honoured, and text that is not what
// the header claims is refused. OFX has a closing (ledger) balance but no opening one. It streams
// as the others do: each transaction goes to the sink as it is read.
namespace OfxReader {
Status read(QIODevice &in, const QString &fileName, StatementSink &sink);
}
