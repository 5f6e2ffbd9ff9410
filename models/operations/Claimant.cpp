#include "operations/Claimant.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSysInfo>

#include <cerrno>
#include <csignal>

namespace Claimant {

QString of(const QString &actor)
{
    return QStringLiteral("%1@%2:%3").arg(actor, QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
}

bool isGone(const QString &claimedBy)
{
    static const QRegularExpression process(QStringLiteral("@([^@:]+):(\\d+)$"));
    const auto m = process.match(claimedBy);
    if (!m.hasMatch() || m.captured(1) != QSysInfo::machineHostName())
        return true;
    const qint64 pid = m.captured(2).toLongLong();
    if (pid <= 0)
        return true;
    if (pid == QCoreApplication::applicationPid())
        return false; // this process is alive: its own request is still out
    // Signal 0 asks whether the process exists; EPERM means it does, under another user.
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

} // namespace Claimant
