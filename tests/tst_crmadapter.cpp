// The CRM provider (HubSpot CRM v3 shapes) through the same runner as payments: upserts by
// e-mail, and HubSpot's rate-limit headers obeyed before its 429s have to say it.
#include "records/CustomerStore.h"
#include "records/DriftScanner.h"
#include "SandboxFixture.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QTest>

namespace {
Operation upsert(const QString &key, const QString &email, const QString &phone)
{
    Operation op;
    op.action = QStringLiteral("upsert_contact");
    op.entityType = QStringLiteral("customer");
    op.entityId = email;
    op.providerId = QStringLiteral("crm-sandbox");
    op.payload = {{QStringLiteral("email"), email}, {QStringLiteral("firstname"), QStringLiteral("Anna")},
                  {QStringLiteral("phone"), phone}};
    op.idempotencyKey = key;
    return op;
}
} // namespace

class TestCrmAdapter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void upsertsByEmail()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        f.addCrm(*scratch.db());
        OperationStore store(*scratch.db());
        const qint64 first = store.insert(upsert(QStringLiteral("u1"), QStringLiteral("anna@example.com"), QStringLiteral("+49 1"))).value();
        const qint64 second = store.insert(upsert(QStringLiteral("u2"), QStringLiteral("anna@example.com"), QStringLiteral("+49 2"))).value();
        for (qint64 id : {first, second}) {
            std::optional<Result<Operation>> ran;
            f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { ran = r; });
            QTRY_VERIFY_WITH_TIMEOUT(ran.has_value(), 10000);
            QVERIFY2(*ran, qPrintable(ran->message()));
        }
        QCOMPARE(f.sandbox.crm().contactCount(), 1); // the second updated the first
        QCOMPARE(store.get(first)->externalId, store.get(second)->externalId);
        QVERIFY(store.attempts(second)->first().request.contains(QLatin1String("search")));
    }

    void rateLimitHeadersAreObeyed()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        f.addCrm(*scratch.db());
        f.sandbox.crm().setRateLimit(1000, 10000, 10);
        OperationStore store(*scratch.db());
        QList<qint64> ids;
        for (int i = 0; i < 10; ++i)
            ids << store.insert(upsert(QStringLiteral("r%1").arg(i), QStringLiteral("c%1@example.com").arg(i), QStringLiteral("+1"))).value();
        QElapsedTimer clock;
        clock.start();
        int succeeded = 0;
        bool finished = false;
        f.service->retry(ids, [&](qint64, const Result<Operation> &r) { succeeded += r ? 1 : 0; }, [&] { finished = true; });
        QTRY_VERIFY_WITH_TIMEOUT(finished, 30000);
        QCOMPARE(succeeded, 10);
        QCOMPARE(f.sandbox.crm().contactCount(), 10);
        QVERIFY2(clock.elapsed() >= 1000, "20 requests at 10 a second cannot take less than a second");
        // Most of the pacing came from the headers, not from being refused.
        QVERIFY2(f.sandbox.crm().throttled() <= 10, qPrintable(QString::number(f.sandbox.crm().throttled())));
    }

    // A drift scan paced by the CRM's own headers: its secondly limit is read from the first
    // answer and kept, so no page is refused; a slow answer is waited for, not resent.
    void driftScanIsPacedByTheCrmsHeaders()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db, 5000);
        f.addCrm(db);
        f.sandbox.crm().setRateLimit(100, 10000, 2); // two requests a second
        for (int i = 0; i < 500; ++i)
            f.sandbox.crm().addContact({{QStringLiteral("email"), QStringLiteral("p%1@example.com").arg(i)}});
        f.sandbox.queueFaults({SandboxFault{SandboxFault::Kind::Slow, 300}});
        DriftScanner scanner(db, *f.registry);
        QElapsedTimer clock;
        clock.start();
        std::optional<Result<DriftReport>> report;
        scanner.scan(QStringLiteral("contact"), QStringLiteral("crm-sandbox"), true, [&](Result<DriftReport> r) { report = r; });
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
            QJsonObject props{{QStringLiteral("email"), email}, {QStringLiteral("firstname"), QStringLiteral("Ann")},
                              {QStringLiteral("lastname"), QStringLiteral("Lee")}, {QStringLiteral("phone"), QStringLiteral("+1")},
                              {QStringLiteral("reconsole_access"), QStringLiteral("basic")}};
            const QString contactId = f.sandbox.crm().addContact(props);
            const QString ours = QStringLiteral("CUS-%1").arg(i);
            QVERIFY(customers.upsert(ours, {{QStringLiteral("email"), email}, {QStringLiteral("first_name"), QStringLiteral("Ann")},
                                            {QStringLiteral("last_name"), QStringLiteral("Lee")}, {QStringLiteral("phone"), QStringLiteral("+1")},
                                            {QStringLiteral("access"), QStringLiteral("basic")}}));
            QVERIFY(customers.linkExternal(QStringLiteral("customer"), ours, QStringLiteral("crm-sandbox"), contactId));
            if (i % 20 == 0) // someone edited the phone in the CRM
                f.sandbox.crm().changeContact(contactId, {{QStringLiteral("phone"), QStringLiteral("+2")}});
            if (i % 100 == 1) // and our access level changed without reaching the CRM
                QVERIFY(customers.upsert(ours, {{QStringLiteral("email"), email}, {QStringLiteral("first_name"), QStringLiteral("Ann")},
                                                {QStringLiteral("last_name"), QStringLiteral("Lee")}, {QStringLiteral("phone"), QStringLiteral("+1")},
                                                {QStringLiteral("access"), QStringLiteral("premium")}}));
        }
        DriftScanner scanner(db, *f.registry);
        // Cancelled after the first page...
        connect(&scanner, &DriftScanner::progress, &scanner, [&](int compared) {
            if (compared == 100)
                scanner.cancel();
        });
        std::optional<Result<DriftReport>> first;
        scanner.scan(QStringLiteral("contact"), QStringLiteral("crm-sandbox"), true, [&](Result<DriftReport> r) { first = r; });
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), 20000);
        QVERIFY2(*first, qPrintable(first->message()));
        QCOMPARE(first->value().compared, 100);
        QVERIFY(!first->value().complete);
        // ...and resumed where it stopped.
        scanner.disconnect();
        std::optional<Result<DriftReport>> rest;
        scanner.scan(QStringLiteral("contact"), QStringLiteral("crm-sandbox"), false, [&](Result<DriftReport> r) { rest = r; });
        QTRY_VERIFY_WITH_TIMEOUT(rest.has_value(), 20000);
        QCOMPARE(rest->value().compared, 150);
        QVERIFY(rest->value().complete);
        // The resumed scan's list holds what the first run found too.
        QCOMPARE(first->value().drifted.size(), 5 + 1); // phones 0..80, access 1
        QCOMPARE(rest->value().drifted.size(), 13 + 3); // 13 phones (0, 20, …, 240), 3 access levels (1, 101, 201), never both
        for (const DriftedRecord &r : rest->value().drifted) {
            QCOMPARE(r.fields.size(), 1);
            const FieldDiff &d = r.fields.first();
            QVERIFY((d.field == QLatin1String("phone") && d.verdict == FieldDiff::Verdict::OursIsWrong)
                    || (d.field == QLatin1String("subscription access") && d.verdict == FieldDiff::Verdict::ProviderIsWrong));
        }
    }
};

QTEST_GUILESS_MAIN(TestCrmAdapter)
#include "tst_crmadapter.moc"
