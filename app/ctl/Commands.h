#pragma once

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

// reconsolectl's sub-commands. Each takes the arguments after its name (the first being a
// program name for QCommandLineParser), prints results on stdout and errors on stderr,
// and returns the exit code.
namespace Commands {
int demo(const QStringList &args);
int sandbox(const QStringList &args);
int ops(const QStringList &args);
int audit(const QStringList &args);
int credentials(const QStringList &args);
int roles(const QStringList &args);
int database(const QStringList &args);
int bench(const QStringList &args);

QTextStream &out();
QTextStream &err();
// Parses `args` with `parser` (adding --help); returns false, having printed why, on bad input.
bool parse(QCommandLineParser &parser, const QStringList &args, int *exitCode);
int fail(const QString &message, int code = 1);
// SIGINT and SIGTERM end the event loop cleanly; call before announcing readiness.
bool catchTermination();
// Runs the event loop until SIGINT or SIGTERM; returns the exit code.
int runUntilTerminated();
int serve(const QStringList &args);
int events(const QStringList &args);
int timeline(const QStringList &args);
int diff(const QStringList &args);
int drift(const QStringList &args);
} // namespace Commands
