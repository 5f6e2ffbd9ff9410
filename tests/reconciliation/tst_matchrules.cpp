// The rules file a finance lead edits, and the compact side the matcher reads: defaults that
// survive a save and load, a bad key or value named with its rule, references kept once,
// trimmed and in upper case.
#include "reconciliation/MatchRules.h"
#include "reconciliation/ReconSide.h"

#include <QTemporaryDir>
#include <QTest>

class TestMatchRules : public QObject
{
    Q_OBJECT
private slots:
    void defaultsSurviveSaveAndLoad()
    {
        QTemporaryDir dir;
        MatchRules rules = MatchRules::defaults();
        QCOMPARE(rules.rules.size(), 4);
        rules.rules[1].toleranceMinor = 75;
        rules.rules[1].toleranceBasisPoints = 50;
        rules.rules[3].maxNodes = 123;
        const QString path = dir.filePath(QStringLiteral("rules.json"));
        QVERIFY(rules.save(path));
        auto loaded = MatchRules::load(path);
        QVERIFY2(loaded, qPrintable(loaded.message()));
        QCOMPARE(loaded->rules.size(), 4);
        QCOMPARE(loaded->rules.at(0).kind, MatchRule::Kind::Exact);
        QCOMPARE(loaded->rules.at(1).toleranceMinor, 75);
        QCOMPARE(loaded->rules.at(1).toleranceBasisPoints, 50);
        QCOMPARE(loaded->rules.at(3).maxNodes, 123);
        QCOMPARE(loaded->toJson(), rules.toJson());
    }
    void badKeyIsNamed()
    {
        auto r = MatchRules::fromJson(R"({"rules": [{"rule": "exact"}, {"rule": "tolerance", "tolerence_minor": 5}]})",
            QStringLiteral("my-rules.json"));
        QVERIFY(!r);
        QVERIFY2(r.message().startsWith(QStringLiteral("my-rules.json: rule 2 (tolerance)")), qPrintable(r.message()));
        QVERIFY2(r.message().contains(QStringLiteral("\"tolerence_minor\"")), qPrintable(r.message()));
        QVERIFY2(r.message().contains(QStringLiteral("amount_minor")), qPrintable(r.message()));
    }
    void badValuesAndNamesRefused()
    {
        QVERIFY(!MatchRules::fromJson(R"({"rules": [{"rule": "grouped", "max_group_size": 20}]})"));
        QVERIFY(!MatchRules::fromJson(R"({"rules": [{"rule": "fee", "days": "3"}]})"));
        QVERIFY(!MatchRules::fromJson(R"({"rules": [{"rule": "fuzzy"}]})"));
        QVERIFY(!MatchRules::fromJson(R"({"rules": [{"rule": "exact"}, {"rule": "exact"}]})"));
        QVERIFY(!MatchRules::fromJson(R"({"rulez": []})"));
        auto two = MatchRules::fromJson(
            R"({"rules": [{"rule": "tolerance", "days": 1}, {"rule": "tolerance", "name": "wide", "days": 7}]})");
        QVERIFY2(two, qPrintable(two.message()));
        QCOMPARE(two->rules.at(1).name, QStringLiteral("wide"));
        QCOMPARE(two->rules.at(1).windowDays, 7);
    }
    void sideKeepsReferencesOnceNormalised()
    {
        ReconSide side;
        side.append({ .id = 7,
            .reference = QStringLiteral(" inv-2041 "),
            .otherRefs = { QStringLiteral("INV-2041"), QStringLiteral("e2e-1") },
            .amountMinor = -1815,
            .feeMinor = 0,
            .currency = QStringLiteral("eur"),
            .day = 2460000,
            .groupId = QStringLiteral("po_1"),
            .description = QStringLiteral("Zahlung Müller") });
        QCOMPARE(side.size(), 1);
        const ReconItem back = side.at(0);
        QCOMPARE(back.id, 7);
        QCOMPARE(back.reference, QStringLiteral("INV-2041"));
        QCOMPARE(back.otherRefs, QStringList { QStringLiteral("E2E-1") });
        QCOMPARE(back.amountMinor, -1815);
        QCOMPARE(back.currency, QStringLiteral("EUR"));
        QCOMPARE(back.groupId, QStringLiteral("PO_1"));
        QCOMPARE(back.description, QStringLiteral("Zahlung Müller"));
        ReconSide copy = side;
        copy.append({ .id = 8, .currency = QStringLiteral("EUR") });
        QCOMPARE(side.size(), 1); // the copy detached
        QCOMPARE(copy.at(1).reference, QString());
    }
};

QTEST_GUILESS_MAIN(TestMatchRules)
#include "tst_matchrules.moc"
