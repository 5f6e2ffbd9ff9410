#include "statements/Statement.h"

qint64 Statement::linesTotal() const
{
    qint64 total = 0;
    for (const StatementLine &line : lines)
        total += line.signedMinor();
    return total;
}

Statement::Check Statement::check() const
{
    if (!opening || !closing || opening->currency != closing->currency)
        return Check::Unknown;
    for (const StatementLine &line : lines) {
        if (line.currency != opening->currency)
            return Check::Unknown;
    }
    return opening->minor + linesTotal() == closing->minor ? Check::Balanced : Check::Unbalanced;
}
