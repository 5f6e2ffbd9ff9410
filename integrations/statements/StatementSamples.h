#pragma once

#include <QString>

class QIODevice;

// Large, valid statement files written out line by line (never built in memory), for the
// import benchmark and the streaming tests: `lines` entries with unique bank references and
// amounts, dated across a year, whose opening balance plus lines is the closing balance.
namespace StatementSamples {
// camt.053.001.02, one statement of account NL91ABNA0417164300 in EUR. Returns bytes written,
// or -1 when the device refused them.
qint64 writeCamt053(QIODevice &out, qint64 lines);
// MT940, one :20: message per 10,000 entries, account NL91ABNA0417164300.
qint64 writeMt940(QIODevice &out, qint64 lines);
QString account(); // NL91ABNA0417164300
} // namespace StatementSamples
