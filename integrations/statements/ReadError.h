#pragma once

#include "core/Result.h"

// The one shape of a statement reader's complaint: the file, the line, and what was expected.
inline Error readError(const QString &fileName, qint64 line, const QString &what)
{
    return failure(ErrorClass::Input, QStringLiteral("%1 line %2: %3").arg(fileName).arg(line).arg(what));
}
