#include "reconciliation/MatchState.h"

#include <algorithm>

// The grouped rule: one row against several of the other side. First by payout id (a payout
// against the lines that carry its id, their nets adding up to it), then by subset sum (a line
// against a small unlabelled group within the window adding up to it). Each is tried with the
// statement's rows as the one (many ledger entries to one bank line) and then the ledger's.

namespace {
// One side as the grouped rule sees it: the left counts a row's amount, the right its net (the
// money that moved; a bank line's net is its amount).
struct Side
{
    MatchState &s;
    bool isLeft;

    const ReconSideData &d() const { return isLeft ? s.left : s.right; }
    bool used(qint32 row) const { return isLeft ? s.leftUsed[row] : s.rightUsed[row]; }
    qint64 value(qint32 row) const { return isLeft ? s.left.amounts[row] : s.right.net(row); }
    int currency(qint32 row) const { return isLeft ? s.leftCurrency(row) : s.rightCurrency(row); }
    qint32 size() const { return qint32(d().size()); }
};

void addGroup(
    MatchState &s, int rule, const Side &one, qint32 target, const std::vector<qint32> &members, PackedMatch p)
{
    if (one.isLeft)
        s.add(rule, &target, 1, members.data(), qsizetype(members.size()), p);
    else
        s.add(rule, members.data(), qsizetype(members.size()), &target, 1, p);
}

// A row whose reference is a payout id, against the free rows of the other side carrying that
// id (less the payout's own line), when their values add up to its value exactly.
void byPayout(MatchState &s, int rule, const Side &one, const Side &many)
{
    const ReconSideData &md = many.d();
    std::vector<qint32> members;
    for (qint32 row = 0; row < many.size(); ++row)
        if (!many.used(row) && md.groups[row].length && many.currency(row) >= 0)
            members.push_back(row);
    if (members.empty())
        return;
    auto sameGroup = [&](qint32 a, qint32 b) { return md.sameKey(md.groups[a], md, md.groups[b]); };
    std::sort(members.begin(), members.end(), [&](qint32 a, qint32 b) {
        const RefKey &ga = md.groups[a], &gb = md.groups[b];
        if (ga.hash != gb.hash)
            return ga.hash < gb.hash;
        if (const int c = md.text(ga).compare(md.text(gb)); c != 0)
            return c < 0;
        return md.ids[a] < md.ids[b]; // a group's first member is its lowest id
    });
    struct Group
    {
        quint64 hash;
        size_t begin, end; // into members
        qint64 sum = 0;
        int currency = -1;
    };
    std::vector<Group> groups;
    for (size_t i = 0; i < members.size();) {
        size_t j = i;
        Group g { md.groups[members[i]].hash, i, i };
        bool oneCurrency = true;
        std::vector<qint32> kept;
        for (; j < members.size() && sameGroup(members[i], members[j]); ++j) {
            const qint32 row = members[j];
            // The payout's own line carries its id as its reference: it is the one, not one of the many.
            if (md.hasReference[row] && md.sameKey(*md.keysBegin(row), md, md.groups[row]))
                continue;
            oneCurrency = oneCurrency && (g.currency < 0 || g.currency == many.currency(row));
            g.currency = many.currency(row);
            g.sum += many.value(row);
            kept.push_back(row);
        }
        std::copy(kept.begin(), kept.end(), members.begin() + qsizetype(i));
        g.end = i + kept.size();
        if (oneCurrency && !kept.empty())
            groups.push_back(g);
        i = j;
    }
    struct Candidate
    {
        qint32 target;
        size_t group;
        qint32 dayGap;
    };
    const ReconSideData &od = one.d();
    std::vector<Candidate> candidates;
    for (qint32 t = 0; t < one.size(); ++t) {
        if (one.used(t) || !od.hasReference[t])
            continue;
        // Its reference, not its other references: a line carries its payout's id among those.
        const RefKey *key = od.keysBegin(t);
        for (auto at = std::lower_bound(
                 groups.begin(), groups.end(), key->hash, [](const Group &g, quint64 hash) { return g.hash < hash; });
             at != groups.end() && at->hash == key->hash; ++at) {
            const Group &group = *at;
            const size_t g = size_t(at - groups.begin());
            if (!od.sameKey(*key, md, md.groups[members[group.begin]]) || group.currency != one.currency(t)
                || group.sum != one.value(t))
                continue;
            qint32 gap = 0;
            for (size_t m = group.begin; m < group.end; ++m)
                gap = std::max(gap, std::abs(md.days[members[m]] - od.days[t]));
            candidates.push_back({ t, g, gap });
        }
    }
    std::sort(candidates.begin(), candidates.end(), [&](const Candidate &a, const Candidate &b) {
        if (a.dayGap != b.dayGap)
            return a.dayGap < b.dayGap;
        if (a.target != b.target)
            return od.ids[a.target] < od.ids[b.target];
        return md.ids[members[groups[a.group].begin]] < md.ids[members[groups[b.group].begin]];
    });
    std::vector<char> taken(groups.size(), 0);
    for (const Candidate &c : candidates) {
        if (one.used(c.target) || taken[c.group])
            continue;
        taken[c.group] = 1;
        const Group &g = groups[c.group];
        PackedMatch p;
        p.score = 0.95f;
        p.total = g.sum;
        p.dayGap = c.dayGap;
        p.byPayout = true;
        addGroup(s, rule, one, c.target,
            std::vector<qint32>(members.begin() + qsizetype(g.begin), members.begin() + qsizetype(g.end)), p);
    }
}

// k of values[from..] (in descending order) adding up to `need`, or false; every step spends one
// of `budget`. The last two come from a two-pointer walk, the others from a depth-first search
// that skips what cannot reach `need` any more.
bool findGroup(
    const std::vector<qint64> &values, size_t from, int k, qint64 need, std::vector<size_t> &chosen, int &budget)
{
    const size_t n = values.size();
    if (k == 2) {
        for (size_t i = from, j = n - 1; i < j && n > 0;) {
            if (--budget < 0)
                return false;
            const qint64 sum = values[i] + values[j];
            if (sum == need) {
                chosen.push_back(i);
                chosen.push_back(j);
                return true;
            }
            sum > need ? ++i : --j;
        }
        return false;
    }
    for (size_t i = from; i + size_t(k) <= n; ++i) {
        if (--budget < 0)
            return false;
        if (values[i] * k < need)
            return false; // descending: nothing after can reach it either
        if (need - values[i] < values[n - 1] * (k - 1))
            continue; // too big: the smallest k-1 others already overshoot
        chosen.push_back(i);
        if (findGroup(values, i + 1, k - 1, need - values[i], chosen, budget))
            return true;
        chosen.pop_back();
    }
    return false;
}

// Each free row of `one`, in date then id order, against the smallest group of free rows of
// `many` with its currency and sign, within the window, adding up to it exactly.
void bySubsetSum(MatchState &s, int rule, const Side &one, const Side &many)
{
    const MatchRule &m = s.result.rules.at(rule);
    const ReconSideData &od = one.d();
    const ReconSideData &md = many.d();
    // The many side's free rows by (currency, sign, day): a target's candidates are one range per day.
    struct Entry
    {
        quint64 bucket;
        qint32 row;
    };
    BigVector<Entry> index;
    for (qint32 row = 0; row < many.size(); ++row)
        if (!many.used(row) && many.value(row) != 0 && many.currency(row) >= 0)
            index.push_back({ dayBucket(many.currency(row), many.value(row), md.days[row]), row });
    if (index.size() < 2)
        return;
    std::sort(index.begin(), index.end(),
        [](const Entry &a, const Entry &b) { return a.bucket != b.bucket ? a.bucket < b.bucket : a.row < b.row; });
    const BucketRuns<Entry> buckets(index);
    std::vector<qint32> targets;
    for (qint32 t = 0; t < one.size(); ++t)
        if (!one.used(t) && one.value(t) != 0 && one.currency(t) >= 0)
            targets.push_back(t);
    std::sort(targets.begin(), targets.end(),
        [&](qint32 a, qint32 b) { return od.days[a] != od.days[b] ? od.days[a] < od.days[b] : od.ids[a] < od.ids[b]; });
    std::vector<qint32> rows;
    std::vector<qint64> values;
    std::vector<size_t> chosen;
    for (qint32 t : targets) {
        const qint64 target = std::abs(one.value(t));
        rows.clear();
        for (qint32 day = od.days[t] - m.windowDays; day <= od.days[t] + m.windowDays; ++day) {
            const auto [first, last] = buckets.run(dayBucket(one.currency(t), one.value(t), day));
            for (const Entry *it = first; it != last; ++it)
                if (!many.used(it->row) && std::abs(many.value(it->row)) < target)
                    rows.push_back(it->row);
        }
        if (rows.size() < 2)
            continue;
        std::sort(rows.begin(), rows.end(), [&](qint32 a, qint32 b) {
            const qint64 va = std::abs(many.value(a)), vb = std::abs(many.value(b));
            return va != vb ? va > vb : md.ids[a] < md.ids[b];
        });
        values.resize(rows.size());
        for (size_t i = 0; i < rows.size(); ++i)
            values[i] = std::abs(many.value(rows[i]));
        int budget = m.maxNodes;
        bool found = false;
        for (int k = 2; k <= std::min<int>(m.maxGroupSize, int(rows.size())) && !found && budget >= 0; ++k) {
            chosen.clear();
            found = findGroup(values, 0, k, target, chosen, budget);
        }
        if (!found) {
            if (budget < 0) // a step was refused: a group may exist
                ++s.result.searchesCapped;
            continue;
        }
        std::vector<qint32> group;
        qint32 gap = 0;
        for (size_t i : chosen) {
            group.push_back(rows[i]);
            gap = std::max(gap, std::abs(md.days[rows[i]] - od.days[t]));
        }
        std::sort(group.begin(), group.end(), [&](qint32 a, qint32 b) { return md.ids[a] < md.ids[b]; });
        PackedMatch p;
        p.score = float(0.75 - 0.05 * double(group.size() - 2) - 0.05 * gap / std::max(1, m.windowDays));
        p.total = one.value(t);
        p.dayGap = gap;
        addGroup(s, rule, one, t, group, p);
    }
}
} // namespace

void matchGrouped(MatchState &state, int rule)
{
    const MatchRule &m = state.result.rules.at(rule);
    const Side left { state, true }, right { state, false };
    if (m.byPayout) {
        byPayout(state, rule, left, right);
        byPayout(state, rule, right, left);
    }
    if (m.subsetSum) {
        bySubsetSum(state, rule, right, left);
        bySubsetSum(state, rule, left, right);
    }
}
