#pragma once

#include "reconciliation/ReconResultData.h"
#include "reconciliation/ReconSideData.h"

#include <vector>

// What the Matcher's rules share while they run (internal to models/reconciliation): both sides,
// which of their rows are taken, and the result the matches go into.
struct MatchState
{
    MatchState(const ReconSideData &left, const ReconSideData &right, ReconResultData &result);

    const ReconSideData &left;
    const ReconSideData &right;
    ReconResultData &result;
    BigVector<char> leftUsed, rightUsed;
    // A right row's currency as the left side numbers it (-1: no left row has it), so both sides
    // compare currencies as small integers.
    std::vector<int> rightCurrencyOnLeft;

    int leftCurrency(qint32 row) const { return left.currencies[row]; }
    int rightCurrency(qint32 row) const { return rightCurrencyOnLeft[right.currencies[row]]; }
    // The rows no match has taken yet, in the order given.
    BigVector<qint32> freeRows(bool leftSide) const;
    // Records the match and takes its rows; `p` gives score, difference, total and the details.
    void add(
        int rule, const qint32 *leftRows, qsizetype nLeft, const qint32 *rightRows, qsizetype nRight, PackedMatch p);
};

// The grouped rule (GroupMatching.cpp): by payout id, then by subset sum, each both ways.
void matchGrouped(MatchState &state, int rule);
