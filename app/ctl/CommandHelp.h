#pragma once

#include "Command.h"

#include <QStringList>

// Every text reconsolectl shows about itself, generated from the command table. A `path`
// names a command as it is typed: {"reconsolectl", "ops", "list"}.
namespace CommandHelp {

// How to call it, wrapped to fit a terminal: continuation lines are indented under the
// command's arguments.
QStringList synopsis(const QStringList &path, const Command &command);
// `Usage: ` and the synopsis, as shown on errors and atop a --help page.
QString usage(const QStringList &path, const Command &command);
// Every command the user can run under `command` (itself too, when it runs on its own):
// its synopsis, then its one-line summary.
QString listing(const QStringList &path, const Command &command);
// A --help page. `optionsHelp` is QCommandLineParser::helpText() of the command's parser,
// whose table of options and arguments is kept and whose usage line is replaced.
QString page(const QStringList &path, const Command &command, const QString &optionsHelp);

} // namespace CommandHelp
