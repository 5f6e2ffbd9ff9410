// The matching engine on its own: each rule's reach and limits, every row used once, ties broken
// by date, amount and id whatever order the rows come in, confirmed matches kept, and the
// exact and tolerance rules checked against a brute-force reading of docs/reconciliation.md.
#include "reconciliation/Matcher.h"

#include <QDate>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <set>

namespace {
const int kDay = int(QDate(2026, 11, 2).toJulianDay());

ReconItem item(qint64 id, const QString &reference, qint64 amount, int day = 0, const QString &currency = "EUR")
{
    ReconItem i;
    i.id = id;
    i.reference = reference;
    i.amountMinor = amount;
    i.currency = currency;
    i.day = kDay + day;
    return i;
}

ReconItem providerLine(
    qint64 id, const QString &reference, qint64 gross, qint64 fee, const QString &payout, int day = 0)
{
    ReconItem i = item(id, reference, gross, day);
    i.feeMinor = fee;
    i.groupId = payout;
    return i;
}

MatchRules only(MatchRule::Kind kind)
{
    MatchRules rules;
    rules.rules << MatchRule::ofKind(kind);
    return rules;
}

ReconResult run(const QList<ReconItem> &left, const QList<ReconItem> &right, const MatchRules &rules,
    const QList<Match> &confirmed = {})
{
    auto r = Matcher::run(left, right, rules, confirmed);
    if (!r)
        qFatal("Matcher::run failed: %s", qPrintable(r.message()));
    return r.value();
}

// Matches as "rule:left ids/right ids", sorted: what two runs are compared by.
QStringList pairs(const ReconResult &result)
{
    QStringList out;
    for (const Match &m : result.matches()) {
        QStringList l, r;
        for (qint64 id : m.left)
            l << QString::number(id);
        for (qint64 id : m.right)
            r << QString::number(id);
        out << m.rule + QLatin1Char(':') + l.join(QLatin1Char(',')) + QLatin1Char('/') + r.join(QLatin1Char(','));
    }
    out.sort();
    return out;
}
} // namespace

class TestMatcher : public QObject
{
    Q_OBJECT
private slots:
    void exactNeedsReferenceAmountAndCurrency()
    {
        ReconItem other = item(13, "zz", 700);
        other.otherRefs << "txn_9";
        const auto result = run({ item(1, " inv-1 ", 1000), item(2, "INV-2", 500), item(3, "INV-3", 300, 0, "USD"),
                                    item(4, "TXN_9", 700, 40) },
            { item(11, "INV-1", 1000, 1), item(12, "INV-2", 501), item(14, "INV-3", 300, 0, "EUR"), other },
            MatchRules::defaults());
        QCOMPARE(result.matchedBy("exact"), 2);
        const QStringList got = pairs(result);
        QVERIFY2(got.contains("exact:1/11"), qPrintable(got.join(' ')));
        QVERIFY2(got.contains("exact:4/13"), qPrintable(got.join(' '))); // another reference, 40 days apart
        const Match first = result.match(0);
        QCOMPARE(first.score, 1.0);
        QCOMPARE(first.why, QStringLiteral("reference INV-1, same amount 10.00 EUR, 1 day apart"));
        // 2 against 12 is a cent off: the tolerance rule's, not exact's. 3 is USD, 14 EUR.
        QVERIFY(got.contains("tolerance:2/12"));
        QCOMPARE(result.unmatchedLeft(), QList<qint64> { 3 });
        QCOMPARE(result.unmatchedRight(), QList<qint64> { 14 });
    }

    void linesWithSeveralReferences()
    {
        // Two references on each of 8 lines (16 keys): the lookup table has room for every key.
        QList<ReconItem> left, right;
        for (int i = 0; i < 8; ++i) {
            left << item(i + 1, QStringLiteral("TXN_%1").arg(i), 100 + i);
            ReconItem line = item(100 + i, QStringLiteral("E2E-%1").arg(i), 100 + i);
            line.otherRefs << QStringLiteral("txn_%1").arg(i);
            right << line;
        }
        QCOMPARE(run(left, right, only(MatchRule::Kind::Exact)).matchedBy("exact"), 8);
    }

    void everyRowOnceClosestDateThenIdWins()
    {
        // Two ledger entries claim one line: the one closer in date gets it, then the lower id.
        auto result = run({ item(5, "A", 100, 3), item(6, "A", 100, 1), item(7, "A", 100, 1) }, { item(20, "A", 100) },
            only(MatchRule::Kind::Exact));
        QCOMPARE(pairs(result), QStringList { "exact:6/20" });
        QCOMPARE(result.unmatchedLeft(), (QList<qint64> { 5, 7 }));
        // Tolerance: the closer amount wins when the dates tie.
        result = run({ item(1, "", 1000) }, { item(30, "", 1040), item(31, "", 990), item(32, "", 1010, 1) },
            only(MatchRule::Kind::Tolerance));
        QCOMPARE(pairs(result), QStringList { "tolerance:1/31" });
    }

    void toleranceLimits()
    {
        MatchRules rules = only(MatchRule::Kind::Tolerance);
        rules.rules[0].toleranceMinor = 50;
        rules.rules[0].windowDays = 2;
        auto result
            = run({ item(1, "", 10000), item(2, "", 10000), item(3, "", 10000), item(4, "", -200), item(5, "", 20000) },
                { item(11, "", 10050, 2), item(12, "", 10051), item(13, "", 10000, 3), item(14, "", 200),
                    item(15, "", 20000, -2) },
                rules);
        QCOMPARE(pairs(result), (QStringList { "tolerance:1/11", "tolerance:5/15" }));
        // 1, 2 and 3 all reach 11: the lowest id gets it.
        const Match m = result.match(result.match(0).left == QList<qint64> { 1 } ? 0 : 1);
        QCOMPARE(m.differenceMinor, -50);
        QCOMPARE(m.why, QStringLiteral("amount within 0.50 (0.50 apart), 2 days apart"));
        QVERIFY(m.score < 0.9 && m.score >= 0.6);

        rules.rules[0].toleranceBasisPoints = 100; // 1 %: 100.00 may be 1.00 off
        result = run({ item(1, "", 10000) }, { item(11, "", 10100) }, rules);
        QCOMPARE(pairs(result), QStringList { "tolerance:1/11" });

        rules.rules[0].toleranceBasisPoints = 0;
        rules.rules[0].requireText = "stripe";
        ReconItem described = item(12, "", 10000);
        described.description = "STRIPE PAYOUT";
        result = run({ item(1, "", 10000), item(2, "", 10000) }, { item(11, "", 10000), described }, rules);
        QCOMPARE(pairs(result), QStringList { "tolerance:1/12" });

        rules.rules[0].requireText.clear();
        rules.rules[0].referenceInText = true;
        ReconItem remittance = item(13, "", 9990, 1);
        remittance.description = "payment for inv-2041 thanks";
        result = run({ item(1, "INV-2041", 10000) }, { item(11, "", 10000), remittance }, rules);
        QCOMPARE(pairs(result), QStringList { "tolerance:1/13" });
        QVERIFY2(result.match(0).why.endsWith("reference or description contains INV-2041"),
            qPrintable(result.match(0).why));
    }

    void feeAwareMatchesTheNet()
    {
        MatchRules rules = only(MatchRule::Kind::Fee);
        auto result = run({ item(1, "ch_1", 9680, 0), item(2, "", 4825), item(3, "", 1000) },
            { providerLine(11, "CH_1", 10000, 320, "", 9), providerLine(12, "ch_2", 5000, 175, "", 2),
                providerLine(13, "ch_3", 1030, 30, "", 5) },
            rules);
        // 1 shares a reference (9 days apart is fine then); 2 has none but is within 3 days; 3 is 5 days off.
        QCOMPARE(pairs(result), (QStringList { "fee:1/11", "fee:2/12" }));
        const Match m = result.match(0);
        QCOMPARE(m.differenceMinor, 0);
        QCOMPARE(m.score, 0.95f);
        QCOMPARE(m.why, QStringLiteral("net 96.80 = gross 100.00 − fee 3.20, reference CH_1"));
        QCOMPARE(result.difference().value("EUR"), 1000 - 1030);

        rules.rules[0].requireReference = true;
        result = run({ item(2, "", 4825) }, { providerLine(12, "ch_2", 5000, 175, "", 2) }, rules);
        QVERIFY(result.matches().isEmpty());
    }

    void payoutAgainstItsLines()
    {
        const QList<ReconItem> lines { providerLine(11, "ch_1", 10000, 320, "po_1", -2),
            providerLine(12, "ch_2", 5000, 175, "po_1", -1), providerLine(13, "re_1", -2000, 0, "po_1", -1),
            providerLine(14, "po_1", -12505, 0, "po_1"), providerLine(15, "ch_3", 7000, 233, "po_2") };
        auto result = run({ item(1, "PO_1", 12505, 1), item(2, "po_2", 6700) }, lines, only(MatchRule::Kind::Grouped));
        QCOMPARE(pairs(result), QStringList { "grouped:1/11,12,13" });
        QCOMPARE(result.match(0).why, QStringLiteral("3 lines of payout PO_1 add up to 125.05 EUR"));
        // po_2's net is 67.67, not 67.00; the payout's own line (14) is not one of its members.
        QCOMPARE(result.unmatchedRight(), (QList<qint64> { 14, 15 }));
        QCOMPARE(result.perRule().first().rightRows, 3);
        // A payout of one line.
        result = run({ item(1, "po_9", 9680) }, { providerLine(11, "ch_9", 10000, 320, "po_9") },
            only(MatchRule::Kind::Grouped));
        QCOMPARE(pairs(result), QStringList { "grouped:1/11" });
        QCOMPARE(result.match(0).why, QStringLiteral("1 line of payout PO_9 comes to 96.80 EUR"));
    }

    void subsetSumFindsTheSmallestGroup()
    {
        MatchRules rules = only(MatchRule::Kind::Grouped);
        rules.rules[0].byPayout = false;
        // A bank line of 150.00 is three ledger entries, or the two of 100.00 and 50.00: the smaller group.
        auto result = run({ item(1, "", 10000), item(2, "", 5000, 1), item(3, "", 7000), item(4, "", 3000),
                              item(5, "", 2000), item(6, "", 5000, 9) },
            { item(21, "", 15000) }, rules);
        QCOMPARE(pairs(result), QStringList { "grouped:1,2/21" });
        QVERIFY2(result.match(0).why.contains("2 ledger entries within 3 days add up to 150.00 EUR"),
            qPrintable(result.match(0).why));
        // One ledger entry against three lines, the other way round.
        result = run({ item(1, "", 12000) }, { item(21, "", 7000), item(22, "", 3000), item(23, "", 2000, 3) }, rules);
        QCOMPARE(pairs(result), QStringList { "grouped:1/21,22,23" });
        rules.rules[0].maxGroupSize = 2;
        result = run({ item(1, "", 12000) }, { item(21, "", 7000), item(22, "", 3000), item(23, "", 2000, 3) }, rules);
        QVERIFY(result.matches().isEmpty());
        // The search stops at max_nodes and says so.
        rules.rules[0].maxGroupSize = 8;
        rules.rules[0].maxNodes = 10;
        QList<ReconItem> many;
        for (int i = 0; i < 40; ++i)
            many << item(100 + i, "", 1000 + 10 * i);
        result = run({ item(1, "", 999999) }, many, rules);
        QVERIFY(result.matches().isEmpty());
        QCOMPARE(result.searchesCapped(), 1);
    }

    void confirmedMatchesAreKept()
    {
        Match kept;
        kept.rule = "manual";
        kept.left = { 1 };
        kept.right = { 12 };
        kept.currency = "EUR";
        kept.differenceMinor = 7;
        const auto result = run({ item(1, "A", 100), item(2, "B", 200) },
            { item(11, "A", 100), item(12, "X", 93), item(13, "B", 200) }, MatchRules::defaults(), { kept });
        QCOMPARE(result.confirmedKept(), 1);
        QCOMPARE(result.match(0).rule, QStringLiteral("manual"));
        QVERIFY(result.match(0).confirmed);
        QCOMPARE(pairs(result), (QStringList { "exact:2/13", "manual:1/12" }));
        QCOMPARE(result.unmatchedRight(), QList<qint64> { 11 });
        QCOMPARE(result.difference().value("EUR"), -100 + 7);

        Match other = kept;
        other.left = { 2 };
        auto refused = Matcher::run(
            { item(1, "A", 100), item(2, "B", 200) }, { item(12, "X", 93) }, MatchRules::defaults(), { kept, other });
        QVERIFY(!refused);
        QVERIFY2(refused.message().contains("share statement row 12"), qPrintable(refused.message()));
    }

    void badInputIsRefused()
    {
        auto twice = Matcher::run({ item(1, "A", 1), item(1, "B", 2) }, {}, MatchRules::defaults());
        QVERIFY(!twice);
        QCOMPARE(twice.message(), QStringLiteral("The ledger side has row 1 twice."));
        auto huge = Matcher::run({ item(1, "A", 1) }, { item(7, "A", 200'000'000'000'000) }, MatchRules::defaults());
        QVERIFY(!huge);
        QVERIFY2(huge.message().startsWith("Row 7 of the statement side"), qPrintable(huge.message()));
        MatchRules bad = MatchRules::defaults();
        bad.rules[1].name = bad.rules[0].name;
        QVERIFY(!Matcher::run(QList<ReconItem> {}, QList<ReconItem> {}, bad));
    }

    void sameResultWhateverTheOrder()
    {
        QRandomGenerator random(7);
        QList<ReconItem> left, right;
        for (int i = 0; i < 300; ++i) {
            const qint64 amount = 100 * random.bounded(1, 40);
            left << item(i + 1, i % 3 ? QString() : QStringLiteral("R%1").arg(i % 30), amount, random.bounded(10));
            right << providerLine(1000 + i, i % 4 ? QString() : QStringLiteral("R%1").arg(i % 25),
                amount + random.bounded(-60, 61), random.bounded(3) ? 0 : 30, i % 5 ? QString() : "PO_1",
                random.bounded(10));
        }
        const QStringList once = pairs(run(left, right, MatchRules::defaults()));
        std::shuffle(left.begin(), left.end(), std::mt19937(1));
        std::shuffle(right.begin(), right.end(), std::mt19937(2));
        QCOMPARE(pairs(run(left, right, MatchRules::defaults())), once);
    }

    // The exact and tolerance rules as docs/reconciliation.md states them, by brute force: every
    // pair the rule allows, taken in order of (date gap, amount gap, left id, right id).
    void agreesWithBruteForce()
    {
        QRandomGenerator random(42);
        QList<ReconItem> left, right;
        for (int i = 0; i < 400; ++i) {
            left << item(i + 1, QStringLiteral("R%1").arg(random.bounded(150)), random.bounded(-3000, 3000),
                random.bounded(20), random.bounded(8) ? "EUR" : "USD");
            right << item(5000 + i, QStringLiteral("r%1").arg(random.bounded(150)), random.bounded(-3000, 3000),
                random.bounded(20), random.bounded(8) ? "EUR" : "USD");
        }
        MatchRules rules;
        rules.rules << MatchRule::ofKind(MatchRule::Kind::Exact) << MatchRule::ofKind(MatchRule::Kind::Tolerance);
        const MatchRule &tolerance = rules.rules[1];
        std::set<qint64> usedLeft, usedRight;
        QStringList expected;
        auto greedy = [&](const QString &rule, auto allowed) {
            struct P
            {
                int dayGap;
                qint64 amountGap, l, r;
                bool operator<(const P &o) const
                {
                    return std::tie(dayGap, amountGap, l, r) < std::tie(o.dayGap, o.amountGap, o.l, o.r);
                }
            };
            std::vector<P> all;
            for (const ReconItem &a : left)
                for (const ReconItem &b : right)
                    if (!usedLeft.count(a.id) && !usedRight.count(b.id) && allowed(a, b))
                        all.push_back({ std::abs(a.day - b.day), std::abs(a.amountMinor - b.amountMinor), a.id, b.id });
            std::sort(all.begin(), all.end());
            for (const P &p : all)
                if (!usedLeft.count(p.l) && !usedRight.count(p.r)) {
                    usedLeft.insert(p.l);
                    usedRight.insert(p.r);
                    expected << QStringLiteral("%1:%2/%3").arg(rule).arg(p.l).arg(p.r);
                }
        };
        greedy("exact", [](const ReconItem &a, const ReconItem &b) {
            return a.reference.toUpper() == b.reference.toUpper() && a.amountMinor == b.amountMinor
                && a.currency == b.currency;
        });
        greedy("tolerance", [&](const ReconItem &a, const ReconItem &b) {
            const auto sign = [](qint64 v) { return (v > 0) - (v < 0); };
            return a.currency == b.currency && sign(a.amountMinor) == sign(b.amountMinor)
                && std::abs(a.amountMinor - b.amountMinor) <= tolerance.toleranceMinor
                && std::abs(a.day - b.day) <= tolerance.windowDays;
        });
        expected.sort();
        const auto result = run(left, right, rules);
        QVERIFY(result.matchedBy("tolerance") > 20);
        QCOMPARE(pairs(result), expected);
    }
};

QTEST_APPLESS_MAIN(TestMatcher)
#include "tst_matcher.moc"
