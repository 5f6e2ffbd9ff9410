#pragma once

#include "Command.h"

#include <QStringList>

// Runs reconsolectl's command table: finds the command the arguments name (global options
// may come before or after it), parses and checks its options and arguments, opens the
// database for the commands that need one, and reports every failure the same way:
// `reconsolectl: <message>`, exit 2 for bad input (with the usage line), 1 for the rest.
class CommandLine
{
public:
    CommandLine(Command root, const QString &version);

    // `arguments` are those after the program's name; returns the exit code.
    int run(const QStringList &arguments) const;

private:
    struct Found
    {
        QStringList path;
        const Command *command = nullptr;
        QStringList arguments; // for the command's own parser, global options included
        int exitCode = -1; // set when the search itself ended the run
    };

    Found find(const QStringList &arguments) const;
    int runCommand(const QStringList &path, const Command &command, const QStringList &arguments) const;
    int showHelp(const QStringList &path, const Command &command) const;
    Status checkUsage(const QStringList &path, const Command &command, const QCommandLineParser &parser) const;
    int usageError(const QStringList &path, const Command &command, const QString &message) const;
    int needsCommand(const QStringList &path, const Command &command) const;
    int unknownCommand(const QStringList &path, const Command &command, const QString &name) const;
    int unknownOption(const QStringList &path, const Command &command, const QString &name) const;
    int optionAboveCommand(const Found &found, const QStringList &arguments, qsizetype at) const;

    Command m_root;
    QString m_version;
};
