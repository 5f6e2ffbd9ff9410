#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

// Runs reconsolectl as a person would: a real process, its exit code and both outputs.
struct CtlRun
{
    int code = -1;
    QString out;
    QString err;
};

// Any program of the build (reconsolectl, reconsole) with its own environment.
inline CtlRun runProgram(const QString &program, const QStringList &args, const QProcessEnvironment &env,
    const QByteArray &input = {}, int timeoutMs = 60000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    p.waitForStarted();
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(timeoutMs);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
        QString::fromUtf8(p.readAllStandardError()) };
}

inline CtlRun ctl(const QStringList &args, const QByteArray &input = {}, int timeoutMs = 60000)
{
    return runProgram(QStringLiteral(RECONSOLECTL), args, QProcessEnvironment::systemEnvironment(), input, timeoutMs);
}

// Starts `reconsolectl sandbox` on a free port and returns its URL (empty on failure).
inline QString startSandbox(QProcess &sandbox, const QStringList &extra = {})
{
    sandbox.start(QStringLiteral(RECONSOLECTL),
        QStringList { QStringLiteral("sandbox"), QStringLiteral("--port"), QStringLiteral("0") } + extra);
    if (!sandbox.waitForReadyRead(10000))
        return {};
    return QRegularExpression(QStringLiteral("http://127\\.0\\.0\\.1:\\d+"))
        .match(QString::fromUtf8(sandbox.readAllStandardOutput()))
        .captured();
}

// A demo database at `db` whose providers are the sandbox at `sandboxUrl`, its month run there.
inline CtlRun seedDemo(const QString &db, const QString &sandboxUrl, int operations)
{
    return ctl({ QStringLiteral("demo"), QStringLiteral("--operations"), QString::number(operations),
        QStringLiteral("--sandbox-url"), sandboxUrl, QStringLiteral("--database"), db });
}

// Where most end-to-end tests start: a `reconsolectl sandbox` process, and a demo database in a
// folder of its own whose month was run against it.
struct CtlDemo
{
    QProcess sandbox;
    QTemporaryDir dir;
    QString url;
    QString db;

    // Empty when ready; otherwise what went wrong.
    QString start(const QString &fileName, int operations)
    {
        url = startSandbox(sandbox);
        if (url.isEmpty())
            return QStringLiteral("`reconsolectl sandbox` did not start.");
        db = dir.filePath(fileName);
        const CtlRun seeded = seedDemo(db, url, operations);
        return seeded.code == 0 ? QString() : seeded.err;
    }
};

#define START_CTL_DEMO(var, fileName, operations)                                                                      \
    CtlDemo var;                                                                                                       \
    do {                                                                                                               \
        const QString whyNot = var.start(fileName, operations);                                                        \
        QVERIFY2(whyNot.isEmpty(), qPrintable(whyNot));                                                                \
    } while (false)
