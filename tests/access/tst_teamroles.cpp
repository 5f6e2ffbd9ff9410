// Team mode on a real PostgreSQL server: the three Reconsole roles as database roles whose
// grants stop what the engine's checks stop, and an audit log nobody can rewrite.
#include "CtlRunner.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "access/TeamRoles.h"
#include "operations/OperationStore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>

namespace {
// The scratch database's URL for `user` (the test cluster asks every user but its superuser
// for a password).
QString urlFor(const TestSupport::ScratchDatabase &scratch, const QString &user, const QString &password = {})
{
    QUrl url(scratch.url());
    url.setUserName(user);
    url.setPassword(password);
    return url.toString();
}

const QString kPassword = QStringLiteral("team-member-password-1");

Result<std::shared_ptr<Database>> openAs(const TestSupport::ScratchDatabase &scratch, const QString &user)
{
    return Database::open(urlFor(scratch, user, kPassword));
}

bool exec(const Database &db, const QString &sql, QString *error = nullptr)
{
    QSqlQuery q(db.connection());
    const bool ok = q.exec(sql);
    if (error)
        *error = q.lastError().text();
    return ok;
}
} // namespace

class TestTeamRoles : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void grantsFollowTheRoles()
    {
        if (!TestSupport::backends().contains(QStringLiteral("postgresql")))
            QSKIP("No PostgreSQL server here; the README's test command starts one.");
        SCRATCH_DATABASE(scratch, QStringLiteral("postgresql"));
        const Database &owner = *scratch.db();
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        const QString sam = QStringLiteral("sam_") + suffix;
        const QString fay = QStringLiteral("fay_") + suffix;
        for (const QString &user : { sam, fay })
            QVERIFY(exec(owner, QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(user, kPassword)));

        QVERIFY(TeamRoles::setUp(owner));
        QVERIFY(TeamRoles::setUp(owner)); // again: nothing breaks
        QVERIFY(TeamRoles::assign(owner, sam, { Role::Support }));
        QVERIFY(TeamRoles::assign(owner, fay, { Role::Finance, Role::Admin }));
        QVERIFY(TeamRoles::assign(owner, fay, { Role::Finance })); // narrowed again
        QVERIFY(TeamRoles::assign(owner, QStringLiteral("nobody_") + suffix, { Role::Support })
                    .message()
                    .contains(QLatin1String("no database user")));
        const qint64 id = OperationStore(owner)
                              .insert([] {
                                  Operation op;
                                  op.action = QStringLiteral("capture_payment");
                                  op.entityType = QStringLiteral("order");
                                  op.entityId = QStringLiteral("ORD-1");
                                  op.providerId = QStringLiteral("stripe-sandbox");
                                  op.idempotencyKey = QStringLiteral("team-1");
                                  op.state = OperationState::FailedPermanent;
                                  return op;
                              }())
                              .value();

        {
            auto db = openAs(scratch, sam);
            QVERIFY2(db, qPrintable(db.message()));
            QCOMPARE(AccessPolicy::rolesOfConnection(*db.value()).value(), QSet<Role> { Role::Support });
            // Support resolves, and the audit entry lands with it.
            AuditEntry e { 0, 0, sam, QStringLiteral("operation.resolve"), QStringLiteral("operation:%1").arg(id),
                QStringLiteral("paid by bank transfer"), QStringLiteral("failed_permanent"), QStringLiteral("resolved"),
                {}, {} };
            OperationUpdate u;
            u.resolvedBy = sam;
            u.resolution = e.reason;
            QVERIFY(OperationStore(*db.value())
                        .transition(id, OperationState::FailedPermanent, OperationState::Resolved, u, e));
            // But not credentials, and nobody rewrites the audit log.
            QString error;
            QVERIFY(!exec(*db.value(),
                QStringLiteral("INSERT INTO credentials (id, provider_id, environment, kind, label, "
                               "fingerprint, created_at) VALUES ('x', 'p', 'test', 'api-key', 'l', 'f', 0)"),
                &error));
            QVERIFY2(error.contains(QLatin1String("permission denied")), qPrintable(error));
            QVERIFY(!exec(*db.value(), QStringLiteral("UPDATE audit_log SET reason = 'nothing'"), &error));
            QVERIFY(!exec(*db.value(), QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER USER"), &error));
        }
        {
            auto db = openAs(scratch, fay);
            QVERIFY2(db, qPrintable(db.message()));
            QCOMPARE(AccessPolicy::rolesOfConnection(*db.value()).value(), QSet<Role> { Role::Finance });
            // Finance reads everything and may be refused on the record; it changes no operation.
            QCOMPARE(OperationStore(*db.value()).get(id)->state, OperationState::Resolved);
            const AccessPolicy finance({ Role::Finance }, fay);
            QVERIFY(!finance.require(Permission::HandleOperations, *db.value(), QStringLiteral("operation.retry"),
                QStringLiteral("operation:%1").arg(id)));
            QString error;
            QVERIFY(!exec(
                *db.value(), QStringLiteral("UPDATE operations SET state = 'pending' WHERE id = %1").arg(id), &error));
            QVERIFY2(error.contains(QLatin1String("permission denied")), qPrintable(error));
            QCOMPARE(AuditLog(*db.value()).verify()->firstBrokenId, 0);
            QCOMPARE(AuditLog(*db.value()).entries()->last().action, QStringLiteral("operation.retry.refused"));
        }
        for (const QString &user : { sam, fay }) // roles are the cluster's; leave none behind
            exec(owner, QStringLiteral("DROP OWNED BY %1; DROP ROLE %1").arg(user));
    }

    // The same from the command line, as an administrator sets a team up; each step audited.
    void fromTheCommandLine()
    {
        if (!TestSupport::backends().contains(QStringLiteral("postgresql")))
            QSKIP("No PostgreSQL server here; the README's test command starts one.");
        SCRATCH_DATABASE(scratch, QStringLiteral("postgresql"));
        const QString ada = QStringLiteral("ada_") + QString::number(QCoreApplication::applicationPid());
        QVERIFY(exec(*scratch.db(), QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(ada, kPassword)));
        const QStringList onDb { QStringLiteral("--database"), scratch.url() };
        QCOMPARE(ctl(QStringList { QStringLiteral("roles"), QStringLiteral("setup") } + onDb).code, 0);
        const CtlRun assigned = ctl(
            QStringList { QStringLiteral("roles"), QStringLiteral("assign"), ada, QStringLiteral("admin,support") }
            + onDb);
        QVERIFY2(assigned.code == 0, qPrintable(assigned.err));
        QVERIFY(assigned.out.contains(QLatin1String("support, admin")));
        const QString asAda = urlFor(scratch, ada, kPassword);
        const CtlRun shown = ctl({ QStringLiteral("roles"), QStringLiteral("--database"), asAda });
        QVERIFY2(
            shown.code == 0 && shown.out.contains(QLatin1String("support, admin")), qPrintable(shown.out + shown.err));
        // Ada may not make herself finance: the engine refuses before the database would.
        const CtlRun refused = ctl({ QStringLiteral("roles"), QStringLiteral("set"), QStringLiteral("finance"),
            QStringLiteral("--database"), asAda });
        QCOMPARE(refused.code, 2);
        QVERIFY(
            ctl(QStringList { QStringLiteral("roles"), QStringLiteral("assign"), ada, QStringLiteral("boss") } + onDb)
                .err.contains(QLatin1String("boss")));
        QStringList actions;
        for (const AuditEntry &e : AuditLog(*scratch.db()).entries().value())
            actions << e.action;
        QCOMPARE(actions, (QStringList { QStringLiteral("roles.setup"), QStringLiteral("roles.assign") }));
        exec(*scratch.db(), QStringLiteral("DROP OWNED BY %1; DROP ROLE %1").arg(ada));
    }

    // A team member's password lives in the keychain, checked before it is kept; URLs carry none.
    void passwordFromTheKeychain()
    {
        if (!TestSupport::backends().contains(QStringLiteral("postgresql")))
            QSKIP("No PostgreSQL server here; the README's test command starts one.");
        REQUIRE_SECRET_SERVICE();
        SCRATCH_DATABASE(scratch, QStringLiteral("postgresql"));
        const QString kit = QStringLiteral("kit_") + QString::number(QCoreApplication::applicationPid());
        QVERIFY(exec(*scratch.db(), QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(kit, kPassword)));
        QVERIFY(TeamRoles::setUp(*scratch.db()));
        QVERIFY(TeamRoles::assign(*scratch.db(), kit, { Role::Support }));
        const QStringList asKit { QStringLiteral("--database"), urlFor(scratch, kit) };

        const CtlRun refused = ctl(QStringList { QStringLiteral("roles") } + asKit);
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(QLatin1String("reconsolectl database password")), qPrintable(refused.err));
        const CtlRun wrong
            = ctl(QStringList { QStringLiteral("database"), QStringLiteral("password") } + asKit, "not-it\n");
        QCOMPARE(wrong.code, 1);
        QCOMPARE(ctl(QStringList { QStringLiteral("roles") } + asKit).code, 1); // a wrong password is never kept
        QCOMPARE(ctl({ QStringLiteral("database"), QStringLiteral("password"), QStringLiteral("--database"),
                         urlFor(scratch, kit, kPassword) },
                     kPassword.toUtf8() + '\n')
                     .code,
            2); // not in the URL

        const CtlRun stored = ctl(
            QStringList { QStringLiteral("database"), QStringLiteral("password") } + asKit, kPassword.toUtf8() + '\n');
        QVERIFY2(stored.code == 0, qPrintable(stored.err));
        QVERIFY(!stored.out.contains(kPassword));
        const CtlRun works = ctl(QStringList { QStringLiteral("roles") } + asKit);
        QVERIFY2(works.code == 0 && works.out.contains(QLatin1String("support")), qPrintable(works.out + works.err));

        QCOMPARE(ctl(QStringList { QStringLiteral("database"), QStringLiteral("password"), QStringLiteral("--forget") }
                     + asKit)
                     .code,
            0);
        QCOMPARE(ctl(QStringList { QStringLiteral("roles") } + asKit).code, 1);
        exec(*scratch.db(), QStringLiteral("DROP OWNED BY %1; DROP ROLE %1").arg(kit));
    }
};

QTEST_GUILESS_MAIN(TestTeamRoles)
#include "tst_teamroles.moc"
