// Operations in the store, on SQLite and on a real PostgreSQL server: the state machine as the
// store enforces it, the attempt journal and crash recovery, and agents claiming due retries apart.
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "operations/OperationStore.h"
#include "operations/OperationsQuery.h"
#include "providers/ProviderStore.h"
#include "store/Migrator.h"

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
    op.payload = { { QStringLiteral("amount"), 1200 }, { QStringLiteral("currency"), QStringLiteral("eur") } };
    op.idempotencyKey = key;
    return op;
}
} // namespace

class TestOperationStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
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
        auto attempt = store.beginAttempt(id, Attempt::Kind::Send, QStringLiteral("POST /v1/payment_intents"));
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
    void searchTakesItsTextLiterally_data() { ADD_BACKEND_ROWS(); }
    void searchTakesItsTextLiterally()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        OperationStore store(db);
        // _ and % in a search are the characters themselves, not LIKE's wildcards.
        Operation byId = sampleOperation(QStringLiteral("k1"));
        byId.externalId = QStringLiteral("pi_wzlnl00003s");
        Operation lookalike = sampleOperation(QStringLiteral("k2"));
        lookalike.externalId = QStringLiteral("piXwzlnl00003s");
        Operation percent = sampleOperation(QStringLiteral("k3"));
        percent.lastError = QStringLiteral("50% of the refund failed");
        Operation number = sampleOperation(QStringLiteral("k4"));
        number.lastError = QStringLiteral("500 from the provider");
        for (const Operation &op : { byId, lookalike, percent, number })
            QVERIFY(store.insert(op));
        auto found = [&](const QString &text) {
            OperationsFilter filter;
            filter.text = text;
            QStringList keys;
            for (const OperationRow &r : OperationsQuery(filter, {}, db.dialect()).page(db, std::nullopt, 50).value())
                keys << r.externalId + QLatin1Char('|') + r.lastError;
            keys.sort();
            return keys;
        };
        QCOMPARE(found(QStringLiteral("pi_wzlnl")), QStringList { QStringLiteral("pi_wzlnl00003s|") });
        QCOMPARE(found(QStringLiteral("PI_WZLNL00003S")), QStringList { QStringLiteral("pi_wzlnl00003s|") });
        QCOMPARE(found(QStringLiteral("50%")), QStringList { QStringLiteral("|50% of the refund failed") });
        QCOMPARE(found(QStringLiteral("wzlnl00003s")).size(), 2);
        QCOMPARE(found(QStringLiteral("!%_")), QStringList());
    }

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
        const QList<qint64> passed
            = other.claimDueForRetry(now + 1, 10, QStringLiteral("agent-b"), now + 60000).value();
        QVERIFY2(clock.elapsed() < 2000, "blocked behind the other agent's open claim");
        QCOMPARE(passed.size(), 2);
        QVERIFY(!passed.contains(held.first()) && !passed.contains(held.last()));
        QVERIFY(open.commit());
    }
};

QTEST_GUILESS_MAIN(TestOperationStore)
#include "tst_operationstore.moc"
