// Drift scans (DriftScanner) against the sandbox CRM: paced by HubSpot's rate-limit headers
// so no page is refused, drift found and kept, and a cancelled scan resumed where it stopped.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "records/CustomerStore.h"
#include "records/DriftScanner.h"

#include <QElapsedTimer>
#include <QTest>

class TestDriftScan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void driftScanIsPacedByTheCrmsHeaders()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db, 5000);
        f.addCrm(db);
        f.sandbox.crm().setRateLimit(100, 10000, 2); // two requests a second
        for (int i = 0; i < 500; ++i)
            f.sandbox.crm().addContact({ { QStringLiteral("email"), QStringLiteral("p%1@example.com").arg(i) } });
        f.sandbox.queueFaults({ SandboxFault { SandboxFault::Kind::Slow, 300 } });
        DriftScanner scanner(db, *f.registry);
        QElapsedTimer clock;
        clock.start();
        std::optional<Result<DriftReport>> report;
        scanner.scan(
            QStringLiteral("contact"), QStringLiteral("crm-sandbox"), true, [&](Result<DriftReport> r) { report = r; });
        QTRY_VERIFY_WITH_TIMEOUT(report.has_value(), 30000);
        QVERIFY2(*report, qPrintable(report->message()));
        QCOMPARE(report->value().compared, 500);
        QCOMPARE(report->value().drifted.size(), 500); // none of them is ours
        // Five pages at two a second: the last four wait about half a second each.
        QVERIFY2(clock.elapsed() >= 1900, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(f.sandbox.crm().throttled(), 0);
    }

    // Our customers against the CRM's contacts: 250 records, 15 drifted, resumable.
    void driftScanFindsDriftAndResumes()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        CustomerStore customers(db);
        for (int i = 0; i < 250; ++i) {
            const QString email = QStringLiteral("c%1@example.com").arg(i);
            QJsonObject props { { QStringLiteral("email"), email },
                { QStringLiteral("firstname"), QStringLiteral("Ann") },
                { QStringLiteral("lastname"), QStringLiteral("Lee") },
                { QStringLiteral("phone"), QStringLiteral("+1") },
                { QStringLiteral("reconsole_access"), QStringLiteral("basic") } };
            const QString contactId = f.sandbox.crm().addContact(props);
            const QString ours = QStringLiteral("CUS-%1").arg(i);
            QVERIFY(customers.upsert(ours,
                { { QStringLiteral("email"), email }, { QStringLiteral("first_name"), QStringLiteral("Ann") },
                    { QStringLiteral("last_name"), QStringLiteral("Lee") },
                    { QStringLiteral("phone"), QStringLiteral("+1") },
                    { QStringLiteral("access"), QStringLiteral("basic") } }));
            QVERIFY(customers.linkExternal(QStringLiteral("customer"), ours, QStringLiteral("crm-sandbox"), contactId));
            if (i % 20 == 0) // someone edited the phone in the CRM
                f.sandbox.crm().changeContact(contactId, { { QStringLiteral("phone"), QStringLiteral("+2") } });
            if (i % 100 == 1) // and our access level changed without reaching the CRM
                QVERIFY(customers.upsert(ours,
                    { { QStringLiteral("email"), email }, { QStringLiteral("first_name"), QStringLiteral("Ann") },
                        { QStringLiteral("last_name"), QStringLiteral("Lee") },
                        { QStringLiteral("phone"), QStringLiteral("+1") },
                        { QStringLiteral("access"), QStringLiteral("premium") } }));
        }
        DriftScanner scanner(db, *f.registry);
        // Cancelled after the first page...
        connect(&scanner, &DriftScanner::progress, &scanner, [&](int compared) {
            if (compared == 100)
                scanner.cancel();
        });
        std::optional<Result<DriftReport>> first;
        scanner.scan(
            QStringLiteral("contact"), QStringLiteral("crm-sandbox"), true, [&](Result<DriftReport> r) { first = r; });
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), 20000);
        QVERIFY2(*first, qPrintable(first->message()));
        QCOMPARE(first->value().compared, 100);
        QVERIFY(!first->value().complete);
        // ...and resumed where it stopped.
        scanner.disconnect();
        std::optional<Result<DriftReport>> rest;
        scanner.scan(
            QStringLiteral("contact"), QStringLiteral("crm-sandbox"), false, [&](Result<DriftReport> r) { rest = r; });
        QTRY_VERIFY_WITH_TIMEOUT(rest.has_value(), 20000);
        QCOMPARE(rest->value().compared, 150);
        QVERIFY(rest->value().complete);
        // The resumed scan's list holds what the first run found too.
        QCOMPARE(first->value().drifted.size(), 5 + 1); // phones 0..80, access 1
        QCOMPARE(rest->value().drifted.size(),
            13 + 3); // 13 phones (0, 20, …, 240), 3 access levels (1, 101, 201), never both
        for (const DriftedRecord &r : rest->value().drifted) {
            QCOMPARE(r.fields.size(), 1);
            const FieldDiff &d = r.fields.first();
            QVERIFY((d.field == QLatin1String("phone") && d.verdict == FieldDiff::Verdict::OursIsWrong)
                || (d.field == QLatin1String("subscription access")
                    && d.verdict == FieldDiff::Verdict::ProviderIsWrong));
        }
    }
};

QTEST_GUILESS_MAIN(TestDriftScan)
#include "tst_driftscan.moc"
