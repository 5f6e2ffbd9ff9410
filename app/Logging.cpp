#include "Logging.h"

#include "core/Redactor.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QMutex>
#include <QStandardPaths>

#include <cstdio>

namespace {
QFile &logFile()
{
    static QFile file;
    return file;
}

QMutex &logLock()
{
    static QMutex lock;
    return lock;
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static const char *levels[] = { "debug", "warning", "critical", "fatal", "info" };
    const QString line
        = QStringLiteral("%1 %2 %3: %4\n")
              .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), QLatin1String(levels[type]),
                  QLatin1String(context.category ? context.category : "default"), Redactor::redact(message));
    const QByteArray bytes = line.toUtf8();
    {
        QMutexLocker locker(&logLock());
        if (logFile().isOpen()) {
            logFile().write(bytes);
            logFile().flush();
        }
    }
    if (type != QtDebugMsg && type != QtInfoMsg)
        fputs(bytes.constData(), stderr);
    if (type == QtFatalMsg)
        abort();
}
} // namespace

namespace Logging {

QString logFilePath(const QString &program)
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/logs/%1.log").arg(program);
}

void install(const QString &program)
{
    const QString path = logFilePath(program);
    QDir().mkpath(QFileInfo(path).absolutePath());
    logFile().setFileName(path);
    logFile().open(QIODevice::Append | QIODevice::Text); // no log file is no reason not to run
    qInstallMessageHandler(handler);
}

} // namespace Logging
