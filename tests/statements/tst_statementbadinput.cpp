// Issue 12's bad input, imported over statements already there, on both backends: each file is
// refused with a message naming the file and the line (and the column for a CSV), nothing of it
// is stored, and the lines and audit trail already there are exactly as they were. And a
// 200 MB camt.053 imported by a reconsolectl process whose peak memory stays far below it.
#include "CtlRunner.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "statements/StatementSamples.h"
#include "statements/StatementService.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {
QString fixture(const QString &name)
{
    return QStringLiteral(RECONSOLE_FIXTURES "/statements/") + name;
}

QByteArray readFixture(const QString &name)
{
    QFile f(fixture(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return file.fileName();
}

// Every stored line and statement as text, to compare before and after.
QStringList snapshot(const Database &db)
{
    QStringList rows;
    QSqlQuery q(db.connection());
    if (!q.exec(QStringLiteral("SELECT account, identity, amount_minor, booking_date, description, statement_id "
                               "FROM statement_lines ORDER BY id")))
        return { QStringLiteral("cannot read: ") + q.lastQuery() };
    while (q.next())
        rows << QStringLiteral("%1|%2|%3|%4|%5|%6")
                    .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                        q.value(4).toString(), q.value(5).toString());
    if (!q.exec(QStringLiteral("SELECT account, reference, opening_minor, closing_minor FROM statements ORDER BY id")))
        return { QStringLiteral("cannot read statements") };
    while (q.next())
        rows << QStringLiteral("statement %1|%2|%3|%4")
                    .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString());
    auto audit = AuditLog(db).entries();
    rows << QStringLiteral("audit %1").arg(audit ? audit->size() : -1);
    return rows;
}

qint64 vmHwmKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

const AccessPolicy kFinance({ Role::Finance }, QStringLiteral("fiona@example.com"));
const QString kIban = QStringLiteral("NL26VAYB8060476890"); // camt053.v2.minimal.xml's account
} // namespace

class TestStatementBadInput : public QObject
{
    Q_OBJECT
private slots:
    void refusedAndNothingChanges_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("expected");
        const QByteArray camt = readFixture(QStringLiteral("camt053/camt053.v2.minimal.xml"));
        QByteArray latin1 = camt;
        // It declares UTF-8, and a Latin-1 é (one byte, 0xE9) sits in an entry's name.
        latin1.replace("<Nm>COMPANY BVBA</Nm>", "<Nm>Caf\xe9 BVBA</Nm>");
        const int latin1Line = int(latin1.left(latin1.indexOf("Caf\xe9")).count('\n')) + 1;
        const QByteArray mt940 = ":20:STMT1\r\n:25:NL02ABNA0123456789\r\n:28C:1\r\n:60F:C250101EUR100,00\r\n"
                                 ":61:250102D2,50NMSCNONREF\r\n:86:COFFEE\r\n";
        const QByteArray csvHead = "date,amount,currency,reference,counterparty,description\n"
                                   "2024-03-01,1250.00,EUR,INV-1,Acme GmbH,Invoice\n";
        QByteArray binary("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
        for (int i = 0; i < 200; ++i)
            binary.append(char((i * 37) % 256));
        for (const QString &backend : TestSupport::backends()) {
            const auto row = [&](const char *what) -> QTestData & {
                return QTest::newRow(qPrintable(backend + QLatin1Char(' ') + QLatin1String(what))) << backend;
            };
            row("camt claims UTF-8, holds Latin-1")
                << QStringLiteral("latin1.xml") << latin1 << QString()
                << QStringLiteral("latin1.xml line %1: the XML is broken: this line is not UTF-8").arg(latin1Line);
            row("truncated XML") << QStringLiteral("cut.xml") << camt.left(camt.indexOf("</Ntry>") + 20) << QString()
                                 << QStringLiteral("cut.xml line ");
            row("MT940 without :62F:") << QStringLiteral("open.sta") << mt940 << QString()
                                       << QStringLiteral("open.sta line 6: the statement 'STMT1/1' that starts at "
                                                         "line 1 has no closing balance (:62F:)");
            row("OFX without DTPOSTED") << QStringLiteral("fail_nice-date_missing.ofx")
                                        << readFixture(QStringLiteral("ofx/fail_nice-date_missing.ofx")) << QString()
                                        << QStringLiteral("fail_nice-date_missing.ofx line ");
            row("CSV amount holds text") << QStringLiteral("text.csv")
                                         << csvHead + "2024-03-02,twelve,EUR,INV-2,Acme GmbH,Invoice\n"
                                         << QStringLiteral("bank-csv")
                                         << QStringLiteral("text.csv line 3: column amount: expected an amount such "
                                                           "as -1234.56, got 'twelve'");
            row("CSV not UTF-8") << QStringLiteral("latin1.csv")
                                 << csvHead + "2024-03-02,1.00,EUR,INV-2,M\xfcller GmbH,Invoice\n"
                                 << QStringLiteral("bank-csv") << QStringLiteral("latin1.csv line 3 is not UTF-8 text");
            row("binary given as CSV") << QStringLiteral("archive.csv") << binary << QStringLiteral("bank-csv")
                                       << QStringLiteral("archive.csv line 1 ");
        }
    }
    void refusedAndNothingChanges()
    {
        QFETCH(QString, backend);
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, preset);
        QFETCH(QString, expected);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        StatementService service(db, kFinance);
        // What is there already: a camt statement of the same account, and a bank CSV.
        QVERIFY(service.importFile(fixture(QStringLiteral("camt053/camt053.v2.minimal.xml"))));
        auto csv = service.importFile(fixture(QStringLiteral("csv/bank.csv")), std::nullopt,
            QStringLiteral("NL02ABNA0123456789"), QStringLiteral("bank-csv"));
        QVERIFY2(csv, qPrintable(csv.message()));
        const QStringList before = snapshot(db);
        QVERIFY(before.size() > 4);

        QTemporaryDir dir;
        const QString path = writeFile(dir, name, bytes);
        QVERIFY(!path.isEmpty());
        const QString account = preset.isEmpty() ? QString() : QStringLiteral("NL02ABNA0123456789");
        auto refused = service.importFile(path, std::nullopt, account, preset);
        QVERIFY2(!refused, qPrintable(name));
        QVERIFY2(refused.message().contains(expected), qPrintable(refused.message()));
        QCOMPARE(snapshot(db), before);
    }

    void bigFileStreams()
    {
        // About 200 MB of camt.053: ~585 bytes an entry.
        const qint64 lines = qEnvironmentVariableIsSet("RECONSOLE_BIG_LINES")
            ? qEnvironmentVariable("RECONSOLE_BIG_LINES").toLongLong()
            : 345000;
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("big.xml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        const qint64 bytes = StatementSamples::writeCamt053(file, lines);
        file.close();
        QVERIFY(bytes > 0);
        qInfo() << "camt.053 of" << lines << "lines," << bytes / (1024 * 1024) << "MiB";
        const QString db = dir.filePath(QStringLiteral("big.sqlite"));
        QCOMPARE(ctl({ QStringLiteral("migrate"), QStringLiteral("--database"), db }).code, 0);

        QProcess p;
        p.start(QStringLiteral(RECONSOLECTL),
            { QStringLiteral("import"), file.fileName(), QStringLiteral("--json"), QStringLiteral("--database"), db });
        QVERIFY(p.waitForStarted());
        // VmHWM only grows: its last reading before the process ends is its peak, bar the last 20 ms.
        qint64 peakKb = 0;
        while (!p.waitForFinished(20))
            peakKb = qMax(peakKb, vmHwmKb(p.processId()));
        QCOMPARE(p.exitCode(), 0);
        const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(o.value(QStringLiteral("lines_imported")).toInteger(), lines);
        QVERIFY(
            o.value(QStringLiteral("statements")).toArray()[0].toObject().value(QStringLiteral("balanced")).toBool());
        qInfo() << "peak RSS" << peakKb / 1024 << "MiB for a" << bytes / (1024 * 1024) << "MiB file";
        QVERIFY(peakKb > 0);
        QVERIFY2(peakKb * 1024 < bytes / 4, qPrintable(QStringLiteral("peak %1 KiB").arg(peakKb)));
    }
};

QTEST_GUILESS_MAIN(TestStatementBadInput)
#include "tst_statementbadinput.moc"
