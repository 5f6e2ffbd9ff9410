#include "CommandLine.h"

#include "AppContext.h"
#include "CommandHelp.h"
#include "Console.h"
#include "ManPage.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Console;

namespace {
const QString kDatabase = QStringLiteral("database");
const QString kCreate = QStringLiteral("create");
const QString kJson = QStringLiteral("json");
const QString kHelp = QStringLiteral("help");
const QString kVersion = QStringLiteral("version");

bool isOption(const QString &argument)
{
    return argument.size() > 1 && argument.startsWith(QLatin1Char('-'));
}

QString optionName(const QString &argument)
{
    QString name = argument.mid(argument.startsWith(QLatin1String("--")) ? 2 : 1);
    return name.left(name.indexOf(QLatin1Char('=')));
}

QString dashed(const QString &name)
{
    return (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
}

// The options every command shares, accepted before the command's name as well as after it.
bool isGlobalOption(const QString &argument)
{
    return argument == QLatin1String("--json") || argument == QLatin1String("--create")
        || argument == QLatin1String("--database") || argument.startsWith(QLatin1String("--database="));
}

// Optimal string alignment distance: a slip of one letter, or two letters swapped, is one.
int distance(const QString &a, const QString &b)
{
    std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
    for (qsizetype i = 0; i <= a.size(); ++i)
        d[i][0] = int(i);
    for (qsizetype j = 0; j <= b.size(); ++j)
        d[0][j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            d[i][j] = std::min({ d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost });
            if (i > 1 && j > 1 && a.at(i - 1) == b.at(j - 2) && a.at(i - 2) == b.at(j - 1))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

// The known name the user most likely meant: the only one the input begins, else the
// nearest within a slip per three letters; empty when nothing is that close.
QString closest(const QString &given, const QStringList &known)
{
    const QString typed = given.toLower();
    QStringList begun;
    for (const QString &name : known) {
        if (typed.size() >= 2 && name.startsWith(typed))
            begun << name;
    }
    if (begun.size() == 1)
        return begun.first();
    int best = typed.size() < 3 ? 0 : std::max(1, int(typed.size() / 3));
    QString nearest;
    for (const QString &name : known) {
        const int d = distance(typed, name);
        if (d > 0 && d <= best) {
            best = d - 1; // a later name must be strictly nearer
            nearest = name;
        }
    }
    return nearest;
}

void addOptions(QCommandLineParser &parser, const Command &command, bool topLevel = false)
{
    for (const Option &o : command.options) {
        QCommandLineOption option(o.name, o.description, o.valueName, o.defaultValue);
        if (o.hidden)
            option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
    for (const Argument &a : command.arguments) {
        if (!a.hidden)
            parser.addPositionalArgument(a.name, a.description);
    }
    // Both global options are always known, so one given where it means nothing is refused
    // by name instead of as an unknown option.
    QCommandLineOption json(kJson, QStringLiteral("JSON instead of a table."));
    if (command.json != JsonOutput::OnRequest)
        json.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(json);
    if (command.usesDatabase()) {
        AppContext::addDatabaseOption(parser, command.defaultDatabase);
    } else {
        QCommandLineOption database(kDatabase, QString(), QStringLiteral("url"));
        database.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(database);
    }
    QCommandLineOption create(kCreate,
        QStringLiteral("Create the SQLite database if it is not there (without it, a missing one is an error)."));
    if (!topLevel && !command.takesCreate())
        create.setFlags(QCommandLineOption::HiddenFromHelp); // demo and migrate create anyway
    parser.addOption(create);
    parser.addOption({ { QStringLiteral("h"), kHelp }, QStringLiteral("Show this help.") });
}

// The table of options of a --help page, which the man page shows too.
QString optionsHelp(const QStringList &path, const Command &command)
{
    QCommandLineParser parser;
    addOptions(parser, command, path.size() == 1);
    if (path.size() == 1)
        parser.addOption({ kVersion, QStringLiteral("Show the version.") });
    return parser.helpText();
}

QStringList optionNames(const Command &command, bool topLevel)
{
    QStringList names;
    for (const Option &o : command.options) {
        if (!o.hidden)
            names << o.name;
    }
    // Above a command, the global options are accepted on their way to it.
    const bool above = !command.subcommands.empty();
    if (above || command.json != JsonOutput::None)
        names << kJson;
    if (above || command.usesDatabase())
        names << kDatabase;
    if (above || command.takesCreate())
        names << kCreate;
    names << kHelp;
    if (topLevel)
        names << kVersion;
    return names;
}

Status argumentCount(const QString &name, const QList<Argument> &arguments, qsizetype given)
{
    QStringList required;
    bool unbounded = false;
    for (const Argument &a : arguments) {
        if (a.count == Argument::Count::One || a.count == Argument::Count::OneOrMore)
            required << a.name;
        unbounded = unbounded || a.count == Argument::Count::OneOrMore || a.count == Argument::Count::Any;
    }
    if (given < required.size())
        return failure(ErrorClass::Input,
            QStringLiteral("missing %1 for '%2'.").arg(required.mid(given).join(QLatin1Char(' ')), name));
    const qsizetype most = arguments.size();
    if (unbounded || given <= most)
        return success();
    if (most == 0)
        return failure(ErrorClass::Input, QStringLiteral("'%1' takes no arguments.").arg(name));
    return failure(ErrorClass::Input,
        QStringLiteral("'%1' takes %2 argument%3, not %4.")
            .arg(name)
            .arg(most)
            .arg(most == 1 ? QString() : QStringLiteral("s"))
            .arg(given));
}

const Option *ownOption(const Command &command, const QString &name)
{
    for (const Option &o : command.options) {
        if (o.name == name && !o.hidden)
            return &o;
    }
    return nullptr;
}

// QCommandLineParser's own complaints, said the way ours are.
QString parseError(const Command &command, const QString &text)
{
    static const QRegularExpression missing(QStringLiteral("^Missing value after '-*([^']+)'"));
    static const QRegularExpression unexpected(QStringLiteral("^Unexpected value after '-*([^'=]+)"));
    if (const auto m = missing.match(text); m.hasMatch()) {
        const QString name = m.captured(1);
        const Option *o = ownOption(command, name);
        const QString value = o ? o->valueName.toUpper()
            : name == kDatabase ? QStringLiteral("URL")
                                : QStringLiteral("VALUE");
        return QStringLiteral("'%1' needs a value: %1 %2").arg(dashed(name), value);
    }
    if (const auto m = unexpected.match(text); m.hasMatch())
        return QStringLiteral("'%1' takes no value").arg(dashed(m.captured(1)));
    return text;
}

// Every command below `command` that has the option `name`, by path.
void commandsWithOption(const QStringList &path, const Command &command, const QString &name, QStringList *found)
{
    if (ownOption(command, name))
        *found << path.mid(1).join(QLatin1Char(' '));
    for (const Command &sub : command.subcommands)
        commandsWithOption(path + QStringList { sub.name }, sub, name, found);
}

Status missingOption(const Command &command, const QCommandLineParser &parser)
{
    for (const Option &o : command.options) {
        if (o.required && parser.value(o.name).isEmpty())
            return failure(ErrorClass::Input, QStringLiteral("--%1 is required.").arg(o.name));
    }
    return success();
}
} // namespace

CommandLine::CommandLine(Command root, const QString &version)
    : m_root(std::move(root))
    , m_version(version)
{
    // The top level's help lists the global options.
    m_root.json = JsonOutput::OnRequest;
    m_root.readsDatabaseUrl = true;
}

int CommandLine::run(const QStringList &arguments) const
{
    const Found found = find(arguments);
    if (found.exitCode >= 0)
        return found.exitCode;
    return runCommand(found.path, *found.command, found.arguments);
}

// Walks down the table by name. Above the command only global options (and --help) may come;
// a command that runs on its own as well as through sub-commands takes its own options here.
CommandLine::Found CommandLine::find(const QStringList &arguments) const
{
    Found found { { m_root.name }, &m_root, {} };
    bool help = false;
    qsizetype i = 0;
    while (!found.command->subcommands.empty()) {
        const Command &node = *found.command;
        const bool topLevel = found.path.size() == 1;
        bool ownOption = false;
        while (i < arguments.size() && isOption(arguments.at(i))) {
            const QString &argument = arguments.at(i);
            if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
                help = true;
            } else if (argument == QLatin1String("--version") && topLevel) {
                out() << m_root.name << ' ' << m_version << Qt::endl;
                found.exitCode = 0;
                return found;
            } else if (argument == QLatin1String("--man") && topLevel) { // hidden; the build makes reconsolectl(1)
                found.exitCode = ManPage::print(ManPage::ctl(m_root, optionsHelp(found.path, m_root)));
                return found;
            } else if (isGlobalOption(argument)) {
                found.arguments << argument;
                if (argument == QLatin1String("--database")) {
                    if (i + 1 == arguments.size()) {
                        found.exitCode = usageError(found.path, node,
                            QStringLiteral("'--database' needs a value: --database URL (a file path, sqlite:PATH or "
                                           "postgresql://…)"));
                        return found;
                    }
                    found.arguments << arguments.at(++i);
                }
            } else if (node.runnable()) {
                ownOption = true; // left for the command's own parser
                break;
            } else {
                found.exitCode = optionAboveCommand(found, arguments, i);
                return found;
            }
            ++i;
        }
        if (ownOption)
            break;
        if (i == arguments.size()) {
            if (!help && !topLevel && node.runnable())
                break;
            found.exitCode = help || topLevel ? showHelp(found.path, node) : needsCommand(found.path, node);
            return found;
        }
        const Command *next = node.subcommand(arguments.at(i));
        if (!next && !help && node.runnable() && !node.arguments.isEmpty())
            break; // its own arguments
        if (!next) {
            found.exitCode = help ? showHelp(found.path, node) : unknownCommand(found.path, node, arguments.at(i));
            return found;
        }
        found.command = next;
        found.path << arguments.at(i++);
    }
    if (help)
        found.arguments << QStringLiteral("--help");
    found.arguments += arguments.mid(i);
    return found;
}

int CommandLine::runCommand(const QStringList &path, const Command &command, const QStringList &arguments) const
{
    QCommandLineParser parser;
    addOptions(parser, command);
    if (!parser.parse(QStringList { path.join(QLatin1Char(' ')) } + arguments)) {
        const QStringList unknown = parser.unknownOptionNames();
        return unknown.isEmpty() ? usageError(path, command, parseError(command, parser.errorText()))
                                 : unknownOption(path, command, unknown.first());
    }
    if (parser.isSet(kHelp))
        return showHelp(path, command);
    if (Status usable = checkUsage(path, command, parser); !usable)
        return usageError(path, command, usable.message());
    // The command's own checks come before the generic one for required options, so its more
    // telling message wins (`credentials add --secret …` is refused before anything else).
    if (command.check) {
        if (Status checked = command.check(parser); !checked)
            return fail(checked.message(), 2);
    }
    if (Status complete = missingOption(command, parser); !complete)
        return usageError(path, command, complete.message());
    if (const auto *handler = std::get_if<Handler>(&command.run))
        return (*handler)(parser);
    const bool create = command.createsDatabase || parser.isSet(kCreate);
    auto app = AppContext::open(
        parser, command.defaultDatabase, create ? Database::IfMissing::Create : Database::IfMissing::Refuse);
    if (!app)
        return fail(app.message());
    return std::get<DatabaseHandler>(command.run)(parser, *app.value());
}

int CommandLine::showHelp(const QStringList &path, const Command &command) const
{
    out() << CommandHelp::page(path, command, optionsHelp(path, command));
    out().flush();
    return 0;
}

Status CommandLine::checkUsage(const QStringList &path, const Command &command, const QCommandLineParser &parser) const
{
    const QString name = path.mid(1).join(QLatin1Char(' '));
    if (parser.isSet(kDatabase) && !command.usesDatabase())
        return failure(ErrorClass::Input, QStringLiteral("'%1' uses no database; leave out --database.").arg(name));
    if (parser.isSet(kCreate) && !command.takesCreate() && !command.createsDatabase)
        return failure(ErrorClass::Input, QStringLiteral("'%1' creates no database; leave out --create.").arg(name));
    if (parser.isSet(kJson) && command.json == JsonOutput::None)
        return failure(ErrorClass::Input, QStringLiteral("'%1' prints no JSON; leave out --json.").arg(name));
    return argumentCount(name, command.arguments, parser.positionalArguments().size());
}

int CommandLine::usageError(const QStringList &path, const Command &command, const QString &message) const
{
    QString text = message;
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1); // the pointer to --help ends the sentence
    fail(text + QStringLiteral(" (see %1 --help)").arg(path.join(QLatin1Char(' '))), 2);
    err() << CommandHelp::usage(path, command) << Qt::endl;
    return 2;
}

// An option a command takes, given before the command's name: said so, with the command line
// that works. Anything else is an unknown option.
int CommandLine::optionAboveCommand(const Found &found, const QStringList &arguments, qsizetype at) const
{
    const QString &argument = arguments.at(at);
    const QString name = optionName(argument);
    // The command the words after it name, as far down as they go.
    QStringList path = found.path;
    const Command *target = found.command;
    for (qsizetype j = at + 1; j < arguments.size() && !target->subcommands.empty(); ++j) {
        if (const Command *next = target->subcommand(arguments.at(j))) {
            target = next;
            path << next->name;
        }
    }
    if (target->subcommands.empty() && target != found.command) {
        const Option *option = ownOption(*target, name);
        if (!option)
            return unknownOption(path, *target, name);
        // The same words with the option (and its value) moved behind the command's name.
        QStringList moved { argument };
        qsizetype skip = -1;
        if (!option->valueName.isEmpty() && !argument.contains(QLatin1Char('=')) && at + 1 < arguments.size()) {
            moved << arguments.at(at + 1);
            skip = at + 1;
        }
        QStringList rest;
        QStringList words = path.mid(found.path.size());
        for (qsizetype j = at + 1; j < arguments.size(); ++j) {
            if (j == skip)
                continue;
            if (!words.isEmpty() && arguments.at(j) == words.first())
                words.removeFirst();
            else
                rest << arguments.at(j);
        }
        const QStringList line = QStringList { m_root.name } + found.arguments + path.mid(1) + moved + rest;
        return usageError(path, *target,
            QStringLiteral("'%1' belongs to '%2' and comes after it: %3")
                .arg(dashed(name), path.mid(1).join(QLatin1Char(' ')), line.join(QLatin1Char(' '))));
    }
    QStringList owners;
    commandsWithOption(found.path, *found.command, name, &owners);
    if (owners.isEmpty())
        return unknownOption(found.path, *found.command, name);
    return usageError(found.path, *found.command,
        QStringLiteral("'%1' is an option of '%2'; give it after the command's name")
            .arg(dashed(name), owners.join(QStringLiteral("', '"))));
}

int CommandLine::needsCommand(const QStringList &path, const Command &command) const
{
    QStringList names;
    for (const Command &sub : command.subcommands)
        names << sub.name;
    return usageError(path, command,
        QStringLiteral("'%1' needs one of: %2.")
            .arg(path.mid(1).join(QLatin1Char(' ')), names.join(QStringLiteral(", "))));
}

int CommandLine::unknownCommand(const QStringList &path, const Command &command, const QString &name) const
{
    QStringList names;
    for (const Command &sub : command.subcommands)
        names << sub.name;
    const QStringList above = path.mid(1);
    QString message = QStringLiteral("unknown command '%1'").arg((above + QStringList { name }).join(QLatin1Char(' ')));
    if (const QString meant = closest(name, names); !meant.isEmpty())
        message += QStringLiteral("; did you mean '%1'?").arg((above + QStringList { meant }).join(QLatin1Char(' ')));
    return usageError(path, command, message);
}

int CommandLine::unknownOption(const QStringList &path, const Command &command, const QString &name) const
{
    QString message = QStringLiteral("unknown option '%1'").arg(dashed(name));
    if (const QString meant = closest(name, optionNames(command, path.size() == 1)); !meant.isEmpty())
        message += QStringLiteral("; did you mean '%1'?").arg(dashed(meant));
    return usageError(path, command, message);
}
