#include "Commands.h"

#include "core/Redactor.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] auto written = ::write(g_signalPipe[1], &byte, 1); // async-signal-safe
}
} // namespace

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

bool catchTermination()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return false;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, &QCoreApplication::quit);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    return true;
}

int runUntilTerminated()
{
    return QCoreApplication::exec();
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
