#pragma once

#include <QString>

// RFC 4180 quoting for the exports (audit log, timelines).
namespace Csv {
inline QString field(QString value)
{
    if (value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"')) || value.contains(QLatin1Char('\n')))
        value = QLatin1Char('"') + value.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return value;
}
} // namespace Csv
