// Operations in the store, on SQLite and on a real PostgreSQL server: the state machine as the
// store enforces it, the attempt journal and crash recovery, and agents claiming due retries apart.
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "operations/Claimant.h"
#include "operations/OperationStore.h"
#include "operations/OperationsQuery.h"
#include "providers/ProviderStore.h"
#include "store/Migrator.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

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

// The entity ids of the operations a search finds, sorted.
QStringList searched(const Database &db, const QString &text)
{
    OperationsFilter filter;
    filter.text = text;
    QStringList ids;
    auto rows = OperationsQuery(filter, {}, db.dialect()).page(db, std::nullopt, 100);
    if (!rows)
        return { QStringLiteral("error: ") + rows.message() };
    for (const OperationRow &r : rows.value())
        ids << r.entityId;
    ids.sort();
    return ids;
}

// A connection of our own to a new, empty database beside the scratch one (a file on SQLite,
// a database on the same server on PostgreSQL), for building an older schema by hand.
struct OlderDatabase
{
    QString url;
    QString connectionName = QStringLiteral("older-schema");
    QString pgName;
};

bool openOlder(const TestSupport::ScratchDatabase &scratch, const QTemporaryDir &dir, OlderDatabase *older)
{
    const DatabaseLocation &at = scratch.db()->location();
    QSqlDatabase raw = QSqlDatabase::addDatabase(scratch.db()->dialect().driver(), older->connectionName);
    if (at.dialect == QLatin1String("sqlite")) {
        const QString path = dir.filePath(QStringLiteral("older.sqlite"));
        older->url = QStringLiteral("sqlite:") + path;
        raw.setDatabaseName(path);
        return raw.open();
    }
    older->pgName = at.databaseName + QStringLiteral("_older");
    QSqlQuery create(scratch.db()->connection());
    if (!create.exec(QStringLiteral("CREATE DATABASE %1").arg(older->pgName)))
        return false;
    QUrl url(scratch.url());
    url.setPath(QLatin1Char('/') + older->pgName);
    older->url = url.toString();
    raw.setHostName(at.host);
    raw.setPort(at.port);
    raw.setUserName(at.user);
    raw.setPassword(at.password);
    raw.setDatabaseName(older->pgName);
    return raw.open();
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

    // Only a claimant that is gone loses its request to the recovery: a live process whose lease
    // lapsed (a long bulk run, a busy database) still has its request out and journals the answer.
    void recoveryLeavesLiveClaimantsAlone_data() { ADD_BACKEND_ROWS(); }
    void recoveryLeavesLiveClaimantsAlone()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        OperationStore store(*scratch.db());
        QProcess finished; // a process of this host that has ended: its pid is free
        finished.start(QStringLiteral("true"));
        QVERIFY(finished.waitForStarted(5000));
        const qint64 endedPid = finished.processId();
        QVERIFY(finished.waitForFinished(5000));
        const QString host = QSysInfo::machineHostName();
        const QList<QPair<QString, OperationState>> claimants {
            { Claimant::of(QStringLiteral("alice")), OperationState::Sending }, // this process: alive
            { QStringLiteral("bob@%1:%2").arg(host).arg(endedPid), OperationState::UnknownOutcome },
            { QStringLiteral("carol@elsewhere.example:42"),
                OperationState::UnknownOutcome }, // unaskable: lapsed is gone
        };
        QList<qint64> ids;
        for (const auto &[claimant, expected] : claimants) {
            const qint64 id = store.insert(sampleOperation(claimant)).value();
            OperationUpdate claim;
            claim.claimedBy = claimant;
            claim.claimedUntil = nowMs() - 1;
            QVERIFY(store.transition(id, OperationState::Pending, OperationState::Sending, claim));
            ids << id;
        }
        QCOMPARE(store.recoverInterrupted(nowMs()).value(), 2);
        for (int i = 0; i < ids.size(); ++i)
            QCOMPARE(store.get(ids[i])->state, claimants[i].second);

        // The heartbeat renews only its own claims on requests still out.
        const qint64 until = nowMs() + 60000;
        QVERIFY(store.renewClaims(ids, claimants[0].first, until));
        QCOMPARE(store.get(ids[0])->claimedUntil, until);
        QVERIFY(store.get(ids[1])->claimedUntil != until);
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

    // Free text finds substrings of the entity id, the provider's id and the customer's e-mail
    // through the search index, and what is shorter than a trigram without it.
    void searchFindsIdsAndEmails_data() { ADD_BACKEND_ROWS(); }
    void searchFindsIdsAndEmails()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        OperationStore store(db);
        Operation paid = sampleOperation(QStringLiteral("s1"));
        paid.entityId = QStringLiteral("ORD-7001");
        paid.externalId = QStringLiteral("pi_3QxK9a2eZvKYlo2C");
        paid.payload[QStringLiteral("customer_email")] = QStringLiteral("ann_keller@example.com");
        Operation other = sampleOperation(QStringLiteral("s2"));
        other.entityId = QStringLiteral("ORD-7002");
        other.externalId = QStringLiteral("piX3QxK9a2eZvKYlo2C");
        other.payload[QStringLiteral("customer_email")] = QStringLiteral("annXkeller@example.com");
        Operation failed = sampleOperation(QStringLiteral("s3"));
        failed.entityId = QStringLiteral("INV-9");
        failed.lastError = QStringLiteral("Card declined (insufficient funds)");
        for (const Operation &op : { paid, other, failed })
            QVERIFY(store.insert(op));

        QCOMPARE(searched(db, QStringLiteral("ord-700")), (QStringList { paid.entityId, other.entityId }));
        QCOMPARE(searched(db, QStringLiteral("pi_3qxk9a")), QStringList { paid.entityId });
        QCOMPARE(searched(db, QStringLiteral("  PI_3QxK9a2eZvKYlo2C ")), QStringList { paid.entityId });
        QCOMPARE(searched(db, QStringLiteral("ann_keller@example.com")), QStringList { paid.entityId });
        QCOMPARE(searched(db, QStringLiteral("keller@EXAMPLE")), (QStringList { paid.entityId, other.entityId }));
        QCOMPARE(searched(db, QStringLiteral("insufficient")), QStringList { failed.entityId });
        QCOMPARE(searched(db, QStringLiteral("\"funds)")), QStringList()); // FTS5 syntax is literal too
        QCOMPARE(searched(db, QStringLiteral("funds)")), QStringList { failed.entityId });
        // Shorter than a trigram: the rows' own columns answer, with the same rules.
        QCOMPARE(searched(db, QStringLiteral("v-")), QStringList { failed.entityId });
        QCOMPARE(searched(db, QStringLiteral("i_")), QStringList { paid.entityId });
        QCOMPARE(searched(db, QStringLiteral("n_")), QStringList { paid.entityId }); // in the e-mail
        QCOMPARE(searched(db, QStringLiteral("%")), QStringList());
        // No match across two fields: "7001" ends the entity id, "pi_" starts the external id.
        QCOMPARE(searched(db, QStringLiteral("7001pi_")), QStringList());
        QCOMPARE(searched(db, QStringLiteral("7001 pi_")), QStringList());
    }

    // The index follows every write: a new operation, a transition that sets an error or the
    // provider's id, a corrected payload; what was replaced is no longer found.
    void searchIndexStaysCurrent_data() { ADD_BACKEND_ROWS(); }
    void searchIndexStaysCurrent()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        OperationStore store(db);
        Operation op = sampleOperation(QStringLiteral("c1"));
        op.entityId = QStringLiteral("ORD-5150");
        op.payload[QStringLiteral("customer_email")] = QStringLiteral("old_mail@example.com");
        const qint64 id = store.insert(op).value();
        QCOMPARE(searched(db, QStringLiteral("rd-515")), QStringList { op.entityId });
        QCOMPARE(searched(db, QStringLiteral("old_mail")), QStringList { op.entityId });

        OperationUpdate sent;
        sent.countAttempt = true;
        QVERIFY(store.transition(id, OperationState::Pending, OperationState::Sending, sent));
        OperationUpdate answered;
        answered.externalId = QStringLiteral("pi_fresh_4711");
        answered.lastErrorClass = ErrorClass::Timeout;
        answered.lastError = QStringLiteral("no answer within 10 s");
        QVERIFY(store.transition(id, OperationState::Sending, OperationState::UnknownOutcome, answered));
        QCOMPARE(searched(db, QStringLiteral("pi_fresh_47")), QStringList { op.entityId });
        QCOMPARE(searched(db, QStringLiteral("within 10")), QStringList { op.entityId });

        OperationUpdate cleared;
        cleared.lastError = QString();
        cleared.lastErrorClass = ErrorClass::None;
        QVERIFY(store.transition(id, OperationState::UnknownOutcome, OperationState::Succeeded, cleared));
        QCOMPARE(searched(db, QStringLiteral("within 10")), QStringList());

        const Operation now = store.get(id).value();
        QJsonObject payload = now.payload;
        payload[QStringLiteral("customer_email")] = QStringLiteral("new_mail@example.com");
        AuditEntry audit;
        audit.actor = QStringLiteral("tester");
        audit.action = QStringLiteral("operation.amend");
        audit.target = QStringLiteral("operation:%1").arg(id);
        QVERIFY(store.amend(now, payload, QStringLiteral("pi_amended_1"), audit));
        QCOMPARE(searched(db, QStringLiteral("new_mail")), QStringList { op.entityId });
        QCOMPARE(searched(db, QStringLiteral("old_mail")), QStringList());
        QCOMPARE(searched(db, QStringLiteral("pi_amended")), QStringList { op.entityId });
        QCOMPARE(searched(db, QStringLiteral("pi_fresh")), QStringList());

        Operation later = sampleOperation(QStringLiteral("c2"));
        later.entityId = QStringLiteral("ORD-5151");
        QVERIFY(store.insertMany({ later }));
        QCOMPARE(searched(db, QStringLiteral("rd-515")), (QStringList { op.entityId, later.entityId }));
    }

    // Rows written before schema 7 are in the search index once the database is migrated.
    void migrationIndexesExistingRows_data() { ADD_BACKEND_ROWS(); }
    void migrationIndexesExistingRows()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        QTemporaryDir dir;
        OlderDatabase older;
        {
            QVERIFY(openOlder(scratch, dir, &older));
            QSqlDatabase raw = QSqlDatabase::database(older.connectionName);
            auto version = Migrator(raw, scratch.db()->dialect()).migrate(6);
            QVERIFY2(version, qPrintable(version.message()));
            QCOMPARE(version.value(), 6);
            QSqlQuery insert(raw);
            for (int i = 0; i < 3; ++i) {
                QVERIFY2(insert.exec(QStringLiteral(
                             "INSERT INTO operations (action, entity_type, entity_id, provider_id, payload, "
                             "idempotency_key, external_id, state, last_error, created_at, updated_at) VALUES "
                             "('capture_payment', 'order', 'ORD-66%1', 'stripe', "
                             "'{\"amount\":100,\"customer_email\":\"early_%1@example.com\"}', 'old-%1', "
                             "'pi_early_%1', 'succeeded', 'stale error %1', %1, %1)")
                                         .arg(i)),
                    qPrintable(insert.lastError().text()));
            }
            // Created before the row ahead of it: schema 23 finds that ids do not follow creation.
            QVERIFY2(insert.exec(QStringLiteral(
                         "INSERT INTO operations (action, entity_type, entity_id, provider_id, payload, "
                         "idempotency_key, external_id, state, last_error, created_at, updated_at) VALUES "
                         "('refund', 'order', 'X-1', 'stripe', '{}', 'old-late', '', 'succeeded', '', 0, 0)")),
                qPrintable(insert.lastError().text()));
            raw.close();
        }
        QSqlDatabase::removeDatabase(older.connectionName);
        {
            auto migrated = Database::open(older.url);
            QVERIFY2(migrated, qPrintable(migrated.message()));
            QCOMPARE(migrated.value()->schemaVersion(), Migrator::latestVersion());
            const Database &db = *migrated.value();
            QCOMPARE(searched(db, QStringLiteral("early_1@")), QStringList { QStringLiteral("ORD-661") });
            QCOMPARE(searched(db, QStringLiteral("pi_early_2")), QStringList { QStringLiteral("ORD-662") });
            QCOMPARE(searched(db, QStringLiteral("stale error")),
                (QStringList { QStringLiteral("ORD-660"), QStringLiteral("ORD-661"), QStringLiteral("ORD-662") }));
            QCOMPARE(searched(db, QStringLiteral("ORD-66")).size(), 3);
            QVERIFY(!OperationsQuery::idsFollowCreation(db.connection()));
            // And it follows writes from then on.
            Operation op = sampleOperation(QStringLiteral("after"));
            op.entityId = QStringLiteral("ORD-667");
            QVERIFY(OperationStore(db).insert(op));
            QCOMPARE(searched(db, QStringLiteral("ORD-66")).size(), 4);
        }
        if (!older.pgName.isEmpty()) {
            QSqlQuery drop(scratch.db()->connection());
            QVERIFY2(
                drop.exec(QStringLiteral("DROP DATABASE %1").arg(older.pgName)), qPrintable(drop.lastError().text()));
        }
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
        // A disabled provider's due work stays unclaimed (and readable) until it is enabled again.
        ProviderConfig stripe;
        stripe.id = QStringLiteral("stripe-sandbox");
        stripe.kind = QStringLiteral("payments");
        stripe.displayName = QStringLiteral("Stripe sandbox");
        stripe.baseUrl = QStringLiteral("http://127.0.0.1:1");
        stripe.enabled = false;
        QVERIFY(ProviderStore(*scratch.db()).upsert(stripe));
        QVERIFY(store.claimDueForRetry(now + 122000, 50, QStringLiteral("agent-a"), now + 180000)->isEmpty());
        QCOMPARE(store.get(a.first())->state, OperationState::RetryScheduled);
        stripe.enabled = true;
        QVERIFY(ProviderStore(*scratch.db()).upsert(stripe));
        QCOMPARE(store.claimDueForRetry(now + 122000, 50, QStringLiteral("agent-a"), now + 180000)->size(), 21);

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
