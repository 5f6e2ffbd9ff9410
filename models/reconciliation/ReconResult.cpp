#include "reconciliation/ReconResult.h"
#include "core/Money.h"
#include "reconciliation/ReconResultData.h"
#include "reconciliation/ReconSideData.h"

namespace {
QString daysApart(int gap)
{
    if (gap == 0)
        return QStringLiteral("same day");
    return gap == 1 ? QStringLiteral("1 day apart") : QStringLiteral("%1 days apart").arg(gap);
}

QString rows(qsizetype n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

// The sentence finance reads beside a match: what agreed, and how closely.
QString why(const ReconResultData &d, const PackedMatch &p, const QString &currency)
{
    const MatchRule &rule = d.rules.at(p.rule);
    const ReconSideData &l = d.left.data();
    const ReconSideData &r = d.right.data();
    const qint32 left = d.leftRows[p.leftBegin];
    const qint32 right = d.rightRows[p.rightBegin];
    const QString shared = p.sharedKey >= 0 ? l.keyText(l.keysBegin(left)[p.sharedKey]) : QString();
    switch (rule.kind) {
    case MatchRule::Kind::Exact:
        return QStringLiteral("reference %1, same amount %2 %3, %4")
            .arg(shared, Money::formatIn(l.amounts[left], currency), currency, daysApart(p.dayGap));
    case MatchRule::Kind::Tolerance: {
        const qint64 allowed = rule.allowedDifference(l.amounts[left]);
        QString text = QStringLiteral("amount within %1 (%2 apart), %3")
                           .arg(Money::formatIn(allowed, currency), Money::formatIn(std::abs(p.difference), currency),
                               daysApart(p.dayGap));
        if (!rule.requireText.isEmpty())
            text += QStringLiteral(", reference or description contains %1").arg(rule.requireText);
        if (rule.referenceInText)
            text += QStringLiteral(", reference or description contains %1").arg(l.keyText(*l.keysBegin(left)));
        return text;
    }
    case MatchRule::Kind::Fee:
        return QStringLiteral("net %1 = gross %2 − fee %3, %4")
            .arg(Money::formatIn(r.net(right), currency), Money::formatIn(r.amounts[right], currency),
                Money::formatIn(r.fees[right], currency),
                shared.isEmpty() ? daysApart(p.dayGap) : QStringLiteral("reference ") + shared);
    case MatchRule::Kind::Grouped: {
        const qsizetype nl = p.leftEnd - p.leftBegin, nr = p.rightEnd - p.rightBegin;
        // The many are the side with several rows; a payout of one line has its id on that line.
        const bool manyRight = nr > 1 || (nl == 1 && r.groups[right].length);
        const QString members = manyRight ? rows(nr, "line", "lines") : rows(nl, "ledger entry", "ledger entries");
        if (p.byPayout) {
            const QString payout = manyRight ? r.keyText(r.groups[right]) : l.keyText(l.groups[left]);
            const bool one = (manyRight ? nr : nl) == 1;
            return QStringLiteral("%1 of payout %2 %3 to %4 %5")
                .arg(members, payout, one ? QStringLiteral("comes") : QStringLiteral("add up"),
                    Money::formatIn(p.total, currency), currency);
        }
        return QStringLiteral("%1 within %2 days add up to %3 %4 (subset sum)")
            .arg(members)
            .arg(rule.windowDays)
            .arg(Money::formatIn(p.total, currency), currency);
    }
    }
    return {};
}
} // namespace

ReconResult::ReconResult()
    : m_data(std::make_shared<ReconResultData>())
{ }

qsizetype ReconResult::matchCount() const
{
    return m_data->confirmed.size() + qsizetype(m_data->matches.size());
}

Match ReconResult::match(qsizetype index) const
{
    const ReconResultData &d = *m_data;
    if (index < d.confirmed.size())
        return d.confirmed.at(index);
    const PackedMatch &p = d.matches[size_t(index - d.confirmed.size())];
    const ReconSideData &l = d.left.data();
    const ReconSideData &r = d.right.data();
    Match m;
    m.rule = d.rules.at(p.rule).name;
    m.score = p.score;
    for (quint32 i = p.leftBegin; i < p.leftEnd; ++i)
        m.left << l.ids[d.leftRows[i]];
    for (quint32 i = p.rightBegin; i < p.rightEnd; ++i)
        m.right << r.ids[d.rightRows[i]];
    m.currency = l.currencyNames.at(l.currencies[d.leftRows[p.leftBegin]]);
    m.differenceMinor = p.difference;
    m.why = why(d, p, m.currency);
    return m;
}

QList<Match> ReconResult::matches() const
{
    QList<Match> all;
    all.reserve(matchCount());
    for (qsizetype i = 0; i < matchCount(); ++i)
        all << match(i);
    return all;
}

const QList<qint64> &ReconResult::unmatchedLeft() const
{
    return m_data->unmatchedLeft;
}

const QList<qint64> &ReconResult::unmatchedRight() const
{
    return m_data->unmatchedRight;
}

QList<ReconResult::RuleCount> ReconResult::perRule() const
{
    return m_data->perRule;
}

int ReconResult::matchedBy(const QString &rule) const
{
    for (const RuleCount &c : m_data->perRule)
        if (c.rule == rule)
            return c.matches;
    return 0;
}

int ReconResult::confirmedKept() const
{
    return int(m_data->confirmed.size());
}

QMap<QString, qint64> ReconResult::difference() const
{
    return m_data->difference;
}

int ReconResult::searchesCapped() const
{
    return m_data->searchesCapped;
}
