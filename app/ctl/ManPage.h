#pragma once

#include "Command.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>

// man(7) pages written by the programs themselves, on a hidden --man, so that they say what
// --help says: reconsolectl(1) from its command table, reconsole(1) from its parser. The build
// runs both binaries and installs the pages (app/CMakeLists.txt).
namespace ManPage {

inline const QString kOption = QStringLiteral("man");

// --man, hidden from --help.
QCommandLineOption option();
// reconsole(1): a synopsis and the options, both read off the parser's helpText().
QString console(const QCommandLineParser &parser);
// reconsolectl(1): every command of the table with its synopsis, summary, details, arguments
// and options; `globalOptionsHelp` is the top level's helpText(), for the options all share.
QString ctl(const Command &root, const QString &globalOptionsHelp);
// Writes a page on standard output; returns the exit code.
int print(const QString &page);

} // namespace ManPage
