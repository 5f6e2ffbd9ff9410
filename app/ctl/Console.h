#pragma once

#include <QString>
#include <QTextStream>

// What every reconsolectl command shares: its two output streams, the one way to report a
// failure, reading a secret, and stopping cleanly on a signal.
namespace Console {

QTextStream &out();
QTextStream &err();
// Prints `reconsolectl: <message>` (redacted) on stderr and returns `code`.
int fail(const QString &message, int code = 1);
// A secret comes from standard input, never from an argument (arguments show in `ps` and
// shell history). On a terminal the typing is not echoed.
QString readSecret(const QString &prompt);
// SIGINT and SIGTERM end the event loop cleanly; call before announcing readiness.
bool catchTermination();
// Runs the event loop until SIGINT or SIGTERM; returns the exit code.
int runUntilTerminated();
// The process's peak resident memory so far, in MB to one decimal: what every bench reports.
double peakRssMb();

} // namespace Console
