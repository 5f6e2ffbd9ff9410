#pragma once

#include <QString>

// Every log line passes the redaction filter, then goes to the log file under the user's
// data folder (and warnings to stderr too), so no secret can reach a log.
namespace Logging {
void install(const QString &program);
QString logFilePath(const QString &program);
} // namespace Logging
