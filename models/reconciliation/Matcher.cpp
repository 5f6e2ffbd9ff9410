#include "reconciliation/Matcher.h"
#include "reconciliation/MatchState.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>

#include <algorithm>

// The one-to-one rules (exact, tolerance, fee) and the run itself; the grouped rule is in
// GroupMatching.cpp. docs/reconciliation.md describes what each rule matches.

MatchState::MatchState(const ReconSideData &l, const ReconSideData &r, ReconResultData &res)
    : left(l)
    , right(r)
    , result(res)
    , leftUsed(size_t(l.size()), 0)
    , rightUsed(size_t(r.size()), 0)
{
    for (const QString &currency : r.currencyNames)
        rightCurrencyOnLeft.push_back(l.currencyOf(currency));
}

BigVector<qint32> MatchState::freeRows(bool leftSide) const
{
    const BigVector<char> &used = leftSide ? leftUsed : rightUsed;
    BigVector<qint32> rows;
    rows.reserve(used.size());
    for (size_t i = 0; i < used.size(); ++i)
        if (!used[i])
            rows.push_back(qint32(i));
    return rows;
}

void MatchState::add(
    int rule, const qint32 *leftRows, qsizetype nLeft, const qint32 *rightRows, qsizetype nRight, PackedMatch p)
{
    p.rule = qint16(rule);
    p.leftBegin = quint32(result.leftRows.size());
    for (qsizetype i = 0; i < nLeft; ++i) {
        result.leftRows.push_back(leftRows[i]);
        leftUsed[leftRows[i]] = 1;
    }
    p.leftEnd = quint32(result.leftRows.size());
    p.rightBegin = quint32(result.rightRows.size());
    for (qsizetype i = 0; i < nRight; ++i) {
        result.rightRows.push_back(rightRows[i]);
        rightUsed[rightRows[i]] = 1;
    }
    p.rightEnd = quint32(result.rightRows.size());
    result.matches.push_back(p);
    ReconResult::RuleCount &count = result.perRule[rule];
    ++count.matches;
    count.leftRows += nLeft;
    count.rightRows += nRight;
}

namespace {
// One pair a rule would match, and how good it is: lower priority first, then the closest date,
// the closest amount and the lower ids (left, then right).
struct PairCandidate
{
    qint32 left = 0, right = 0;
    qint32 dayGap = 0;
    qint32 priority = 0;
    qint64 difference = 0; // left − right, as the rule compared them: the amount gap is its size
    qint16 sharedKey = -1;
};

// Every row once: a pair whose rows are in no other candidate is taken as it is; the rest in
// the order above, each when both its rows are still free. The same as taking all in that
// order, without sorting the (usually many) uncontested pairs.
template <typename Scored> void acceptPairs(MatchState &s, int rule, BigVector<PairCandidate> &candidates, Scored score)
{
    BigVector<quint8> perLeft(s.leftUsed.size(), 0), perRight(s.rightUsed.size(), 0);
    for (const PairCandidate &c : candidates) {
        perLeft[c.left] = quint8(std::min(2, perLeft[c.left] + 1));
        perRight[c.right] = quint8(std::min(2, perRight[c.right] + 1));
    }
    auto take = [&](const PairCandidate &c) {
        PackedMatch p;
        p.score = score(c);
        p.difference = c.difference;
        p.total = s.left.amounts[c.left];
        p.sharedKey = c.sharedKey;
        p.dayGap = c.dayGap;
        s.add(rule, &c.left, 1, &c.right, 1, p);
    };
    BigVector<PairCandidate> contested;
    for (const PairCandidate &c : candidates) {
        if (perLeft[c.left] == 1 && perRight[c.right] == 1)
            take(c);
        else
            contested.push_back(c);
    }
    const ReconSideData &l = s.left;
    const ReconSideData &r = s.right;
    std::sort(contested.begin(), contested.end(), [&](const PairCandidate &a, const PairCandidate &b) {
        if (a.priority != b.priority)
            return a.priority < b.priority;
        if (a.dayGap != b.dayGap)
            return a.dayGap < b.dayGap;
        if (std::abs(a.difference) != std::abs(b.difference))
            return std::abs(a.difference) < std::abs(b.difference);
        if (a.left != b.left)
            return l.ids[a.left] < l.ids[b.left];
        return r.ids[a.right] < r.ids[b.right];
    });
    for (const PairCandidate &c : contested)
        if (!s.leftUsed[c.left] && !s.rightUsed[c.right])
            take(c);
}

quint64 slotHash(quint64 keyHash, qint64 amount, int currency)
{
    quint64 h = keyHash ^ (quint64(amount) * 0x9E3779B97F4A7C15ULL) ^ (quint64(currency) << 52);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 29);
}

// A right row as the exact and fee rules look it up: what they compare is in the slot itself,
// so a probe reads one cache line of the table and the key's text, not five of the row's columns.
struct RowSlot
{
    quint64 hash = 0;
    qint64 value = 0; // the amount (exact) or the net (fee)
    qint32 row = -1;
    qint32 day = 0;
    quint32 keyOffset = 0; // the reference's text in the right side's pool
    quint16 keyLength = 0;
    quint16 currency = 0; // as the left side numbers it
};

// An open-addressing multimap from a hash to right rows: one probe per left key instead of a
// tree or a QHash node each. Lookups are prefetched a few rows ahead (prefetch()), since nearly
// every probe misses the cache.
class RowTable
{
public:
    // At most half full, so every probe ends at an empty slot.
    explicit RowTable(size_t entries)
    {
        size_t capacity = 16;
        while (capacity < entries * 2)
            capacity *= 2;
        m_slots.resize(capacity);
        m_mask = capacity - 1;
    }
    void prefetch(quint64 hash) const { __builtin_prefetch(&m_slots[hash & m_mask]); }
    void insert(const RowSlot &slot)
    {
        size_t i = slot.hash & m_mask;
        while (m_slots[i].row >= 0)
            i = (i + 1) & m_mask;
        m_slots[i] = slot;
    }
    template <typename Visit> void forEach(quint64 hash, Visit visit) const
    {
        for (size_t i = hash & m_mask; m_slots[i].row >= 0; i = (i + 1) & m_mask)
            if (m_slots[i].hash == hash)
                visit(m_slots[i]);
    }

private:
    BigVector<RowSlot> m_slots;
    size_t m_mask = 0;
};

constexpr int kAhead = 32; // rows between a prefetch and its use

bool alreadyCandidate(const BigVector<PairCandidate> &candidates, qint32 left, qint32 right)
{
    for (auto it = candidates.rbegin(); it != candidates.rend() && it->left == left; ++it)
        if (it->right == right)
            return true;
    return false;
}

// Same reference (any of either row's), currency and amount; any dates.
void matchExact(MatchState &s, int rule)
{
    const ReconSideData &l = s.left;
    const ReconSideData &r = s.right;
    const BigVector<qint32> rights = s.freeRows(false);
    // One slot per key (a line may carry several references), and room for twice as many, so a
    // probe always ends at an empty slot. A reference over 64 KiB is not an id: not looked up.
    auto looksUp = [&](const RefKey &key) { return key.length <= 0xFFFF; };
    size_t keys = 0;
    for (qint32 j : rights)
        if (s.rightCurrency(j) >= 0)
            keys += size_t(std::count_if(r.keysBegin(j), r.keysEnd(j), looksUp));
    RowTable table(keys);
    auto rightHash = [&](qint32 j, const RefKey &key) { return slotHash(key.hash, r.amounts[j], s.rightCurrency(j)); };
    for (size_t n = 0; n < rights.size(); ++n) {
        if (n + kAhead < rights.size()) {
            const qint32 ahead = rights[n + kAhead];
            if (r.keysBegin(ahead) != r.keysEnd(ahead) && s.rightCurrency(ahead) >= 0)
                table.prefetch(rightHash(ahead, *r.keysBegin(ahead)));
        }
        const qint32 j = rights[n];
        const int currency = s.rightCurrency(j);
        if (currency < 0)
            continue;
        for (const RefKey *key = r.keysBegin(j); key != r.keysEnd(j); ++key)
            if (looksUp(*key))
                table.insert({ rightHash(j, *key), r.amounts[j], j, r.days[j], key->offset, quint16(key->length),
                    quint16(currency) });
    }
    auto leftHash = [&](qint32 i, const RefKey &key) { return slotHash(key.hash, l.amounts[i], s.leftCurrency(i)); };
    BigVector<PairCandidate> candidates;
    candidates.reserve(rights.size());
    const qint32 rows = qint32(l.size());
    for (qint32 i = 0; i < rows; ++i) {
        if (i + kAhead < rows && l.keysBegin(i + kAhead) != l.keysEnd(i + kAhead))
            table.prefetch(leftHash(i + kAhead, *l.keysBegin(i + kAhead)));
        if (s.leftUsed[i])
            continue;
        qint16 ka = 0;
        for (const RefKey *a = l.keysBegin(i); a != l.keysEnd(i); ++a, ++ka)
            table.forEach(leftHash(i, *a), [&](const RowSlot &slot) {
                if (slot.value != l.amounts[i] || slot.currency != s.leftCurrency(i) || s.rightUsed[slot.row]
                    || slot.keyLength != a->length || r.text({ 0, slot.keyOffset, slot.keyLength }) != l.text(*a)
                    || alreadyCandidate(candidates, i, slot.row))
                    return;
                candidates.push_back({ i, slot.row, std::abs(l.days[i] - slot.day), 0, 0, ka });
            });
    }
    acceptPairs(s, rule, candidates, [](const PairCandidate &) { return 1.0f; });
}

bool containsText(const ReconSideData &d, qint32 row, const QByteArray &upper)
{
    if (upper.isEmpty())
        return false;
    for (const RefKey *key = d.keysBegin(row); key != d.keysEnd(row); ++key)
        if (d.text(*key).contains(upper))
            return true;
    return QString::fromUtf8(d.description(row)).contains(QString::fromUtf8(upper), Qt::CaseInsensitive);
}

// Same currency and sign, amounts within max(minor, |left| × basis points), dates within the
// window, and where asked a text in the right's reference or description.
void matchTolerance(MatchState &s, int rule)
{
    const MatchRule &m = s.result.rules.at(rule);
    const ReconSideData &l = s.left;
    const ReconSideData &r = s.right;
    // Free right rows by (currency, sign, day), then amount: the rows a left row could match
    // are a few short ranges, one per day of its window.
    struct Entry
    {
        quint64 bucket;
        qint64 amount;
        qint32 row;
    };
    BigVector<Entry> entries;
    for (qint32 j : s.freeRows(false))
        if (s.rightCurrency(j) >= 0)
            entries.push_back({ dayBucket(s.rightCurrency(j), r.amounts[j], r.days[j]), r.amounts[j], j });
    auto before = [](const Entry &a, const Entry &b) {
        return a.bucket != b.bucket ? a.bucket < b.bucket : a.amount < b.amount;
    };
    std::sort(entries.begin(), entries.end(), before);
    const BucketRuns<Entry> buckets(entries);
    const QByteArray requireText = m.requireText.trimmed().toUpper().toUtf8();
    BigVector<PairCandidate> candidates;
    for (qint32 i = 0; i < qint32(l.size()); ++i) {
        if (s.leftUsed[i])
            continue;
        const qint64 amount = l.amounts[i];
        const qint64 allowed = m.allowedDifference(amount);
        QByteArray reference;
        if (m.referenceInText) {
            if (!l.hasReference[i])
                continue;
            reference = l.text(*l.keysBegin(i)).toByteArray();
        }
        for (qint32 day = l.days[i] - m.windowDays; day <= l.days[i] + m.windowDays; ++day) {
            const auto [first, last] = buckets.run(dayBucket(s.leftCurrency(i), amount, day));
            const Entry *it = std::lower_bound(
                first, last, amount - allowed, [](const Entry &e, qint64 value) { return e.amount < value; });
            for (; it != last && it->amount <= amount + allowed; ++it) {
                if ((!requireText.isEmpty() && !containsText(r, it->row, requireText))
                    || (m.referenceInText && !containsText(r, it->row, reference)))
                    continue;
                candidates.push_back({ i, it->row, std::abs(day - l.days[i]), 0, amount - it->amount, -1 });
            }
        }
    }
    const double window = std::max(1, m.windowDays);
    acceptPairs(s, rule, candidates, [&](const PairCandidate &c) {
        const qint64 allowed = m.allowedDifference(l.amounts[c.left]);
        const double amountPart = allowed > 0 ? double(std::abs(c.difference)) / double(allowed) : 0.0;
        return float(0.9 - 0.2 * amountPart - 0.1 * (c.dayGap / window));
    });
}

// The ledger booked the provider's net: left == right's gross − its fee, sharing a reference or
// (unless the rule requires one) within the window. A shared reference goes first.
void matchFee(MatchState &s, int rule)
{
    const MatchRule &m = s.result.rules.at(rule);
    const ReconSideData &l = s.left;
    const ReconSideData &r = s.right;
    BigVector<qint32> rights;
    for (qint32 j : s.freeRows(false))
        if (r.fees[j] != 0 && s.rightCurrency(j) >= 0)
            rights.push_back(j);
    RowTable table(rights.size());
    for (qint32 j : rights)
        table.insert(
            { slotHash(0, r.net(j), s.rightCurrency(j)), r.net(j), j, r.days[j], 0, 0, quint16(s.rightCurrency(j)) });
    BigVector<PairCandidate> candidates;
    for (qint32 i = 0; i < qint32(l.size()); ++i) {
        if (s.leftUsed[i])
            continue;
        table.forEach(slotHash(0, l.amounts[i], s.leftCurrency(i)), [&](const RowSlot &slot) {
            const qint32 j = slot.row;
            if (slot.value != l.amounts[i] || slot.currency != s.leftCurrency(i))
                return;
            const RefKey *shared = l.sharedKey(i, r, j);
            const qint32 gap = std::abs(l.days[i] - slot.day);
            if (!shared && (m.requireReference || gap > m.windowDays))
                return;
            candidates.push_back(
                { i, j, gap, shared ? 0 : 1, 0, shared ? qint16(shared - l.keysBegin(i)) : qint16(-1) });
        });
    }
    const double window = std::max(1, m.windowDays);
    acceptPairs(s, rule, candidates,
        [&](const PairCandidate &c) { return c.sharedKey >= 0 ? 0.95f : float(0.85 - 0.1 * (c.dayGap / window)); });
    // The comparison was with the net (the fee explains the gross difference: 0).
    for (size_t k = s.result.matches.size(); k-- > 0 && s.result.matches[k].rule == rule;) {
        PackedMatch &p = s.result.matches[k];
        p.total = r.net(s.result.rightRows[p.rightBegin]);
    }
}

// A side's ids must be unique: checked in one pass when they come sorted (as from SQL), else on a
// sorted copy. Returns the first id given twice.
std::optional<qint64> repeatedId(const BigVector<qint64> &ids)
{
    if (std::adjacent_find(ids.begin(), ids.end(), std::greater_equal<qint64>()) == ids.end())
        return std::nullopt;
    BigVector<qint64> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    auto twice = std::adjacent_find(sorted.begin(), sorted.end());
    return twice == sorted.end() ? std::nullopt : std::optional<qint64>(*twice);
}

// Amounts beyond ±10^14 minor units (a trillion euros) are refused: below it, a tolerance's
// |amount| × basis points and a group's sum cannot overflow 64 bits. Returns such a row's id.
std::optional<qint64> amountTooLarge(const ReconSideData &d)
{
    constexpr qint64 kLargest = 100'000'000'000'000;
    for (qsizetype i = 0; i < d.size(); ++i)
        if (d.amounts[i] > kLargest || d.amounts[i] < -kLargest || d.fees[i] > kLargest || d.fees[i] < -kLargest)
            return d.ids[i];
    return std::nullopt;
}

// Row index of an id: a binary search when the ids are sorted, else a hash made once.
class RowOfId
{
public:
    explicit RowOfId(const BigVector<qint64> &ids)
        : m_ids(ids)
        , m_sorted(std::is_sorted(ids.begin(), ids.end()))
    {
        if (!m_sorted)
            for (size_t i = 0; i < ids.size(); ++i)
                m_rows.insert(ids[i], qint32(i));
    }
    qint32 operator()(qint64 id) const
    {
        if (!m_sorted)
            return m_rows.value(id, -1);
        auto it = std::lower_bound(m_ids.begin(), m_ids.end(), id);
        return it != m_ids.end() && *it == id ? qint32(it - m_ids.begin()) : -1;
    }

private:
    const BigVector<qint64> &m_ids;
    bool m_sorted;
    QHash<qint64, qint32> m_rows;
};

// Confirmed matches keep their rows: those rows are taken before any rule runs.
Status takeConfirmed(MatchState &s, const QList<Match> &confirmed)
{
    if (confirmed.isEmpty())
        return success();
    auto take = [&](bool leftSide) -> Status {
        const RowOfId rowOf(leftSide ? s.left.ids : s.right.ids);
        BigVector<char> &used = leftSide ? s.leftUsed : s.rightUsed;
        QSet<qint64> seen;
        for (const Match &m : confirmed)
            for (qint64 id : leftSide ? m.left : m.right) {
                if (seen.contains(id))
                    return failure(ErrorClass::Input,
                        QStringLiteral("Two confirmed matches share %1 row %2; unmatch one of them first.")
                            .arg(leftSide ? QStringLiteral("ledger") : QStringLiteral("statement"))
                            .arg(id));
                seen.insert(id);
                if (const qint32 row = rowOf(id); row >= 0)
                    used[row] = 1;
            }
        return success();
    };
    if (Status left = take(true); !left)
        return left;
    return take(false);
}

void finish(MatchState &s)
{
    ReconResultData &d = s.result;
    QMap<QString, qint64> &difference = d.difference;
    for (qint32 i = 0; i < qint32(s.left.size()); ++i)
        if (!s.leftUsed[i]) {
            d.unmatchedLeft << s.left.ids[i];
            difference[s.left.currencyNames.at(s.left.currencies[i])] += s.left.amounts[i];
        }
    for (qint32 j = 0; j < qint32(s.right.size()); ++j)
        if (!s.rightUsed[j]) {
            d.unmatchedRight << s.right.ids[j];
            difference[s.right.currencyNames.at(s.right.currencies[j])] -= s.right.amounts[j];
        }
    for (const PackedMatch &p : d.matches)
        if (p.difference != 0)
            difference[s.left.currencyNames.at(s.left.currencies[d.leftRows[p.leftBegin]])] += p.difference;
    for (const Match &m : d.confirmed)
        if (m.differenceMinor != 0)
            difference[m.currency] += m.differenceMinor;
}
} // namespace

Result<ReconResult> Matcher::run(
    const ReconSide &left, const ReconSide &right, const MatchRules &rules, const QList<Match> &confirmed)
{
    if (Status valid = rules.validate(); !valid)
        return valid.error();
    if (auto twice = repeatedId(left.data().ids))
        return failure(ErrorClass::Input, QStringLiteral("The ledger side has row %1 twice.").arg(*twice));
    if (auto twice = repeatedId(right.data().ids))
        return failure(ErrorClass::Input, QStringLiteral("The statement side has row %1 twice.").arg(*twice));
    for (const auto &[side, name] : { std::pair { &left, "ledger" }, std::pair { &right, "statement" } })
        if (auto id = amountTooLarge(side->data()))
            return failure(ErrorClass::Input,
                QStringLiteral("Row %1 of the %2 side has an amount beyond ±10^14 minor units, more than the "
                               "matcher can add up safely; check the import that brought it.")
                    .arg(*id)
                    .arg(QLatin1String(name)));
    ReconResult result;
    ReconResultData &d = result.data();
    d.left = left;
    d.right = right;
    d.rules = rules.rules;
    d.confirmed = confirmed;
    for (Match &m : d.confirmed)
        m.confirmed = true;
    for (const MatchRule &rule : rules.rules)
        d.perRule << ReconResult::RuleCount { rule.name, 0, 0, 0 };
    // Every row in at most one match: room for the most there can be, mapped only as it fills.
    d.matches.reserve(size_t(std::min(left.size(), right.size())));
    d.leftRows.reserve(size_t(left.size()));
    d.rightRows.reserve(size_t(right.size()));
    MatchState state(left.data(), right.data(), d);
    if (Status taken = takeConfirmed(state, confirmed); !taken)
        return taken.error();
    QElapsedTimer timer;
    for (int i = 0; i < rules.rules.size(); ++i) {
        timer.start();
        switch (rules.rules.at(i).kind) {
        case MatchRule::Kind::Exact:
            matchExact(state, i);
            break;
        case MatchRule::Kind::Tolerance:
            matchTolerance(state, i);
            break;
        case MatchRule::Kind::Fee:
            matchFee(state, i);
            break;
        case MatchRule::Kind::Grouped:
            matchGrouped(state, i);
            break;
        }
        d.perRule[i].ms = timer.nsecsElapsed() / 1e6;
    }
    finish(state);
    return result;
}

Result<ReconResult> Matcher::run(
    const QList<ReconItem> &left, const QList<ReconItem> &right, const MatchRules &rules, const QList<Match> &confirmed)
{
    return run(ReconSide(left), ReconSide(right), rules, confirmed);
}
