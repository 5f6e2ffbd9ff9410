#include "CommandHelp.h"

namespace {
constexpr int kWidth = 98; // a listing line is indented by two, so it fits 100 columns

QString optionToken(const Option &option)
{
    QString token = QStringLiteral("--") + option.name;
    // A placeholder is shown in capitals, a choice of literal values as they are typed.
    const bool choice = option.valueName.contains(QLatin1Char('|'));
    if (!option.valueName.isEmpty())
        token += QLatin1Char(' ') + (choice ? option.valueName : option.valueName.toUpper());
    if (option.repeatable)
        token += QStringLiteral("…");
    return option.required ? token : QLatin1Char('[') + token + QLatin1Char(']');
}

QString argumentToken(const Argument &argument)
{
    switch (argument.count) {
    case Argument::Count::One:
        return argument.name;
    case Argument::Count::Optional:
        return QLatin1Char('[') + argument.name + QLatin1Char(']');
    case Argument::Count::OneOrMore:
        return argument.name + QStringLiteral("…");
    case Argument::Count::Any:
        break;
    }
    return QLatin1Char('[') + argument.name + QStringLiteral("…]");
}

// Arguments, then the options one must give, then the rest.
QStringList leafTokens(const Command &command)
{
    QStringList tokens;
    for (const Argument &a : command.arguments) {
        if (!a.hidden)
            tokens << argumentToken(a);
    }
    for (bool required : { true, false }) {
        for (const Option &o : command.options) {
            if (!o.hidden && o.required == required)
                tokens << optionToken(o);
        }
    }
    if (command.json == JsonOutput::OnRequest)
        tokens << QStringLiteral("[--json]");
    return tokens;
}

// The sub-commands by name while they fit; the top level has too many and names the two
// options every command shares instead.
QStringList nodeTokens(const QStringList &path, const Command &command)
{
    QStringList names;
    for (const Command &sub : command.subcommands)
        names << sub.name;
    QString choice = names.join(QLatin1Char('|'));
    QStringList tokens;
    if (path.size() == 1) {
        tokens << QStringLiteral("[--database URL]") << QStringLiteral("[--json]");
        choice = QStringLiteral("COMMAND");
    }
    tokens << (command.runnable() ? QLatin1Char('[') + choice + QLatin1Char(']') : choice) << QStringLiteral("…");
    return tokens;
}

QStringList wrapped(const QString &head, const QStringList &tokens)
{
    QStringList lines { head };
    const QString indent(head.size() + 1, QLatin1Char(' '));
    for (const QString &token : tokens) {
        QString &line = lines.last();
        if (line.size() + 1 + token.size() > kWidth && line.size() > indent.size())
            lines << indent + token;
        else
            line += QLatin1Char(' ') + token;
    }
    return lines;
}

QString wrappedText(const QString &text)
{
    QStringList lines;
    for (const QString &paragraph : text.split(QLatin1Char('\n'))) {
        QString line;
        for (const QString &word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && line.size() + 1 + word.size() > kWidth + 2) {
                lines << line;
                line.clear();
            }
            line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
        }
        lines << line;
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

// QCommandLineParser's table of options and arguments, without its usage line (whose
// program name and `[options]` say less than the synopsis).
QString optionsTable(const QString &optionsHelp)
{
    const QStringList lines = optionsHelp.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines.at(i) == QLatin1String("Options:") || lines.at(i) == QLatin1String("Arguments:"))
            return QLatin1Char('\n') + lines.mid(i).join(QLatin1Char('\n'));
    }
    return {};
}
} // namespace

namespace CommandHelp {

QStringList synopsis(const QStringList &path, const Command &command)
{
    const QString head = path.join(QLatin1Char(' '));
    return wrapped(head, command.subcommands.empty() ? leafTokens(command) : nodeTokens(path, command));
}

QString usage(const QStringList &path, const Command &command)
{
    return QStringLiteral("Usage: ") + synopsis(path, command).join(QStringLiteral("\n       "));
}

QString listing(const QStringList &path, const Command &command)
{
    QString text;
    if (command.runnable()) {
        // A command with sub-commands that also runs on its own is listed as it runs on its own.
        for (const QString &line : wrapped(path.join(QLatin1Char(' ')), leafTokens(command)))
            text += QStringLiteral("  ") + line + QLatin1Char('\n');
        text += QStringLiteral("      ") + command.summary + QLatin1Char('\n');
    }
    for (const Command &sub : command.subcommands)
        text += listing(path + QStringList { sub.name }, sub);
    return text;
}

QString page(const QStringList &path, const Command &command, const QString &optionsHelp)
{
    QString text = usage(path, command) + QStringLiteral("\n\n") + wrappedText(command.summary);
    if (!command.details.isEmpty())
        text += wrappedText(command.details);
    if (!command.subcommands.empty())
        text += QStringLiteral("\nCommands:\n") + listing(path, command);
    text += optionsTable(optionsHelp);
    if (!command.subcommands.empty())
        text += QStringLiteral("\nAdd --help to any command for its options.\n");
    return text;
}

} // namespace CommandHelp
