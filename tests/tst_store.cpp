// The store on SQLite and on a real PostgreSQL server: migrations, the state machine as the
// store enforces it, the attempt journal, crash recovery and the audit chain.
#include "access/AuditLog.h"
#include "store/Migrator.h"
#include "operations/OperationStore.h"
#include "providers/ProviderStore.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

namespace {
Operation sampleOperation(const QString &key)
{
    Operation op;
    op.action = QStringLiteral("capture_payment");
    op.entityType = QStringLiteral("order");
    op.entityId = QStringLiteral("ORD-1");
    op.providerId = QStringLiteral("stripe-sandbox");
    op.payload = {{QStringLiteral("amount"), 1200}, {QStringLiteral("currency"), QStringLiteral("eur")}};
    op.idempotencyKey = key;
    return op;
}
} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void migrations_data() { ADD_BACKEND_ROWS(); }
    void migrations()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        QCOMPARE(scratch.db()->schemaVersion(), Migrator::latestVersion());
        QSqlQuery q(scratch.db()->connection());
        for (const char *table : {"providers", "credentials", "operations", "attempts", "events", "audit_log"})
            QVERIFY2(q.exec(QStringLiteral("SELECT COUNT(*) FROM %1").arg(QLatin1String(table))), table);
        // Opening again applies nothing twice.
        auto again = Database::open(scratch.url());
        QVERIFY2(again, qPrintable(again.message()));
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM schema_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), Migrator::latestVersion());
    }

    void newerSchemaIsRefusedUntouched_data() { ADD_BACKEND_ROWS(); }
    void newerSchemaIsRefusedUntouched()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        QSqlQuery q(scratch.db()->connection());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)")));
        auto refused = Database::open(scratch.url());
        QVERIFY(!refused);
        QVERIFY2(refused.message().contains(QLatin1String("newer Reconsole")), qPrintable(refused.message()));
        QVERIFY(q.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), 999);
    }

    void sqliteUsesWal()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QSqlQuery q(scratch.db()->connection());
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
    }

    void unreadableUrlIsExplained()
    {
        auto bad = Database::open(QStringLiteral("postgresql://"));
        QVERIFY(!bad);
        QVERIFY(bad.message().contains(QLatin1String("postgresql://user@host")));
    }

    void transitionsAreEnforced_data() { ADD_BACKEND_ROWS(); }
    void transitionsAreEnforced()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        OperationStore store(*scratch.db());
        auto id = store.insert(sampleOperation(QStringLiteral("k-1")));
        QVERIFY2(id, qPrintable(id.message()));

        auto illegal = store.transition(id.value(), OperationState::Pending, OperationState::Succeeded);
        QVERIFY(!illegal);
        QCOMPARE(illegal.error().errorClass, ErrorClass::State);

        OperationUpdate u;
        u.countAttempt = true;
        QVERIFY(store.transition(id.value(), OperationState::Pending, OperationState::Sending, u));
        // A second worker that read the row as pending loses the race.
        auto stale = store.transition(id.value(), OperationState::Pending, OperationState::Sending, u);
        QVERIFY(!stale);
        QVERIFY(stale.message().contains(QLatin1String("someone else")));

        u = {};
        u.lastErrorClass = ErrorClass::Timeout;
        u.lastError = QStringLiteral("no answer");
        QVERIFY(store.transition(id.value(), OperationState::Sending, OperationState::UnknownOutcome, u));
        QVERIFY(!store.transition(id.value(), OperationState::UnknownOutcome, OperationState::Cancelled));
        auto op = store.get(id.value());
        QCOMPARE(op->state, OperationState::UnknownOutcome);
        QCOMPARE(op->attempts, 1);
        QCOMPARE(op->lastErrorClass, ErrorClass::Timeout);
        QCOMPARE(op->payload.value(QStringLiteral("amount")).toInt(), 1200);
    }

    void attemptsAreJournaledAndRecovered_data() { ADD_BACKEND_ROWS(); }
    void attemptsAreJournaledAndRecovered()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        OperationStore store(*scratch.db());
        const qint64 id = store.insert(sampleOperation(QStringLiteral("k-2"))).value();
        OperationUpdate claim;
        claim.claimedBy = QStringLiteral("worker");
        claim.claimedUntil = nowMs() - 1; // its claim has run out: the process died
        claim.countAttempt = true;
        QVERIFY(store.transition(id, OperationState::Pending, OperationState::Sending, claim));
        auto attempt = store.beginAttempt(id, 1, QStringLiteral("POST /v1/payment_intents"));
        QVERIFY2(attempt, qPrintable(attempt.message()));

        auto recovered = store.recoverInterrupted(nowMs());
        QVERIFY2(recovered, qPrintable(recovered.message()));
        QCOMPARE(recovered.value(), 1);
        QCOMPARE(store.get(id)->state, OperationState::UnknownOutcome);
        auto attempts = store.attempts(id);
        QCOMPARE(attempts->size(), 1);
        QCOMPARE(attempts->first().status, Attempt::Status::Failed);
        QCOMPARE(attempts->first().errorClass, ErrorClass::Timeout);
        QCOMPARE(attempts->first().request, QStringLiteral("POST /v1/payment_intents"));
    }

    // Agents sharing a database each claim their own due operations; a claim lapses.
    void agentsClaimDueRetriesApart_data() { ADD_BACKEND_ROWS(); }
    void agentsClaimDueRetriesApart()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        OperationStore store(*scratch.db());
        const qint64 now = nowMs();
        for (int i = 0; i < 20; ++i) {
            Operation op = sampleOperation(QStringLiteral("due-%1").arg(i));
            op.state = OperationState::RetryScheduled;
            op.nextAttemptAt = now - 1000 + i;
            QVERIFY(store.insert(op));
        }
        Operation later = sampleOperation(QStringLiteral("not-yet"));
        later.state = OperationState::RetryScheduled;
        later.nextAttemptAt = now + 60000;
        QVERIFY(store.insert(later));

        auto second = Database::open(scratch.url());
        QVERIFY2(second, qPrintable(second.message()));
        OperationStore other(*second.value());
        const QList<qint64> a = store.claimDueForRetry(now, 12, QStringLiteral("agent-a"), now + 60000).value();
        const QList<qint64> b = other.claimDueForRetry(now, 12, QStringLiteral("agent-b"), now + 60000).value();
        QCOMPARE(a.size(), 12);
        QCOMPARE(b.size(), 8);
        QCOMPARE(QSet<qint64>(a.begin(), a.end()).intersect(QSet<qint64>(b.begin(), b.end())).size(), 0);
        QVERIFY(store.claimDueForRetry(now, 12, QStringLiteral("agent-a"), now + 60000)->isEmpty());
        QCOMPARE(store.get(b.first())->claimedBy, QStringLiteral("agent-b"));
        // An agent that died holding its claim: after it lapses, another takes the work.
        QCOMPARE(other.claimDueForRetry(now + 61000, 50, QStringLiteral("agent-b"), now + 120000)->size(), 21);

        if (backend != QLatin1String("postgresql"))
            return;
        // While one agent's claim is still open, another passes its rows over instead of waiting.
        for (int i = 0; i < 4; ++i) {
            Operation op = sampleOperation(QStringLiteral("fresh-%1").arg(i));
            op.state = OperationState::RetryScheduled;
            op.nextAttemptAt = now;
            QVERIFY(store.insert(op));
        }
        Transaction open(scratch.db()->connection());
        const QList<qint64> held = store.claimDueForRetry(now + 1, 2, QStringLiteral("agent-a"), now + 60000).value();
        QCOMPARE(held.size(), 2);
        QElapsedTimer clock;
        clock.start();
        const QList<qint64> passed = other.claimDueForRetry(now + 1, 10, QStringLiteral("agent-b"), now + 60000).value();
        QVERIFY2(clock.elapsed() < 2000, "blocked behind the other agent's open claim");
        QCOMPARE(passed.size(), 2);
        QVERIFY(!passed.contains(held.first()) && !passed.contains(held.last()));
        QVERIFY(open.commit());
    }

    void auditChainDetectsTampering_data() { ADD_BACKEND_ROWS(); }
    void auditChainDetectsTampering()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        AuditLog audit(*scratch.db());
        for (int i = 1; i <= 4; ++i) {
            AuditEntry e;
            e.actor = QStringLiteral("alice");
            e.action = QStringLiteral("operation.resolve");
            e.target = QStringLiteral("operation:%1").arg(i);
            e.reason = QStringLiteral("paid by bank transfer");
            QVERIFY(audit.append(e));
        }
        auto intact = audit.verify();
        QCOMPARE(intact->entries, 4);
        QCOMPARE(intact->firstBrokenId, 0);

        QSqlQuery q(scratch.db()->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT id FROM audit_log ORDER BY id")));
        QList<qint64> ids;
        while (q.next())
            ids << q.value(0).toLongLong();
        // The log refuses edits and deletions from anyone, its owner included...
        QVERIFY(!q.exec(QStringLiteral("UPDATE audit_log SET reason = 'nothing to see' WHERE id = %1").arg(ids[2])));
        QVERIFY(q.lastError().text().contains(QLatin1String("append-only")));
        QVERIFY(!q.exec(QStringLiteral("DELETE FROM audit_log WHERE id = %1").arg(ids[2])));
        QCOMPARE(audit.verify()->firstBrokenId, 0);
        // ...so tampering takes someone who can drop its triggers, and the chain still shows it.
        const QStringList unprotect = backend == QLatin1String("sqlite")
            ? QStringList{QStringLiteral("DROP TRIGGER audit_log_no_update"), QStringLiteral("DROP TRIGGER audit_log_no_delete")}
            : QStringList{QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER USER")};
        for (const QString &statement : unprotect)
            QVERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("UPDATE audit_log SET reason = 'nothing to see' WHERE id = %1").arg(ids[2])));
        auto edited = audit.verify();
        QCOMPARE(edited->firstBrokenId, ids[2]);
        QVERIFY(edited->problem.contains(QLatin1String("changed")));

        QVERIFY(q.exec(QStringLiteral("DELETE FROM audit_log WHERE id >= %1").arg(ids[2])));
        QVERIFY(audit.verify()->firstBrokenId == 0);
        QVERIFY(q.exec(QStringLiteral("DELETE FROM audit_log WHERE id = %1").arg(ids[0])));
        auto removed = audit.verify();
        QCOMPARE(removed->firstBrokenId, ids[1]);
        QVERIFY(removed->problem.contains(QLatin1String("removed")));
    }

    void auditEntriesAreRedacted()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        AuditLog audit(*scratch.db());
        AuditEntry e;
        e.actor = QStringLiteral("bob");
        e.action = QStringLiteral("operation.resolve");
        e.target = QStringLiteral("operation:1");
        e.reason = QStringLiteral("customer sent sk_live_leakedKey123 by mail");
        QVERIFY(audit.append(e));
        QVERIFY(!audit.entriesFor(QStringLiteral("operation:1"))->first().reason.contains(QLatin1String("leakedKey123")));
    }

    void providersRoundTrip_data() { ADD_BACKEND_ROWS(); }
    void providersRoundTrip()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        ProviderStore providers(*scratch.db());
        ProviderConfig p{QStringLiteral("stripe"), QStringLiteral("payments"), QStringLiteral("Stripe"),
                         QStringLiteral("http://127.0.0.1:1"), QStringLiteral("cred"), 5.5, 7, 1234};
        QVERIFY(providers.upsert(p));
        p.baseUrl = QStringLiteral("http://127.0.0.1:2");
        QVERIFY(providers.upsert(p));
        auto back = providers.get(QStringLiteral("stripe"));
        QVERIFY(back);
        QCOMPARE(back->baseUrl, p.baseUrl);
        QCOMPARE(back->ratePerSecond, 5.5);
        QCOMPARE(back->timeoutMs, 1234);
        QCOMPARE(providers.all()->size(), 1);
        QVERIFY(providers.get(QStringLiteral("nope")).message().contains(QLatin1String("No provider")));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
