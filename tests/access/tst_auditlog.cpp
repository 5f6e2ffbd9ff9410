// The audit log on SQLite and on a real PostgreSQL server: the hash chain names the first
// broken link, and what people type into reasons is redacted.
#include "TestSupport.h"
#include "access/AuditLog.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

class TestAuditLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
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
            ? QStringList { QStringLiteral("DROP TRIGGER audit_log_no_update"),
                  QStringLiteral("DROP TRIGGER audit_log_no_delete") }
            : QStringList { QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER USER") };
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
        QVERIFY(
            !audit.entriesFor(QStringLiteral("operation:1"))->first().reason.contains(QLatin1String("leakedKey123")));
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
