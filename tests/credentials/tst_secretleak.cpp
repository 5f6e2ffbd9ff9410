// A whole session with a known secret, then a search for its bytes everywhere Reconsole
// writes: database files, logs, attempt bodies, exports and its own output. Real processes,
// the real keychain, the sandbox over loopback.
#include "CtlRunner.h"
#include "TestSupport.h"
#include "store/Database.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {
// Distinctive middles: a leak of part of a key is found too.
const QByteArray kFirst = "sk_test_LEAKCANARYfirst7391";
const QByteArray kSecond = "sk_test_LEAKCANARYsecond5820";
const QByteArray kCanary = "LEAKCANARY";

QStringList idsIn(const QString &json)
{
    QStringList ids;
    for (const QJsonValue &row : QJsonDocument::fromJson(json.toUtf8()).array())
        ids << QString::number(row.toObject()[QStringLiteral("id")].toInteger());
    return ids;
}
} // namespace

class TestSecretLeak : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { REQUIRE_SECRET_SERVICE(); }

    void noSecretAnywhere()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("leak.sqlite"));
        const QStringList onDb { QStringLiteral("--database"), db };
        QString output; // everything the commands printed
        auto run = [&](const QStringList &args, const QByteArray &input = {}) {
            const CtlRun r = ctl(args + onDb, input);
            output += r.out + r.err;
            return r;
        };

        QProcess sandbox;
        const QString url = startSandbox(sandbox);
        QVERIFY(!url.isEmpty());
        QCOMPARE(run({ QStringLiteral("demo"), QStringLiteral("--operations"), QStringLiteral("600"),
                         QStringLiteral("--sandbox-url"), url })
                     .code,
            0);

        // Our key replaces the demo's, then does real work.
        const CtlRun rotated
            = run({ QStringLiteral("credentials"), QStringLiteral("rotate"), QStringLiteral("stripe-sandbox-test") },
                kFirst + '\n');
        QVERIFY2(rotated.code == 0, qPrintable(rotated.err));
        const QStringList failed
            = idsIn(run({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"),
                            QStringLiteral("retry_scheduled,unknown_outcome"), QStringLiteral("--json") })
                        .out);
        QVERIFY(failed.size() >= 3);
        QCOMPARE(run(QStringList { QStringLiteral("ops"), QStringLiteral("retry") } + failed).code, 0);

        // Rotate again, work with the second key, and let someone paste a key into a reason.
        const QString current = QJsonDocument::fromJson(
            run({ QStringLiteral("credentials"), QStringLiteral("list"), QStringLiteral("--json") }).out.toUtf8())
                                    .array()
                                    .last()
                                    .toObject()[QStringLiteral("id")]
                                    .toString();
        QVERIFY2(run({ QStringLiteral("credentials"), QStringLiteral("rotate"), current }, kSecond + '\n').code == 0,
            qPrintable(output));
        const QStringList attention
            = idsIn(run({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"),
                            QStringLiteral("needs_attention"), QStringLiteral("--json") })
                        .out);
        QVERIFY(!attention.isEmpty());
        run(QStringList { QStringLiteral("ops"), QStringLiteral("retry") } + attention.mid(0, 3));
        const QStringList declined
            = idsIn(run({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"),
                            QStringLiteral("failed_permanent"), QStringLiteral("--json") })
                        .out);
        QVERIFY(!declined.isEmpty());
        QCOMPARE(run({ QStringLiteral("ops"), QStringLiteral("resolve"), declined.first(), QStringLiteral("--reason"),
                         QStringLiteral("customer mailed us the key ") + QString::fromLatin1(kSecond) })
                     .code,
            0);
        // A difference ignored with a key pasted into the reason (diff_ignores and the audit).
        QString charged;
        {
            auto opened = Database::open(db);
            QSqlQuery q(opened.value()->connection());
            QVERIFY(q.exec(
                QStringLiteral("SELECT id FROM operations WHERE action = 'capture_payment' AND state = 'succeeded' "
                               "AND id IN (%1)")
                    .arg(failed.join(QLatin1Char(',')))));
            QVERIFY(q.next());
            charged = q.value(0).toString();
            QVERIFY(q.exec(
                QStringLiteral("UPDATE operations SET payload = replace(payload, '\"eur\"', '\"usd\"') WHERE id = %1")
                    .arg(charged)));
        }
        const CtlRun ignored = run({ QStringLiteral("diff"), QStringLiteral("payment"), charged,
            QStringLiteral("--ignore"), QStringLiteral("currency"), QStringLiteral("--reason"),
            QStringLiteral("ask ") + QString::fromLatin1(kSecond) + QStringLiteral(" holder") });
        QVERIFY2(ignored.code == 0, qPrintable(ignored.out + ignored.err));
        const QString exportCsv = dir.filePath(QStringLiteral("audit.csv"));
        const QString exportJson = dir.filePath(QStringLiteral("audit.json"));
        QCOMPARE(
            run({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--output"), exportCsv }).code, 0);
        QCOMPARE(run({ QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--format"),
                         QStringLiteral("json"), QStringLiteral("--output"), exportJson })
                     .code,
            0);
        QCOMPARE(run({ QStringLiteral("audit"), QStringLiteral("verify") }).code, 0);
        sandbox.terminate();
        sandbox.waitForFinished(10000);

        // The keys did their work: the sandbox saw requests authorised by them.
        auto opened = Database::open(db);
        QVERIFY(opened);
        QSqlQuery q(opened.value()->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM attempts WHERE status = 'succeeded' AND started_at > "
                                      "(SELECT MIN(created_at) FROM credentials WHERE rotated_from <> '')"))
            && q.next());
        QVERIFY(q.value(0).toInt() >= 3);

        // Every attempt body, one by one.
        QVERIFY(q.exec(QStringLiteral("SELECT request, response, error_message FROM attempts")));
        int bodies = 0;
        while (q.next()) {
            for (int c = 0; c < 3; ++c)
                QVERIFY2(!q.value(c).toByteArray().contains(kCanary), "a secret in an attempt body");
            ++bodies;
        }
        QVERIFY(bodies > 600);
        opened.value().reset();

        // Every file Reconsole wrote: the database and its journal, logs, settings, exports.
        QStringList scanned;
        QStringList roots { dir.path(),
            QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/Reconsole"),
            QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/Reconsole") };
        for (const QString &root : roots) {
            QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                QFile file(path);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QByteArray bytes = file.readAll();
                QVERIFY2(!bytes.contains(kCanary), qPrintable(QStringLiteral("a secret in %1").arg(path)));
                scanned << path;
            }
        }
        QVERIFY2(scanned.contains(db), qPrintable(scanned.join(QLatin1Char('\n'))));
        QVERIFY(scanned.contains(exportCsv) && scanned.contains(exportJson));
        QVERIFY2(std::any_of(scanned.cbegin(), scanned.cend(),
                     [](const QString &p) { return p.endsWith(QLatin1String("reconsolectl.log")); }),
            "no log file was written, so none was checked");
        QVERIFY(!output.toUtf8().contains(kCanary));
        QVERIFY(QFile(exportCsv).size() > 0);
    }
};

QTEST_GUILESS_MAIN(TestSecretLeak)
#include "tst_secretleak.moc"
