// The reconciliation report of a period, as the auditor gets it from `reconsolectl export
// reconciliation`: a January worked the way finance works one (the rules' matches confirmed, a
// tolerance's cents booked, a match by hand with its fee, a write-off a second finance user
// approves, an exception investigated), reported while open and again once signed off, as PDF
// (read back with pdftotext) and as CSV; and the command's refusals, each saying what to do.
#include "CtlRunner.h"
#include "ReconciliationFixtures.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "access/TeamRoles.h"
#include "ledger/LedgerStore.h"
#include "reconciliation/ReconciliationDesk.h"
#include "reconciliation/ReconciliationReport.h"
#include "reconciliation/ReconciliationReportPdf.h"
#include "reconciliation/ReconciliationService.h"
#include "statements/StatementService.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUrl>

namespace {
const QString kFiona = QStringLiteral("fiona@example.com"); // proposes
const QString kFay = QStringLiteral("fay@example.com"); // approves
const AccessPolicy kFinance({ Role::Finance }, kFiona);
const AccessPolicy kAdmin({ Role::Admin }, QStringLiteral("ada@example.com"));
const QString kAccount = QStringLiteral("NL02ABNA0123456789");
const QDate kFrom(2025, 1, 1);
const QDate kTo(2025, 1, 31);
// Pasted into a note by mistake: no report may show it.
const QString kSecret = QStringLiteral("sk_live_4eC39HqLyjWDarjtT1zdp7dc");

// Opening 100.00; INV-1 and INV-3 exact, a coffee 10 cents off (tolerance), ACME's 50.00 paid
// 1.50 short four days later (by hand, a fee), a bank charge nobody booked (written off), and
// 99.00 from someone unknown (an exception); closing 263.00.
const QByteArray kStatement = ":20:JAN\n:25:NL02ABNA0123456789\n:28C:1\n:60F:C250101EUR100,00\n"
                              ":61:250101C10,00NTRFINV-1\n:86:ORDER 1\n"
                              ":61:250102D2,50NMSCNONREF\n:86:COFFEE\n"
                              ":61:250103C20,00NTRFINV-3\n:86:ORDER 3\n"
                              ":61:250110C48,50NTRFINV-6\n:86:PAYMENT ACME INV-6\n"
                              ":61:250115D12,00NCHGNONREF\n:86:BANK CHARGE\n"
                              ":61:250120C99,00NMSCNONREF\n:86:UNKNOWN REMITTER\n"
                              ":62F:C250131EUR263,00\n";

LedgerEntry entry(const QString &id, const QString &reference, qint64 amount, const QDate &day)
{
    return ReconciliationFixtures::ledgerEntry(kAccount, id, reference, amount, day);
}

qint64 idOf(const Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
}

// pdftotext -layout: the PDF's text where it stands on the page.
QString pdfText(const QString &pdf)
{
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
    if (tool.isEmpty())
        return {};
    const CtlRun run = runProgram(
        tool, { QStringLiteral("-layout"), pdf, QStringLiteral("-") }, QProcessEnvironment::systemEnvironment());
    return run.code == 0 ? run.out : QString();
}

// A line of the PDF's text holding all of `parts` in order, with only spaces between them.
bool hasLine(const QString &text, const QStringList &parts)
{
    QStringList escaped;
    for (const QString &p : parts)
        escaped << QRegularExpression::escape(p);
    return QRegularExpression(QStringLiteral("(^|\\n)[^\\n]*") + escaped.join(QStringLiteral(" +")))
        .match(text)
        .hasMatch();
}

// The CSV's rows of `section`, each a list of cells (none of ours holds a quoted newline).
QList<QStringList> csvRows(const QString &csv, const QString &section)
{
    QList<QStringList> rows;
    for (const QString &line : csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts)) {
        QStringList cells;
        QString cell;
        bool quoted = false;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const QChar c = line.at(i);
            if (quoted && c == QLatin1Char('"') && i + 1 < line.size() && line.at(i + 1) == QLatin1Char('"')) {
                cell += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = !quoted;
            } else if (c == QLatin1Char(',') && !quoted) {
                cells << cell;
                cell.clear();
            } else {
                cell += c;
            }
        }
        cells << cell;
        if (cells.first() == section)
            rows << cells;
    }
    return rows;
}

// The row of `section` whose column `column` (by the header's name) is `value`.
QStringList csvRow(const QString &csv, const QString &section, const QString &column, const QString &value)
{
    const QStringList header = csvRows(csv, QStringLiteral("section")).value(0);
    const qsizetype at = header.indexOf(column);
    for (const QStringList &row : csvRows(csv, section))
        if (row.value(at) == value)
            return row;
    return {};
}

QString cell(const QString &csv, const QStringList &row, const QString &column)
{
    return row.value(csvRows(csv, QStringLiteral("section")).value(0).indexOf(column));
}

// The second finance user: on PostgreSQL a database user of its own, since the database
// itself refuses an approval by the proposer's user (schema 18's four-eyes trigger).
class SecondUser
{
public:
    ~SecondUser()
    {
        if (m_owner && !m_role.isEmpty()) {
            m_db.reset();
            QSqlQuery(m_owner->connection()).exec(QStringLiteral("DROP OWNED BY %1; DROP ROLE %1").arg(m_role));
        }
    }

    // Empty when ready, else what went wrong.
    QString open(const TestSupport::ScratchDatabase &scratch, const QString &backend)
    {
        if (backend != QLatin1String("postgresql")) {
            m_db = scratch.db();
            return {};
        }
        m_owner = scratch.db();
        m_role = QStringLiteral("fay_report_") + QString::number(QCoreApplication::applicationPid());
        const QString password = QStringLiteral("second-finance-user-1");
        QSqlQuery q(m_owner->connection());
        if (!q.exec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(m_role, password)))
            return QStringLiteral("CREATE ROLE failed");
        if (Status s = TeamRoles::setUp(*m_owner); !s)
            return s.message();
        if (Status s = TeamRoles::assign(*m_owner, m_role, { Role::Finance }); !s)
            return s.message();
        QUrl url(scratch.url());
        url.setUserName(m_role);
        url.setPassword(password);
        auto db = Database::open(url.toString());
        if (!db)
            return db.message();
        m_db = db.value();
        return {};
    }
    const Database &db() const { return *m_db; }

private:
    std::shared_ptr<Database> m_owner;
    std::shared_ptr<Database> m_db;
    QString m_role;
};

QProcessEnvironment financeEnvironment(const QString &roles = QStringLiteral("finance"))
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("RECONSOLE_ROLES"), roles); // SQLite; PostgreSQL reads the connection's roles
    return env;
}

CtlRun exportReport(const QString &url, qint64 period, const QString &format, const QString &output,
    const QProcessEnvironment &env = financeEnvironment())
{
    return runProgram(QStringLiteral(RECONSOLECTL),
        { QStringLiteral("export"), QStringLiteral("reconciliation"), QStringLiteral("--period"),
            QString::number(period), QStringLiteral("--format"), format, QStringLiteral("--output"), output,
            QStringLiteral("--database"), url },
        env);
}

QString readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}
} // namespace

class TestReconciliationReport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
            QFAIL("pdftotext is missing: packaging/install-deps.sh installs poppler-utils.");
    }

    void reportsAPeriodOpenThenSignedOff_data() { ADD_BACKEND_ROWS(); }
    void reportsAPeriodOpenThenSignedOff()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        QTemporaryDir dir;
        // RECONSOLE_KEEP_REPORTS=1 keeps the reports, to look at them as an auditor would.
        dir.setAutoRemove(!qEnvironmentVariableIsSet("RECONSOLE_KEEP_REPORTS"));
        if (!dir.autoRemove())
            qInfo("The reports stay in %s", qPrintable(dir.path()));
        QFile sta(dir.filePath(QStringLiteral("jan.sta")));
        QVERIFY(sta.open(QIODevice::WriteOnly) && sta.write(kStatement) == kStatement.size());
        sta.close();
        auto imported = StatementService(db, kFinance).importFile(sta.fileName());
        QVERIFY2(imported, qPrintable(imported.message()));
        LedgerStore ledger(db);
        for (const LedgerEntry &e : { entry(QStringLiteral("L-1"), QStringLiteral("INV-1"), 1000, QDate(2025, 1, 1)),
                 entry(QStringLiteral("L-2"), QStringLiteral("COFFEE-1"), -240, QDate(2025, 1, 3)),
                 entry(QStringLiteral("L-3"), QStringLiteral("INV-3"), 2000, QDate(2025, 1, 3)),
                 entry(QStringLiteral("L-6"), QStringLiteral("INV-6"), 5000, QDate(2025, 1, 6)),
                 entry(QStringLiteral("L-9"), QStringLiteral("INV-9"), 7000, QDate(2025, 1, 25)) })
            QVERIFY(ledger.insert(e));

        // The rules' matches, confirmed; the coffee's 10 cents booked as rounding.
        auto run = ReconciliationService(db, kFinance).reconcile(kAccount, kFrom, kTo, MatchRules::defaults(), false);
        QVERIFY2(run, qPrintable(run.message()));
        QCOMPARE(run->result.matchedBy(QStringLiteral("exact")), 2);
        QCOMPARE(run->result.matchedBy(QStringLiteral("tolerance")), 1);
        ReconciliationDesk desk(db, kFinance);
        QVERIFY(ReconciliationDesk(db, kAdmin).setApprovalThreshold(kAccount, QStringLiteral("EUR"), 500));
        auto period = desk.openPeriod(kAccount, QStringLiteral("EUR"), kFrom, kTo);
        QVERIFY2(period, qPrintable(period.message()));
        auto confirmed = desk.confirmAbove(kAccount, kFrom, kTo, 0.0, false);
        QVERIFY2(confirmed, qPrintable(confirmed.message()));
        QCOMPARE(confirmed.value(), 3);
        const qint64 coffee = idOf(db,
            QStringLiteral(
                "SELECT id FROM reconciliation_matches WHERE rule = 'tolerance' AND confirmed_by IS NOT NULL"));
        QVERIFY(desk.bookDifference(coffee, Adjustment::Kind::Rounding, QStringLiteral("card terminal rounding")));

        // ACME paid 1.50 short: matched by hand, the fee under the threshold approved at once.
        const qint64 l6 = idOf(db, QStringLiteral("SELECT id FROM ledger_entries WHERE entry_id = 'L-6'"));
        const qint64 acme = idOf(db, QStringLiteral("SELECT id FROM statement_lines WHERE amount_minor = 4850"));
        auto manual = desk.matchByHand(
            kAccount, { l6 }, { acme }, Adjustment::Kind::Fee, QStringLiteral("ACME's bank deducted its fee"));
        QVERIFY2(manual, qPrintable(manual.message()));

        // The bank charge: written off by Fiona, above the threshold, so Fay approves it.
        const qint64 charge = idOf(db, QStringLiteral("SELECT id FROM statement_lines WHERE amount_minor = -1200"));
        auto writeOff = desk.writeOff(kAccount, { RowSide::Statement, charge },
            QStringLiteral("unexplained bank charge, disputed with the bank"));
        QVERIFY2(writeOff, qPrintable(writeOff.message()));
        QVERIFY(!desk.approve(writeOff.value())); // not by its proposer
        SecondUser fay;
        const QString second = fay.open(scratch, backend);
        QVERIFY2(second.isEmpty(), qPrintable(second));
        const AccessPolicy fayFinance({ Role::Finance }, kFay);
        Status approved = ReconciliationDesk(fay.db(), fayFinance)
                              .approve(writeOff.value(), QStringLiteral("seen the bank's letter"));
        QVERIFY2(approved, qPrintable(approved.message()));

        // 99.00 from someone unknown, being looked into.
        const qint64 unknown = idOf(db, QStringLiteral("SELECT id FROM statement_lines WHERE amount_minor = 9900"));
        QVERIFY(desk.setException(kAccount, { RowSide::Statement, unknown }, RowException::State::Investigating,
            QStringLiteral("asked the bank for the remitter; portal token ") + kSecret,
            QStringLiteral("bob@example.com")));

        // The report while open: 99.00 unexplained.
        auto report = ReconciliationReport::read(db, period.value(), QStringLiteral("auditor@example.com"));
        QVERIFY2(report, qPrintable(report.message()));
        QCOMPARE(report->period.openingMinor, 10000);
        QCOMPARE(report->period.closingMinor, 26300);
        QCOMPARE(report->matchedMinor, 1000 - 240 + 2000 + 5000);
        QCOMPARE(report->adjustedMinor, -10 - 150 - 1200);
        QCOMPARE(report->clearedMinor, 6400);
        QCOMPARE(report->differenceMinor, 9900);
        QCOMPARE(report->adjustments.size(), 3);
        QCOMPARE(report->manualMatches.size(), 1);
        QCOMPARE(report->exceptionsLeft.size(), 2); // the 99.00 and INV-9
        QVERIFY(report->exceptionsResolved.isEmpty());

        const QString pdf = dir.filePath(QStringLiteral("open.pdf"));
        CtlRun ran = exportReport(scratch.url(), period.value(), QStringLiteral("pdf"), pdf);
        QVERIFY2(ran.code == 0, qPrintable(ran.err));
        QVERIFY2(ran.out.contains(QLatin1String("not signed off")), qPrintable(ran.out));
        QVERIFY(readAll(pdf).startsWith(QLatin1String("%PDF-")));
        const QString text = pdfText(pdf);
        QVERIFY2(!text.isEmpty(), "pdftotext read no text");
        QVERIFY2(text.contains(QLatin1String("Reconciliation report")), qPrintable(text));
        QVERIFY(text.contains(kAccount));
        QVERIFY(text.contains(QLatin1String("Period 2025-01-01 to 2025-01-31")));
        QVERIFY(hasLine(text, { QStringLiteral("Opening balance (2025-01-01)"), QStringLiteral("100.00") }));
        QVERIFY(hasLine(text, { QStringLiteral("Closing balance (2025-01-31)"), QStringLiteral("263.00") }));
        QVERIFY(hasLine(text, { QStringLiteral("Cleared total"), QStringLiteral("64.00") }));
        QVERIFY2(hasLine(text, { QStringLiteral("Difference"), QStringLiteral("99.00") }), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("Not signed off")));
        QVERIFY(hasLine(text,
            { QStringLiteral("exact"), QStringLiteral("2"), QStringLiteral("30.00"), QStringLiteral("30.00"),
                QStringLiteral("0.00") }));
        QVERIFY(hasLine(text,
            { QStringLiteral("tolerance"), QStringLiteral("1"), QStringLiteral("-2.40"), QStringLiteral("-2.50"),
                QStringLiteral("-0.10") }));
        QVERIFY(hasLine(text,
            { QStringLiteral("Write-off"), QStringLiteral("-12.00"), QStringLiteral("unexplained bank charge") }));
        QVERIFY(text.contains(kFay)); // the approver
        QVERIFY(text.contains(kFiona)); // the proposer
        QVERIFY(text.contains(QLatin1String("ACME's bank deducted its fee")));
        QVERIFY(text.contains(QLatin1String("bob@example.com"))); // the exception's assignee
        QVERIFY(text.contains(QLatin1String("investigating")));
        QVERIFY(QRegularExpression(QStringLiteral("Page 1 of \\d")).match(text).hasMatch());
        QVERIFY2(!text.contains(kSecret.mid(8)), "a secret reached the PDF");

        const QString csvPath = dir.filePath(QStringLiteral("open.csv"));
        ran = exportReport(scratch.url(), period.value(), QStringLiteral("csv"), csvPath);
        QVERIFY2(ran.code == 0, qPrintable(ran.err));
        const QString csv = readAll(csvPath);
        QVERIFY(csv.startsWith(QLatin1String("section,id,date,item,")));
        QVERIFY2(!csv.contains(kSecret.mid(8)), "a secret reached the CSV");
        QCOMPARE(cell(csv, csvRow(csv, QStringLiteral("summary"), QStringLiteral("item"), QStringLiteral("difference")),
                     QStringLiteral("amount")),
            QStringLiteral("99.00"));
        QCOMPARE(
            cell(csv, csvRow(csv, QStringLiteral("summary"), QStringLiteral("item"), QStringLiteral("opening_balance")),
                QStringLiteral("amount")),
            QStringLiteral("100.00"));
        const QStringList exact = csvRow(csv, QStringLiteral("rule"), QStringLiteral("item"), QStringLiteral("exact"));
        QCOMPARE(cell(csv, exact, QStringLiteral("count")), QStringLiteral("2"));
        QCOMPARE(cell(csv, exact, QStringLiteral("ledger_amount")), QStringLiteral("30.00"));
        const QStringList written
            = csvRow(csv, QStringLiteral("adjustment"), QStringLiteral("item"), QStringLiteral("write_off"));
        QCOMPARE(cell(csv, written, QStringLiteral("amount")), QStringLiteral("-12.00"));
        QCOMPARE(cell(csv, written, QStringLiteral("state")), QStringLiteral("approved"));
        QCOMPARE(cell(csv, written, QStringLiteral("by")), kFiona);
        QCOMPARE(cell(csv, written, QStringLiteral("decided_by")), kFay);
        QCOMPARE(csvRows(csv, QStringLiteral("adjustment")).size(), 3);
        QCOMPARE(csvRows(csv, QStringLiteral("manual_match")).size(), 1);
        const QStringList left
            = csvRow(csv, QStringLiteral("exception_left"), QStringLiteral("id"), QString::number(unknown));
        QCOMPARE(cell(csv, left, QStringLiteral("state")), QStringLiteral("investigating"));
        QCOMPARE(cell(csv, left, QStringLiteral("assignee")), QStringLiteral("bob@example.com"));
        QCOMPARE(cell(csv, left, QStringLiteral("amount")), QStringLiteral("99.00"));
        QCOMPARE(csvRows(csv, QStringLiteral("exception_left")).size(), 2);

        // The invoice turns up late and is matched by hand; INV-9 is cancelled: zero, signed off.
        QVERIFY(ledger.insert(entry(QStringLiteral("L-8"), QStringLiteral("INV-8"), 9900, QDate(2025, 1, 28))));
        const qint64 l8 = idOf(db, QStringLiteral("SELECT id FROM ledger_entries WHERE entry_id = 'L-8'"));
        QVERIFY(desk.matchByHand(kAccount, { l8 }, { unknown }));
        const qint64 l9 = idOf(db, QStringLiteral("SELECT id FROM ledger_entries WHERE entry_id = 'L-9'"));
        QVERIFY(desk.setException(kAccount, { RowSide::Ledger, l9 }, RowException::State::Resolved,
            QStringLiteral("invoice cancelled, credit note in February"), QString()));
        Status signedOff = desk.signOff(period.value());
        QVERIFY2(signedOff, qPrintable(signedOff.message()));

        const QString closedPdf = dir.filePath(QStringLiteral("closed.pdf"));
        ran = exportReport(scratch.url(), period.value(), QStringLiteral("PDF"), closedPdf);
        QVERIFY2(ran.code == 0, qPrintable(ran.err));
        const QString closed = pdfText(closedPdf);
        QVERIFY(hasLine(closed, { QStringLiteral("Cleared total"), QStringLiteral("163.00") }));
        QVERIFY2(hasLine(closed, { QStringLiteral("Difference"), QStringLiteral("0.00") }), qPrintable(closed));
        QVERIFY(closed.contains(QStringLiteral("Signed off by ") + kFiona));
        QVERIFY(closed.contains(QLatin1String("SIGNED OFF")));
        QVERIFY(hasLine(closed,
            { QStringLiteral("manual"), QStringLiteral("2"), QStringLiteral("149.00"), QStringLiteral("147.50"),
                QStringLiteral("-1.50") }));
        QVERIFY(closed.contains(QLatin1String("matched by hand")));
        QVERIFY(closed.contains(QLatin1String("invoice cancelled")));
        QVERIFY2(!closed.contains(kSecret.mid(8)), "a secret reached the PDF");

        const QString closedCsvPath = dir.filePath(QStringLiteral("closed.csv"));
        ran = exportReport(scratch.url(), period.value(), QStringLiteral("csv"), closedCsvPath);
        QVERIFY2(ran.code == 0, qPrintable(ran.err));
        const QString closedCsv = readAll(closedCsvPath);
        QCOMPARE(cell(closedCsv,
                     csvRow(closedCsv, QStringLiteral("summary"), QStringLiteral("item"), QStringLiteral("difference")),
                     QStringLiteral("amount")),
            QStringLiteral("0.00"));
        const QStringList signedRow
            = csvRow(closedCsv, QStringLiteral("summary"), QStringLiteral("item"), QStringLiteral("signed_off"));
        QCOMPARE(cell(closedCsv, signedRow, QStringLiteral("by")), kFiona);
        QVERIFY(!cell(closedCsv, signedRow, QStringLiteral("at")).isEmpty());
        QVERIFY(csvRows(closedCsv, QStringLiteral("exception_left")).isEmpty());
        QCOMPARE(csvRows(closedCsv, QStringLiteral("exception_resolved")).size(), 2);
        const QStringList late
            = csvRow(closedCsv, QStringLiteral("exception_resolved"), QStringLiteral("id"), QString::number(unknown));
        QVERIFY2(cell(closedCsv, late, QStringLiteral("reason")).startsWith(QLatin1String("matched by hand")),
            qPrintable(late.join(QLatin1Char('|'))));
    }

    // Many pages: the account and period head each, "Page n of m" foots each, and no row is cut
    // by a page's foot (its first and last words are on one page). Yen: no decimals, grouped.
    void rowsNeverRunOverAPageFoot()
    {
        ReconciliationReport report;
        report.period.id = 7;
        report.period.account = QStringLiteral("DE89370400440532013000");
        report.period.currency = QStringLiteral("JPY");
        report.period.from = QDate(2025, 3, 1);
        report.period.to = QDate(2025, 3, 31);
        report.period.openingMinor = 1250000;
        report.period.closingMinor = 1190000;
        report.producedBy = QStringLiteral("auditor@example.com");
        report.producedAt = QDateTime(QDate(2025, 4, 2), QTime(9, 30), Qt::UTC).toMSecsSinceEpoch();
        const QStringList filler = QStringLiteral("the bank booked this charge twice and refunded it later").split(' ');
        for (int i = 1; i <= 70; ++i) {
            ReconciliationReport::AdjustmentLine line;
            line.adjustment.id = i;
            line.adjustment.kind = Adjustment::Kind::WriteOff;
            line.adjustment.day = QDate(2025, 3, 1 + i % 31);
            line.adjustment.amountMinor = -1200 * i;
            line.adjustment.state = Adjustment::State::Approved;
            line.adjustment.proposedBy = kFiona;
            line.adjustment.decidedBy = kFay;
            QStringList words { QStringLiteral("R%1begins").arg(i) };
            for (int w = 0; w < (i % 5) * 6; ++w)
                words << filler.at(w % filler.size());
            line.adjustment.reason = (words << QStringLiteral("R%1ends").arg(i)).join(' ');
            line.rows = QStringLiteral("statement: CHARGE %1").arg(i);
            report.adjustments << line;
            report.adjustedMinor += line.adjustment.amountMinor;
        }
        QTemporaryDir dir;
        dir.setAutoRemove(!qEnvironmentVariableIsSet("RECONSOLE_KEEP_REPORTS"));
        const QString pdf = dir.filePath(QStringLiteral("long.pdf"));
        Status written = ReconciliationReportPdf::write(report, ReconciliationReportPdf::Format::Pdf, pdf);
        QVERIFY2(written, qPrintable(written.message()));
        QStringList pages = pdfText(pdf).split(QLatin1Char('\f'));
        if (!pages.isEmpty() && pages.last().trimmed().isEmpty())
            pages.removeLast();
        QVERIFY2(pages.size() >= 3, qPrintable(QString::number(pages.size())));
        for (qsizetype p = 0; p < pages.size(); ++p) {
            QVERIFY(pages.at(p).contains(QLatin1String("DE89370400440532013000 JPY")));
            QVERIFY(pages.at(p).contains(QLatin1String("Period 2025-03-01 to 2025-03-31")));
            QVERIFY2(pages.at(p).contains(QStringLiteral("Page %1 of %2").arg(p + 1).arg(pages.size())),
                qPrintable(pages.at(p)));
        }
        const auto pageOf = [&](const QString &word) {
            for (qsizetype p = 0; p < pages.size(); ++p)
                if (pages.at(p).contains(QRegularExpression(QStringLiteral("\\b%1\\b").arg(word))))
                    return int(p);
            return -1;
        };
        for (int i = 1; i <= 70; ++i) {
            const int begins = pageOf(QStringLiteral("R%1begins").arg(i));
            QVERIFY2(begins >= 0, qPrintable(QStringLiteral("R%1 is missing").arg(i)));
            QVERIFY2(begins == pageOf(QStringLiteral("R%1ends").arg(i)),
                qPrintable(QStringLiteral("adjustment %1 runs over the foot of page %2").arg(i).arg(begins + 1)));
        }
        QVERIFY(
            hasLine(pages.first(), { QStringLiteral("Opening balance (2025-03-01)"), QStringLiteral("1,250,000") }));
        QVERIFY(pdfText(pdf).contains(QLatin1String("-84,000"))); // adjustment 70, in yen
    }

    // Each refusal exits non-zero, says what was wrong and what to do, and writes nothing.
    void refusesWhatItCannotReport()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        ReconciliationDesk desk(*scratch.db(), kFinance);
        auto period = desk.openPeriod(kAccount, QStringLiteral("EUR"), kFrom, kTo, 0, 0);
        QVERIFY2(period, qPrintable(period.message()));
        QTemporaryDir dir;
        const QString pdf = dir.filePath(QStringLiteral("r.pdf"));

        CtlRun ran = exportReport(scratch.url(), period.value() + 41, QStringLiteral("pdf"), pdf);
        QVERIFY(ran.code != 0);
        QVERIFY2(ran.err.contains(QStringLiteral("no reconciliation period %1").arg(period.value() + 41))
                && ran.err.contains(QLatin1String("periods list")),
            qPrintable(ran.err));

        ran = runProgram(QStringLiteral(RECONSOLECTL),
            { QStringLiteral("export"), QStringLiteral("reconciliation"), QStringLiteral("--period"),
                QStringLiteral("january"), QStringLiteral("--format"), QStringLiteral("pdf"),
                QStringLiteral("--output"), pdf, QStringLiteral("--database"), scratch.url() },
            financeEnvironment());
        QCOMPARE(ran.code, 2);
        QVERIFY2(ran.err.contains(QLatin1String("--period must be a period's id")), qPrintable(ran.err));

        ran = exportReport(scratch.url(), period.value(), QStringLiteral("docx"), pdf);
        QCOMPARE(ran.code, 2);
        QVERIFY2(ran.err.contains(QLatin1String("--format must be pdf or csv, not 'docx'")), qPrintable(ran.err));

        for (const QString &unwritable : { dir.filePath(QStringLiteral("no/such/folder/r.pdf")), dir.path() }) {
            ran = exportReport(scratch.url(), period.value(), QStringLiteral("pdf"), unwritable);
            QVERIFY(ran.code != 0);
            QVERIFY2(ran.err.contains(QLatin1String("Cannot write the report to"))
                    && ran.err.contains(QLatin1String("Choose a file in a folder you can write to")),
                qPrintable(ran.err));
        }

        ran = exportReport(
            scratch.url(), period.value(), QStringLiteral("pdf"), pdf, financeEnvironment(QStringLiteral("support")));
        QVERIFY(ran.code != 0);
        QVERIFY2(ran.err.contains(QLatin1String("finance")), qPrintable(ran.err));

        ran = runProgram(QStringLiteral(RECONSOLECTL),
            { QStringLiteral("export"), QStringLiteral("reconciliation"), QStringLiteral("--period"),
                QString::number(period.value()), QStringLiteral("--format"), QStringLiteral("pdf"),
                QStringLiteral("--database"), scratch.url() },
            financeEnvironment());
        QCOMPARE(ran.code, 2);
        QVERIFY2(ran.err.contains(QLatin1String("--output")), qPrintable(ran.err));
        QVERIFY(!QFile::exists(pdf));
    }
};

// A QApplication: the PDF is drawn here too (rowsNeverRunOverAPageFoot), and its text needs fonts.
QTEST_MAIN(TestReconciliationReport)
#include "tst_reconciliationreport.moc"
