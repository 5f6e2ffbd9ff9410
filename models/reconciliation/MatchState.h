#pragma once

#include "reconciliation/ReconResultData.h"
#include "reconciliation/ReconSideData.h"

#include <algorithm>
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

// The rules that look within a date window (tolerance, subset sum) find a row's candidates one
// day at a time: rows of one currency, sign and day share a bucket.
inline quint64 dayBucket(int currency, qint64 amount, qint32 day)
{
    const quint64 sign = amount < 0 ? 0 : (amount == 0 ? 1 : 2);
    return (quint64(currency) << 40) | (sign << 36) | quint64(quint32(day + 1'000'000));
}

// Entries (each with a `bucket`) sorted by bucket, and where each bucket's run of them starts: a
// bucket is found among the few buckets, then read as one short contiguous run.
template <typename Entry> class BucketRuns
{
public:
    explicit BucketRuns(const BigVector<Entry> &sorted)
        : m_entries(sorted)
    {
        for (size_t i = 0; i < sorted.size(); ++i)
            if (i == 0 || sorted[i].bucket != sorted[i - 1].bucket)
                m_starts.push_back({ sorted[i].bucket, i });
    }
    // The bucket's entries, [first, second); empty when it has none.
    std::pair<const Entry *, const Entry *> run(quint64 bucket) const
    {
        auto it = std::lower_bound(m_starts.begin(), m_starts.end(), bucket,
            [](const std::pair<quint64, size_t> &start, quint64 key) { return start.first < key; });
        if (it == m_starts.end() || it->first != bucket)
            return { nullptr, nullptr };
        const size_t end = std::next(it) == m_starts.end() ? m_entries.size() : std::next(it)->second;
        return { m_entries.data() + it->second, m_entries.data() + end };
    }

private:
    const BigVector<Entry> &m_entries;
    std::vector<std::pair<quint64, size_t>> m_starts;
};

// The grouped rule (GroupMatching.cpp): by payout id, then by subset sum, each both ways.
void matchGrouped(MatchState &state, int rule);
