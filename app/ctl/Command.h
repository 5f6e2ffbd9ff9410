#pragma once

#include "core/Result.h"

#include <QCommandLineParser>
#include <QList>
#include <QString>

#include <functional>
#include <variant>
#include <vector>

class AppContext;

// reconsolectl's commands are declared once, as a table of these; parsing, every --help, the
// usage listing and the usage line on errors are generated from it (CommandLine, CommandHelp).

struct Option
{
    QString name; // without the dashes
    QString description;
    QString valueName = {}; // empty for a flag
    QString defaultValue = {};
    bool required = false;
    bool repeatable = false;
    bool hidden = false; // accepted only to be refused clearly: never shown, never suggested
};

struct Argument
{
    enum class Count
    {
        One,
        Optional,
        OneOrMore,
        Any
    };

    QString name; // as the usage shows it: ID, contact|payment
    QString description;
    Count count = Count::One;
    bool hidden = false;
};

enum class JsonOutput
{
    None, // --json is refused
    OnRequest, // --json switches from a table to JSON
    Always, // the output is JSON anyway; --json is accepted and changes nothing
};

// A handler gets its arguments parsed and checked; a DatabaseHandler also gets the database
// (--database) opened. Both print on out() and err() and return the exit code.
using Handler = std::function<int(const QCommandLineParser &args)>;
using DatabaseHandler = std::function<int(const QCommandLineParser &args, AppContext &app)>;

struct Command
{
    QString name;
    QString summary; // one line, for the usage listing
    QString details = {}; // more, for its own --help
    QList<Option> options = {};
    QList<Argument> arguments = {};
    std::vector<Command> subcommands = {};
    JsonOutput json = JsonOutput::None;
    // A Handler that reads --database itself (to open it its own way, or not at all).
    bool readsDatabaseUrl = false;
    // A DatabaseHandler that may make a missing SQLite database (demo, migrate); every other
    // one refuses to, unless given --create, so a mistyped path is an error and not a new file.
    bool createsDatabase = false;
    // The database without --database; empty: the default one.
    QString defaultDatabase = {};
    // Checks of the input that need no database, run before it is opened; a failure exits 2.
    std::function<Status(const QCommandLineParser &args)> check = {};
    std::variant<std::monostate, Handler, DatabaseHandler> run = {};

    bool runnable() const { return !std::holds_alternative<std::monostate>(run); }
    bool usesDatabase() const { return readsDatabaseUrl || std::holds_alternative<DatabaseHandler>(run); }
    // Takes --create: opens its database through the command line and would otherwise refuse a missing one.
    bool takesCreate() const { return std::holds_alternative<DatabaseHandler>(run) && !createsDatabase; }
    const Command *subcommand(const QString &subName) const
    {
        for (const Command &c : subcommands) {
            if (c.name == subName)
                return &c;
        }
        return nullptr;
    }
};
