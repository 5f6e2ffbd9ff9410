#include "Commands.h"

#include "Redactor.h"

#include <cstdio>

namespace Commands {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const QString &message, int code)
{
    err() << "reconsolectl: " << Redactor::redact(message) << Qt::endl;
    return code;
}

bool parse(QCommandLineParser &parser, const QStringList &args, int *exitCode)
{
    const QCommandLineOption help = parser.addHelpOption();
    if (!parser.parse(args)) {
        *exitCode = fail(parser.errorText() + QStringLiteral(" (see --help)"), 2);
        return false;
    }
    if (parser.isSet(help)) {
        out() << parser.helpText();
        out().flush();
        *exitCode = 0;
        return false;
    }
    return true;
}

} // namespace Commands
