// The CRM provider (HubSpot CRM v3 shapes) through the same runner as payments: upserts by
// e-mail, and HubSpot's rate-limit headers obeyed before its 429s have to say it.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "records/CustomerStore.h"
#include "records/DriftScanner.h"

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
    op.payload = { { QStringLiteral("email"), email }, { QStringLiteral("firstname"), QStringLiteral("Anna") },
        { QStringLiteral("phone"), phone } };
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
        const qint64 first
            = store.insert(upsert(QStringLiteral("u1"), QStringLiteral("anna@example.com"), QStringLiteral("+49 1")))
                  .value();
        const qint64 second
            = store.insert(upsert(QStringLiteral("u2"), QStringLiteral("anna@example.com"), QStringLiteral("+49 2")))
                  .value();
        for (qint64 id : { first, second }) {
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
            ids << store
                       .insert(upsert(QStringLiteral("r%1").arg(i), QStringLiteral("c%1@example.com").arg(i),
                           QStringLiteral("+1")))
                       .value();
        QElapsedTimer clock;
        clock.start();
        int succeeded = 0;
        bool finished = false;
        f.service->retry(
            ids, [&](qint64, const Result<Operation> &r) { succeeded += r ? 1 : 0; }, [&] { finished = true; });
        QTRY_VERIFY_WITH_TIMEOUT(finished, 30000);
        QCOMPARE(succeeded, 10);
        QCOMPARE(f.sandbox.crm().contactCount(), 10);
        QVERIFY2(clock.elapsed() >= 1000, "20 requests at 10 a second cannot take less than a second");
        // Most of the pacing came from the headers, not from being refused.
        QVERIFY2(f.sandbox.crm().throttled() <= 10, qPrintable(QString::number(f.sandbox.crm().throttled())));
    }

    // A drift scan paced by the CRM's own headers: its secondly limit is read from the first
    // answer and kept, so no page is refused; a slow answer is waited for, not resent.
};

QTEST_GUILESS_MAIN(TestCrmAdapter)
#include "tst_crmadapter.moc"
