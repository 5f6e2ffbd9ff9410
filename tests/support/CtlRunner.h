#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

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
