// `reconsolectl providers` as an admin types it: add with the kind's documented defaults, each
// refusal naming its field, edit with an extra CA from a PEM file, disable and enable, list as a
// table and as JSON, all audited; someone without the admin role is refused.
#include "CtlRunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
QJsonObject providerIn(const CtlRun &listed, const QString &id)
{
    for (const QJsonValue &v : QJsonDocument::fromJson(listed.out.toUtf8()).array()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == id)
            return v.toObject();
    }
    return {};
}
} // namespace

class TestProvidersCtl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("providers.sqlite"));
        const CtlRun made = ctl({ QStringLiteral("migrate"), QStringLiteral("--database"), m_db });
        QVERIFY2(made.code == 0, qPrintable(made.err));
    }

    void addUsesDocumentedDefaults()
    {
        const CtlRun added = run({ QStringLiteral("add"), QStringLiteral("--id"), QStringLiteral("stripe-live"),
            QStringLiteral("--kind"), QStringLiteral("payments"), QStringLiteral("--base-url"),
            QStringLiteral("https://api.stripe.com"), QStringLiteral("--environment"), QStringLiteral("live"),
            QStringLiteral("--purpose"), QStringLiteral("Web shop card payments"), QStringLiteral("--owner"),
            QStringLiteral("finance@example.com") });
        QVERIFY2(added.code == 0, qPrintable(added.err));
        QVERIFY2(added.out.contains(QLatin1String("stripe-live added (payments, live, https://api.stripe.com, 100/s "
                                                  "burst 100)")),
            qPrintable(added.out));
        QVERIFY(added.out.contains(QLatin1String("/webhooks/stripe-live")));
        const QJsonObject p
            = providerIn(run({ QStringLiteral("list"), QStringLiteral("--json") }), QStringLiteral("stripe-live"));
        QCOMPARE(p.value(QStringLiteral("environment")).toString(), QStringLiteral("live"));
        QCOMPARE(p.value(QStringLiteral("rate_per_second")).toDouble(), 100.0);
        QCOMPARE(p.value(QStringLiteral("timeout_ms")).toInt(), 10000);
        QCOMPARE(p.value(QStringLiteral("purpose")).toString(), QStringLiteral("Web shop card payments"));
        QCOMPARE(p.value(QStringLiteral("owner")).toString(), QStringLiteral("finance@example.com"));
        QVERIFY(p.value(QStringLiteral("enabled")).toBool());
        QVERIFY(p.value(QStringLiteral("event_types")).toArray().contains(QStringLiteral("payment_intent.succeeded")));

        const CtlRun crm = run({ QStringLiteral("add"), QStringLiteral("--id"), QStringLiteral("hubspot"),
            QStringLiteral("--kind"), QStringLiteral("crm"), QStringLiteral("--base-url"),
            QStringLiteral("https://api.hubapi.com"), QStringLiteral("--environment"), QStringLiteral("test"),
            QStringLiteral("--name"), QStringLiteral("HubSpot portal") });
        QVERIFY2(crm.code == 0, qPrintable(crm.err));
        QVERIFY2(crm.out.contains(QLatin1String("10/s burst 100")), qPrintable(crm.out));
        const CtlRun table = run({ QStringLiteral("list") });
        QVERIFY(table.out.contains(QLatin1String("hubspot")));
        QVERIFY(table.out.contains(QLatin1String("HubSpot portal")));
    }

    void refusalsNameTheField_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QStringList base { QStringLiteral("add"), QStringLiteral("--id"), QStringLiteral("p2"),
            QStringLiteral("--kind"), QStringLiteral("payments"), QStringLiteral("--environment") };
        QTest::newRow("live over http") << base + QStringList { "live", "--base-url", "http://api.stripe.com" } << 1
                                        << "Base URL: a live provider must be reached over https://";
        QTest::newRow("live on loopback") << base + QStringList { "live", "--base-url", "https://127.0.0.1:9443" } << 1
                                          << "Base URL: a live provider";
        QTest::newRow("http elsewhere") << base + QStringList { "test", "--base-url", "http://sandbox.example.com" }
                                        << 1 << "Base URL: http:// is allowed only for a sandbox";
        QTest::newRow("duplicate id") << QStringList { "add", "--id", "stripe-live", "--kind", "payments",
            "--environment", "live", "--base-url", "https://api.stripe.com" }
                                      << 1 << "Id: a provider 'stripe-live' already exists";
        QTest::newRow("unknown kind") << QStringList { "add", "--id", "p3", "--kind", "billing", "--environment",
            "test", "--base-url", "https://billing.example.com" }
                                      << 1 << "Kind: 'billing' is unknown";
        QTest::newRow("rate zero") << base
                + QStringList { "test", "--base-url", "https://api.stripe.com", "--rate", "0" }
                                   << 1 << "Rate limit: 0 requests per second";
        QTest::newRow("rate not a number")
            << base + QStringList { "test", "--base-url", "https://api.stripe.com", "--rate", "fast" } << 2
            << "--rate must be a number";
        QTest::newRow("no such CA file") << base
                + QStringList { "test", "--base-url", "https://api.stripe.com", "--extra-ca", "/nonexistent.pem" }
                                         << 2 << "--extra-ca: there is no file /nonexistent.pem";
    }
    void refusalsNameTheField()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const CtlRun refused = run(args.mid(0));
        QCOMPARE(refused.code, code);
        QVERIFY2(refused.err.contains(message), qPrintable(refused.err));
        QVERIFY(providerIn(run({ QStringLiteral("list"), QStringLiteral("--json") }), QStringLiteral("p2")).isEmpty());
    }

    void editTakesAnExtraCa()
    {
        QProcess openssl;
        openssl.setWorkingDirectory(m_dir.path());
        openssl.start(QStringLiteral("openssl"),
            { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
                QStringLiteral("/CN=Company proxy CA"), QStringLiteral("-keyout"), QStringLiteral("proxy.key"),
                QStringLiteral("-out"), QStringLiteral("proxy.pem") });
        QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);
        const QString pem = m_dir.filePath(QStringLiteral("proxy.pem"));
        const CtlRun edited = run({ QStringLiteral("edit"), QStringLiteral("stripe-live"), QStringLiteral("--extra-ca"),
            pem, QStringLiteral("--timeout-ms"), QStringLiteral("5000") });
        QVERIFY2(edited.code == 0, qPrintable(edited.err));
        QFile file(pem);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject p
            = providerIn(run({ QStringLiteral("list"), QStringLiteral("--json") }), QStringLiteral("stripe-live"));
        QCOMPARE(p.value(QStringLiteral("extra_ca_pem")).toString(), QString::fromUtf8(file.readAll()));
        QCOMPARE(p.value(QStringLiteral("timeout_ms")).toInt(), 5000);
        QCOMPARE(p.value(QStringLiteral("owner")).toString(), QStringLiteral("finance@example.com")); // kept

        // A key is no certificate: refused, and the stored CA stays.
        const CtlRun key = run({ QStringLiteral("edit"), QStringLiteral("stripe-live"), QStringLiteral("--extra-ca"),
            m_dir.filePath(QStringLiteral("proxy.key")) });
        QCOMPARE(key.code, 1);
        QVERIFY2(key.err.contains(QLatin1String("Extra CA:")), qPrintable(key.err));
        QVERIFY(!providerIn(run({ QStringLiteral("list"), QStringLiteral("--json") }), QStringLiteral("stripe-live"))
                     .value(QStringLiteral("extra_ca_pem"))
                     .toString()
                     .isEmpty());
        const CtlRun unknown
            = run({ QStringLiteral("edit"), QStringLiteral("nobody"), QStringLiteral("--owner"), QStringLiteral("x") });
        QCOMPARE(unknown.code, 1);
        QVERIFY2(unknown.err.contains(QLatin1String("No provider 'nobody'")), qPrintable(unknown.err));
    }

    void disableAndEnableAudited()
    {
        const CtlRun off = run({ QStringLiteral("disable"), QStringLiteral("hubspot") });
        QVERIFY2(off.code == 0, qPrintable(off.err));
        QVERIFY(off.out.contains(QLatin1String("hubspot disabled")));
        QVERIFY(!providerIn(run({ QStringLiteral("list"), QStringLiteral("--json") }), QStringLiteral("hubspot"))
                     .value(QStringLiteral("enabled"))
                     .toBool());
        QVERIFY(run({ QStringLiteral("list") }).out.contains(QLatin1String("disabled")));
        QCOMPARE(run({ QStringLiteral("enable"), QStringLiteral("hubspot") }).code, 0);
        QVERIFY(providerIn(run({ QStringLiteral("list"), QStringLiteral("--json") }), QStringLiteral("hubspot"))
                    .value(QStringLiteral("enabled"))
                    .toBool());

        const CtlRun audit = ctl({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--json"),
            QStringLiteral("--database"), m_db });
        QVERIFY2(audit.code == 0, qPrintable(audit.err));
        QStringList actions;
        for (const QJsonValue &v : QJsonDocument::fromJson(audit.out.toUtf8()).array()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("target")).toString().startsWith(QLatin1String("provider:")))
                actions << e.value(QStringLiteral("action")).toString() + QLatin1Char(' ')
                        + e.value(QStringLiteral("target")).toString();
        }
        QVERIFY2(actions.contains(QStringLiteral("provider.add provider:stripe-live")), qPrintable(actions.join(", ")));
        QVERIFY(actions.contains(QStringLiteral("provider.edit provider:stripe-live")));
        QVERIFY(actions.contains(QStringLiteral("provider.disable provider:hubspot")));
        QVERIFY(actions.contains(QStringLiteral("provider.enable provider:hubspot")));
        QCOMPARE(
            ctl({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--database"), m_db }).code, 0);
    }

    // `providers policy`: set an action's policy from the provider's, show both, refuse a typo
    // before the database and a bad value naming its field, reset.
    void retryPolicies()
    {
        const CtlRun set = run({ QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("stripe-live"),
            QStringLiteral("--action"), QStringLiteral("refund"), QStringLiteral("--max-attempts"), QStringLiteral("3"),
            QStringLiteral("--base-delay"), QStringLiteral("30"), QStringLiteral("--retry"),
            QStringLiteral("server,network") });
        QVERIFY2(set.code == 0, qPrintable(set.err));
        QVERIFY2(
            set.out.contains(QStringLiteral("for refund: max 3 attempts, backoff 30 s … 1 h")), qPrintable(set.out));
        const CtlRun shown = run({ QStringLiteral("policy"), QStringLiteral("show"), QStringLiteral("stripe-live"),
            QStringLiteral("--json") });
        QVERIFY2(shown.code == 0, qPrintable(shown.err));
        const QJsonArray policies = QJsonDocument::fromJson(shown.out.toUtf8()).array();
        QCOMPARE(policies.size(), 2);
        QVERIFY(policies[0].toObject().value(QStringLiteral("default")).toBool());
        const QJsonObject refund = policies[1].toObject();
        QCOMPARE(refund.value(QStringLiteral("action")).toString(), QStringLiteral("refund"));
        QCOMPARE(refund.value(QStringLiteral("max_attempts")).toInt(), 3);
        QCOMPARE(refund.value(QStringLiteral("base_delay_ms")).toInt(), 30000);
        QCOMPARE(refund.value(QStringLiteral("retried_classes")).toArray(),
            (QJsonArray { QStringLiteral("server"), QStringLiteral("network") }));
        QVERIFY(run({ QStringLiteral("policy"), QStringLiteral("show"), QStringLiteral("stripe-live") })
                    .out.contains(QLatin1String("the kind's defaults")));

        const CtlRun typo = run({ QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("stripe-live"),
            QStringLiteral("--retry"), QStringLiteral("servers") });
        QCOMPARE(typo.code, 2);
        QVERIFY2(typo.err.contains(QLatin1String("--retry: servers is not an error class")), qPrintable(typo.err));
        const CtlRun bad = run({ QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("stripe-live"),
            QStringLiteral("--retry"), QStringLiteral("client") });
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains(QLatin1String("Retried classes: client cannot be retried")), qPrintable(bad.err));

        const CtlRun reset = run({ QStringLiteral("policy"), QStringLiteral("reset"), QStringLiteral("stripe-live"),
            QStringLiteral("--action"), QStringLiteral("refund") });
        QVERIFY2(reset.code == 0, qPrintable(reset.err));
        QCOMPARE(QJsonDocument::fromJson(run({ QStringLiteral("policy"), QStringLiteral("show"),
                                                 QStringLiteral("stripe-live"), QStringLiteral("--json") })
                                             .out.toUtf8())
                     .array()
                     .size(),
            1);
    }

    void onlyAdmins()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("RECONSOLE_ROLES"), QStringLiteral("support,finance"));
        const CtlRun refused = runProgram(QStringLiteral(RECONSOLECTL),
            { QStringLiteral("providers"), QStringLiteral("disable"), QStringLiteral("stripe-live"),
                QStringLiteral("--database"), m_db },
            env);
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(QLatin1String("admin")), qPrintable(refused.err));
        QVERIFY(providerIn(run({ QStringLiteral("list"), QStringLiteral("--json") }), QStringLiteral("stripe-live"))
                    .value(QStringLiteral("enabled"))
                    .toBool());
    }

private:
    CtlRun run(QStringList args)
    {
        args.prepend(QStringLiteral("providers"));
        args << QStringLiteral("--database") << m_db;
        return ctl(args);
    }

    QTemporaryDir m_dir;
    QString m_db;
};

QTEST_GUILESS_MAIN(TestProvidersCtl)
#include "tst_providersctl.moc"
