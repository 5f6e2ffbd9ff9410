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
    bool inCurrency = true;
    for (const StatementLine &line : lines)
        inCurrency = inCurrency && opening && line.currency == opening->currency;
    return checkOf(opening, closing, linesTotal(), inCurrency);
}

Statement::Check Statement::checkOf(const std::optional<StatementBalance> &opening,
    const std::optional<StatementBalance> &closing, qint64 total, bool linesInCurrency)
{
    if (!opening || !closing || opening->currency != closing->currency || !linesInCurrency)
        return Check::Unknown;
    return opening->minor + total == closing->minor ? Check::Balanced : Check::Unbalanced;
}
