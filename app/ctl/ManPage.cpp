#include "ManPage.h"

#include "CommandHelp.h"

#include <QCoreApplication>
#include <QDir>
#include <QTextStream>

#include <cstdio>

namespace {
struct Item
{
    QString names; // as --help shows them: "-h, --help", "--database <url>"
    QString description;
};

// The default paths in descriptions are the builder's; the page names them for any user.
QString forAnyUser(QString text)
{
    const QString home = QDir::homePath();
    if (home != QLatin1String("/"))
        text.replace(home + QLatin1Char('/'), QStringLiteral("~/"));
    return text;
}

// Text as roff reads it literally: a backslash, a minus (so options are typed as shown, not as
// hyphens), anything outside ASCII by its code point, and no line starting as a request.
QString roff(const QString &text)
{
    QStringList lines;
    for (const QString &line : forAnyUser(text).split(QLatin1Char('\n'))) {
        QString escaped;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const QChar c = line.at(i);
            if (c == QLatin1Char(',') && i + 1 < line.size() && !line.at(i + 1).isSpace())
                escaped += QStringLiteral(",\\:"); // a comma list may break after a comma
            else if (c == QLatin1Char('\\'))
                escaped += QStringLiteral("\\e");
            else if (c == QLatin1Char('-'))
                escaped += QStringLiteral("\\-");
            else if (c.unicode() > 127)
                escaped += QStringLiteral("\\[u%1]").arg(
                    QString::number(c.unicode(), 16).toUpper().rightJustified(4, QLatin1Char('0')));
            else
                escaped += c;
        }
        if (escaped.startsWith(QLatin1Char('.')) || escaped.startsWith(QLatin1Char('\'')))
            escaped.prepend(QStringLiteral("\\&"));
        lines << escaped;
    }
    return lines.join(QStringLiteral("\n.br\n"));
}

// "--database <url>" and "-h, --help": the options in bold, the value in italics.
QString term(const QString &names)
{
    QStringList words;
    for (QString word : names.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const bool comma = word.endsWith(QLatin1Char(','));
        if (comma)
            word.chop(1);
        const bool value = word.startsWith(QLatin1Char('<')) && word.endsWith(QLatin1Char('>'));
        words << (value ? QStringLiteral("\\fI%1\\fR").arg(roff(word.mid(1, word.size() - 2)))
                        : QStringLiteral("\\fB%1\\fR").arg(roff(word)))
                + (comma ? QStringLiteral(",") : QString());
    }
    return words.join(QLatin1Char(' '));
}

QString item(const QString &termText, const QString &description)
{
    return QStringLiteral(".TP\n") + termText + QLatin1Char('\n') + roff(description) + QLatin1Char('\n');
}

// QCommandLineParser's table of options, unwrapped: "  NAMES  DESCRIPTION", continued on lines
// indented to the description. A word longer than the line (a default path) is cut at the line's
// end, so a line of one word that fills the 79 columns goes on without a space.
QList<Item> items(const QString &helpText)
{
    QList<Item> found;
    bool inTable = false;
    bool cut = false;
    for (const QString &line : helpText.split(QLatin1Char('\n'))) {
        if (line == QLatin1String("Options:")) {
            inTable = true;
            continue;
        }
        if (!line.startsWith(QLatin1Char(' '))) {
            inTable = inTable && line.isEmpty(); // "Arguments:" ends the table
            continue;
        }
        if (!inTable)
            continue;
        QString text = line.trimmed();
        if (line.size() > 2 && line.at(2) != QLatin1Char(' ')) {
            const qsizetype gap = text.indexOf(QStringLiteral("  "));
            found << Item { text.left(gap), gap < 0 ? QString() : text.mid(gap).trimmed() };
            text = found.last().description;
        } else if (!found.isEmpty()) {
            found.last().description += (cut ? QString() : QStringLiteral(" ")) + text;
        }
        cut = line.size() >= 79 && !text.contains(QLatin1Char(' '));
    }
    return found;
}

// Not hyphenated and ragged right: paths and option names stay whole.
QString header(const QString &name, const QString &summary)
{
    return QStringLiteral(".TH %1 1 \"\" \"Reconsole %2\" \"User Commands\"\n.nh\n.ad l\n.SH NAME\n%3 \\- %4\n")
        .arg(name.toUpper(), QCoreApplication::applicationVersion(), name, roff(summary));
}

// One command of the table: a sub-section with its synopsis, what it does, its arguments and
// its own options (the shared ones are under OPTIONS).
QString commandSection(const QStringList &path, const Command &command)
{
    QString text;
    if (command.runnable()) {
        const QStringList synopsis
            = CommandHelp::synopsis(path, command).join(QLatin1Char(' ')).simplified().split(QLatin1Char(' '));
        text += QStringLiteral(".SS %1\n").arg(roff(path.mid(1).join(QLatin1Char(' '))));
        text += QStringLiteral("\\fB%1\\fR %2\n.PP\n")
                    .arg(roff(path.join(QLatin1Char(' '))), roff(synopsis.mid(path.size()).join(QLatin1Char(' '))));
        text += roff(command.summary) + QLatin1Char('\n');
        if (!command.details.isEmpty())
            text += QStringLiteral(".PP\n") + roff(command.details) + QLatin1Char('\n');
        for (const Argument &a : command.arguments) {
            if (!a.hidden && !a.description.isEmpty())
                text += item(QStringLiteral("\\fI%1\\fR").arg(roff(a.name)), a.description);
        }
        for (const Option &o : command.options) {
            if (o.hidden)
                continue;
            QString names = QStringLiteral("--") + o.name;
            if (!o.valueName.isEmpty())
                names += QStringLiteral(" <%1>").arg(o.valueName);
            text += item(term(names), o.description);
        }
    }
    for (const Command &sub : command.subcommands)
        text += commandSection(path + QStringList { sub.name }, sub);
    return text;
}
} // namespace

namespace ManPage {

QCommandLineOption option()
{
    QCommandLineOption man(kOption, QStringLiteral("Print the man page."));
    man.setFlags(QCommandLineOption::HiddenFromHelp);
    return man;
}

QString console(const QCommandLineParser &parser)
{
    const QString name = QCoreApplication::applicationName();
    const QList<Item> options = items(parser.helpText());
    QStringList synopsis;
    for (const Item &o : options) {
        // The options that open something; --help and --version are on a line of their own.
        const QString names = o.names.section(QStringLiteral(", "), -1);
        if (names != QLatin1String("--help") && names != QLatin1String("--help-all")
            && names != QLatin1String("--version"))
            synopsis << QLatin1Char('[') + term(names) + QLatin1Char(']');
    }
    QString page = header(name, parser.applicationDescription());
    page += QStringLiteral(".SH SYNOPSIS\n\\fB%1\\fR %2\n.br\n\\fB%1\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n")
                .arg(name, synopsis.join(QLatin1Char(' ')));
    page += QStringLiteral(".SH DESCRIPTION\n") + roff(parser.applicationDescription()) + QLatin1Char('\n');
    page += QStringLiteral(".SH OPTIONS\n");
    for (const Item &o : options)
        page += item(term(o.names), o.description);
    page += QStringLiteral(".SH SEE ALSO\n\\fBreconsolectl\\fR(1)\n");
    return page;
}

QString ctl(const Command &root, const QString &globalOptionsHelp)
{
    const QStringList path { root.name };
    QString page = header(root.name, root.summary);
    page += QStringLiteral(".SH SYNOPSIS\n\\fB%1\\fR %2\n")
                .arg(roff(root.name),
                    roff(CommandHelp::synopsis(path, root)
                             .join(QLatin1Char(' '))
                             .simplified()
                             .section(QLatin1Char(' '), 1)));
    page += QStringLiteral(".SH DESCRIPTION\n") + roff(root.summary) + QStringLiteral("\n.PP\n") + roff(root.details)
        + QLatin1Char('\n');
    page += QStringLiteral(".SH COMMANDS\n") + commandSection(path, root);
    page += QStringLiteral(".SH OPTIONS\n");
    for (const Item &o : items(globalOptionsHelp))
        page += item(term(o.names), o.description);
    page += QStringLiteral(".SH EXIT STATUS\n0 on success, 2 when the command line is wrong, 1 on any other "
                           "failure.\n.SH SEE ALSO\n\\fBreconsole\\fR(1)\n");
    return page;
}

int print(const QString &page)
{
    QTextStream(stdout) << page;
    return 0;
}

} // namespace ManPage
