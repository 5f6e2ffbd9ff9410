// Statements stored on both backends: each line once however often its file comes, all or
// nothing when a file is broken, refused for the wrong account or without the finance role,
// audited; and `reconsolectl import` as finance would type it.
#include "CtlRunner.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "statements/StatementService.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
QString fixture(const QString &name)
{
    return QStringLiteral(RECONSOLE_FIXTURES "/statements/") + name;
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return file.fileName();
}

int auditCount(const Database &db)
{
    auto entries = AuditLog(db).entries();
    return entries ? int(entries->size()) : -1;
}

const AccessPolicy kFinance({ Role::Finance }, QStringLiteral("fiona@example.com"));
} // namespace

class TestStatementImport : public QObject
{
    Q_OBJECT
private slots:
    void importsOnceAndAudits_data() { ADD_BACKEND_ROWS(); }
    void importsOnceAndAudits()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        StatementService service(db, kFinance);
        auto first = service.importFile(fixture(QStringLiteral("mt940/cmxl-mt940.sta")));
        QVERIFY2(first, qPrintable(first.message()));
        QCOMPARE(first->format, StatementFormat::Mt940);
        QCOMPARE(first->stored.statements, 3);
        const int lines = first->stored.linesImported;
        QVERIFY(lines > 10);
        QCOMPARE(first->stored.duplicatesSkipped, 0);
        QCOMPARE(StatementStore(db).lineCount().value(), lines);

        auto again = service.importFile(fixture(QStringLiteral("mt940/cmxl-mt940.sta")));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->stored.linesImported, 0);
        QCOMPARE(again->stored.duplicatesSkipped, lines);
        QCOMPARE(StatementStore(db).lineCount().value(), lines);

        auto log = AuditLog(db).entriesFor(QStringLiteral("file:cmxl-mt940.sta"));
        QVERIFY(log);
        QCOMPARE(log->size(), 2);
        QCOMPARE(log->at(0).actor, QStringLiteral("fiona@example.com"));
        QVERIFY2(log->at(1).after.contains(QLatin1String("0 new")), qPrintable(log->at(1).after));
    }

    void overlappingFileAddsOnlyTheNew_data() { ADD_BACKEND_ROWS(); }
    void overlappingFileAddsOnlyTheNew()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        QTemporaryDir dir;
        // Two downloads of one account that share 2 January: the second also has the 3rd.
        const QByteArray head = ":20:DL\n:25:NL02ABNA0123456789\n:28C:1\n:60F:C250101EUR100,00\n";
        const QByteArray jan2 = ":61:250102D2,50NMSCNONREF\n:86:COFFEE\n:61:250102D2,50NMSCNONREF\n:86:COFFEE\n";
        const QString a = writeFile(
            dir, QStringLiteral("a.sta"), head + ":61:250101C10,00NTRFINV-1\n" + jan2 + ":62F:C250102EUR105,00\n");
        const QString b = writeFile(dir, QStringLiteral("b.sta"),
            ":20:DL2\n:25:NL02ABNA0123456789\n:28C:2\n:60F:C250101EUR110,00\n" + jan2
                + ":61:250103D1,00NMSCNONREF\n:62F:C250103EUR104,00\n");
        StatementService service(*scratch.db(), kFinance);
        auto first = service.importFile(a);
        QVERIFY2(first, qPrintable(first.message()));
        QCOMPARE(first->stored.linesImported, 3);
        auto second = service.importFile(b);
        QVERIFY2(second, qPrintable(second.message()));
        QCOMPARE(second->stored.linesImported, 1); // the 3rd; both coffees of the 2nd were there
        QCOMPARE(second->stored.duplicatesSkipped, 2);
        auto lines = StatementStore(*scratch.db()).lines(QStringLiteral("NL02ABNA0123456789"));
        QVERIFY(lines);
        QCOMPARE(lines->size(), 4);
        QCOMPARE(lines->at(0).signedMinor(), 1000);
        QCOMPARE(lines->at(0).references, QStringList { QStringLiteral("INV-1") });
        QCOMPARE(lines->at(3).bookingDate, QDate(2025, 1, 3));
    }

    void brokenFileChangesNothing_data() { ADD_BACKEND_ROWS(); }
    void brokenFileChangesNothing()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        StatementService service(db, kFinance);
        QVERIFY(service.importFile(fixture(QStringLiteral("ofx/bank_medium.ofx"))));
        const int audits = auditCount(db);
        for (const QString broken : { QStringLiteral("ofx/fail_nice-date_missing.ofx"),
                 QStringLiteral("mt940/betterplace-sepa_snippet_broken.sta"),
                 QStringLiteral("camt053/camt053.v2.wrong.xml") }) {
            auto refused = service.importFile(fixture(broken));
            QVERIFY2(!refused, qPrintable(broken));
            QVERIFY2(refused.message().contains(QLatin1String(" line ")), qPrintable(refused.message()));
        }
        QCOMPARE(StatementStore(db).lineCount().value(), 3);
        QCOMPARE(auditCount(db), audits);
    }

    void wrongAccountAndRoleAreRefused()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        auto wrong = StatementService(db, kFinance)
                         .importFile(fixture(QStringLiteral("camt053/camt053.v2.multi.statement.xml")), std::nullopt,
                             QStringLiteral("DE89370400440532013000"));
        QVERIFY(!wrong);
        QVERIFY2(wrong.message().contains(QLatin1String("NL26VAYB8060476890")), qPrintable(wrong.message()));
        const AccessPolicy support({ Role::Support }, QStringLiteral("sam@example.com"));
        auto refused = StatementService(db, support).importFile(fixture(QStringLiteral("ofx/bank_medium.ofx")));
        QVERIFY(!refused);
        QCOMPARE(StatementStore(db).lineCount().value(), 0);
    }

    void fromTheCommandLine()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("finance.sqlite"));
        QCOMPARE(ctl({ QStringLiteral("migrate"), QStringLiteral("--database"), db }).code, 0);
        const CtlRun json
            = ctl({ QStringLiteral("import"), fixture(QStringLiteral("camt053/camt053.v2.multi.statement.xml")),
                QStringLiteral("--json"), QStringLiteral("--database"), db });
        QVERIFY2(json.code == 0, qPrintable(json.err));
        const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("lines_imported")).toInt(), 2);
        QCOMPARE(o.value(QStringLiteral("duplicates_skipped")).toInt(), 0);
        const QJsonArray statements = o.value(QStringLiteral("statements")).toArray();
        QCOMPARE(statements.size(), 2);
        QCOMPARE(statements[0].toObject().value(QStringLiteral("opening")).toString(), QStringLiteral("18.15"));
        QCOMPARE(statements[1].toObject().value(QStringLiteral("closing")).toString(), QStringLiteral("20.00"));
        QVERIFY(statements[1].toObject().value(QStringLiteral("balanced")).toBool());

        const CtlRun unbalanced = ctl({ QStringLiteral("import"), fixture(QStringLiteral("mt940/jejik-abnamro.sta")),
            QStringLiteral("--database"), db });
        QVERIFY2(unbalanced.code == 0, qPrintable(unbalanced.err));
        QVERIFY2(unbalanced.out.contains(QLatin1String("does NOT balance")), qPrintable(unbalanced.out));

        const CtlRun noBalances = ctl({ QStringLiteral("import"), fixture(QStringLiteral("ofx/bank_medium.ofx")),
            QStringLiteral("--json"), QStringLiteral("--database"), db });
        QVERIFY2(noBalances.code == 0, qPrintable(noBalances.err));
        const QJsonObject ofx = QJsonDocument::fromJson(noBalances.out.toUtf8()).object();
        QVERIFY(!ofx.value(QStringLiteral("statements"))
                     .toArray()[0]
                     .toObject()
                     .value(QStringLiteral("balanced"))
                     .toBool());

        const CtlRun broken = ctl({ QStringLiteral("import"),
            fixture(QStringLiteral("mt940/self-provided-malformed_details.sta")), QStringLiteral("--database"), db });
        QCOMPARE(broken.code, 1);
        QVERIFY2(
            broken.err.contains(QLatin1String("self-provided-malformed_details.sta line 6")), qPrintable(broken.err));
        const CtlRun badFormat = ctl({ QStringLiteral("import"), fixture(QStringLiteral("ofx/bank_medium.ofx")),
            QStringLiteral("--format"), QStringLiteral("qif"), QStringLiteral("--database"), db });
        QCOMPARE(badFormat.code, 2);
        QVERIFY2(badFormat.err.contains(QLatin1String("camt053, mt940, ofx or csv")), qPrintable(badFormat.err));
    }
};

QTEST_GUILESS_MAIN(TestStatementImport)
#include "tst_statementimport.moc"
