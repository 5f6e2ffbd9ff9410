#pragma once

#include "core/Result.h"
#include "statements/Statement.h"

// Where a reader hands what it reads, a line at a time, so a file of any size streams: to the
// store (StatementService) or to a list (StatementReader::read). A failure it returns stops
// the reader, which returns it.
class StatementSink
{
public:
    virtual ~StatementSink() = default;
    // A statement starts: its id, account, currency and the balances read so far; no lines.
    virtual Status begin(const Statement &header) = 0;
    virtual Status line(StatementLine &line) = 0;
    // It ends: the same header with the balances the file gave after its lines (MT940's :62F:).
    virtual Status end(const Statement &statement) = 0;
};
