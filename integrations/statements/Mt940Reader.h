#pragma once

#include "core/Result.h"
#include "statements/StatementSink.h"

class QIODevice;

// SWIFT MT940 customer statements, several per file, with the banks' usual dialects: headers
// before the first :20: (ABN AMRO), :28: or :28C:, and :86: either free text over several
// lines or the German structured form (a transaction code, then ?00…?63 subfields, SEPA's
// EREF+/MREF+/SVWZ+ inside the purpose). Read line by line, so a file's size does not matter.
namespace Mt940Reader {
Status read(QIODevice &in, const QString &fileName, StatementSink &sink);
}
