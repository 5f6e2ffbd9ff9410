// The Reconciliation workspace as finance uses it (offscreen): a statement imported through the
// importer `reconsolectl import` uses, a period opened on it, a suggestion confirmed with one key,
// a many-to-one match made by hand, a write-off proposed by one finance user and approved by
// another in their own console, the difference reaching zero, sign-off, and the locked period
// refusing a change.
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "ledger/LedgerStore.h"
#include "operations/OperationsModel.h"
#include "reconciliation/ExceptionsModel.h"
#include "reconciliation/MatchesModel.h"
#include "reconciliation/ReconApprovalsTab.h"
#include "reconciliation/ReconPrompts.h"
#include "reconciliation/ReconRowsModel.h"
#include "reconciliation/ReconSidePanel.h"
#include "reconciliation/ReconciliationDesk.h"
#include "reconciliation/ReconciliationReport.h"
#include "reconciliation/ReconciliationService.h"
#include "reconciliation/ReconciliationWorkspace.h"
#include "reconciliation/SuggestionsPane.h"
#include "shell/MessageBanner.h"
#include "shell/Prompts.h"
#include "statements/StatementService.h"

#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

namespace {
const QString kIban = QStringLiteral("DE89370400440532013000");

QString entry(const QString &amount, const char *sign, const QString &day, const QString &endToEnd,
    const QString &debtor, const QString &text)
{
    return QStringLiteral(R"(<Ntry><Amt Ccy="EUR">%1</Amt><CdtDbtInd>%2</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>%3</Dt></BookgDt><ValDt><Dt>%3</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>%4</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>%5</Nm></Dbtr></RltdPties><RmtInf><Ustrd>%6</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>)")
        .arg(amount, QLatin1String(sign), day, endToEnd, debtor, text);
}

// October 2026: 1,000.00 opening, three lines, 1,405.00 closing.
QString camt()
{
    const QString balances = QStringLiteral(
        R"(<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-10-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1405.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-10-31</Dt></Dt></Bal>)");
    return QStringLiteral(R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>MSG-2026-10</MsgId><CreDtTm>2026-11-01T08:00:00+01:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-2026-10</Id><CreDtTm>2026-11-01T08:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>%1</IBAN></Id><Ccy>EUR</Ccy></Acct>%2%3%4%5</Stmt></BkToCstmrStmt></Document>)")
        .arg(kIban, balances,
            entry(QStringLiteral("120.00"), "CRDT", QStringLiteral("2026-10-03"), QStringLiteral("INV-1001"),
                QStringLiteral("Acme GmbH"), QStringLiteral("Invoice INV-1001")),
            entry(QStringLiteral("300.00"), "CRDT", QStringLiteral("2026-10-05"), QStringLiteral("PAYOUT-7"),
                QStringLiteral("Payments Ltd"), QStringLiteral("Payout 7")),
            entry(QStringLiteral("15.00"), "DBIT", QStringLiteral("2026-10-06"), QStringLiteral("NOTPROVIDED"),
                QStringLiteral("Bank"), QStringLiteral("Account charge")));
}

LedgerEntry ledger(const QString &id, const QDate &day, qint64 amount, const QString &reference, const QString &who)
{
    LedgerEntry e;
    e.entryId = id;
    e.account = kIban;
    e.bookedOn = day;
    e.amountMinor = amount;
    e.currency = QStringLiteral("EUR");
    e.reference = reference;
    e.counterparty = who;
    e.description = reference;
    e.sourceDetail = QStringLiteral("test");
    e.createdBy = QStringLiteral("test");
    return e;
}

// One finance user's console: a desk acting as them, and the read models over the database.
struct Console
{
    Console(const std::shared_ptr<Database> &db, const QString &actor)
        : access({ Role::Finance }, actor)
        , desk(*db, access)
        , ledger(db, RowSide::Ledger)
        , statement(db, RowSide::Statement)
        , matches(db)
        , exceptions(db)
        , workspace(desk, { &ledger, &statement, &matches, &exceptions },
              [db, actor](qint64 periodId) { return ReconciliationReport::read(*db, periodId, actor); })
    {
        workspace.resize(1400, 900);
        workspace.show();
    }
    template <typename T> T *find(const QString &name) const { return workspace.findChild<T *>(name); }
    QAction *action(const QString &name) const { return find<QAction>(name); }
    QString banner() const { return find<MessageBanner>(QStringLiteral("actionMessage"))->text(); }
    bool bannerIsError() const { return find<MessageBanner>(QStringLiteral("actionMessage"))->isError(); }

    AccessPolicy access;
    ReconciliationDesk desk;
    ReconRowsModel ledger;
    ReconRowsModel statement;
    MatchesModel matches;
    ExceptionsModel exceptions;
    ReconciliationWorkspace workspace;
};

QString money(qint64 minor)
{
    return OperationsModel::formatAmount(minor, QStringLiteral("EUR"), QLocale());
}

int rowWithReference(const ReconRowsModel &model, const QString &reference)
{
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.rowAt(row)->reference == reference)
            return row;
    return -1;
}

// RECONSOLE_SCREENSHOTS=DIR keeps pictures of the workspace at its steps, to look at.
void grab(QWidget &widget, const QString &step)
{
    const QString dir = qEnvironmentVariable("RECONSOLE_SCREENSHOTS");
    if (!dir.isEmpty())
        widget.grab().save(QStringLiteral("%1/reconciliation-%2.png").arg(dir, step));
}

void selectRows(QTableView *table, const QList<int> &rows)
{
    table->clearSelection();
    for (int row : rows)
        table->selectionModel()->select(
            table->model()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
}
} // namespace

class TestReconciliationWorkspace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        MessageBanner::setSuccessTimeoutMs(60000);
        Prompts::setTestHooks(
            { [](const QString &title) { return QStringLiteral("%1: as agreed with the bank").arg(title); },
                [](const QString &) { return true; } });
    }
    void cleanup()
    {
        Prompts::setTestHooks({});
        ReconPrompts::setTestHooks({});
    }

    void closeAPeriod()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const std::shared_ptr<Database> db = scratch.db();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("october.xml"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(camt().toUtf8());
        }
        Console anna(db, QStringLiteral("anna"));
        Console bob(db, QStringLiteral("bob"));

        // (1) The statement comes in through the importer `reconsolectl import` uses; our ledger
        // has the invoice, and the payout as two entries.
        auto imported = StatementService(*db, anna.access).importFile(path);
        QVERIFY2(imported, qPrintable(imported.message()));
        QCOMPARE(imported->stored.linesImported, 3);
        LedgerStore books(*db);
        for (const LedgerEntry &e : { ledger(QStringLiteral("L-1"), QDate(2026, 10, 3), 12000,
                                          QStringLiteral("INV-1001"), QStringLiteral("Acme GmbH")),
                 ledger(QStringLiteral("L-2"), QDate(2026, 10, 5), 10000, QStringLiteral("ORDER-71"),
                     QStringLiteral("Shop")),
                 ledger(QStringLiteral("L-3"), QDate(2026, 10, 5), 20000, QStringLiteral("ORDER-72"),
                     QStringLiteral("Shop")) })
            QVERIFY(books.insert(e));

        // A period of October, its balances from the statement.
        ReconPrompts::setTestHooks({ [](const ReconPrompts::PeriodRequest &suggested) {
                                        auto r = suggested;
                                        r.account = kIban;
                                        r.currency = QStringLiteral("EUR");
                                        r.from = QDate(2026, 10, 1);
                                        r.to = QDate(2026, 10, 31);
                                        return std::optional(r);
                                    },
            {}, {}, {} });
        anna.action(QStringLiteral("openPeriodAction"))->trigger();
        QVERIFY2(anna.workspace.periodId() != 0, qPrintable(anna.banner()));
        QVERIFY(anna.workspace.summary());
        QCOMPARE(anna.workspace.summary()->period.openingMinor, 100000);
        QCOMPARE(anna.workspace.summary()->period.closingMinor, 140500);
        auto *difference = anna.find<QLabel>(QStringLiteral("differenceLabel"));
        QCOMPARE(difference->text(), money(40500));
        QVERIFY(!anna.action(QStringLiteral("signOffAction"))->isEnabled());
        QVERIFY(!anna.find<QLabel>(QStringLiteral("signOffBlockers"))->text().isEmpty());
        auto *ledgerTable = anna.find<QTableView>(QStringLiteral("ledgerTable"));
        auto *statementTable = anna.find<QTableView>(QStringLiteral("statementTable"));
        QVERIFY(ledgerTable && statementTable);
        QCOMPARE(anna.ledger.rowCount(), 3);
        QCOMPARE(anna.statement.rowCount(), 3);

        // (2) The invoice's suggestion, confirmed with one key press.
        const int invoice = rowWithReference(anna.ledger, QStringLiteral("INV-1001"));
        QVERIFY(invoice >= 0);
        ledgerTable->setFocus();
        selectRows(ledgerTable, { invoice });
        SuggestionsPane *suggestions = anna.workspace.suggestionsPane();
        QVERIFY2(suggestions->count() > 0, qPrintable(anna.banner()));
        QVERIFY(anna.action(QStringLiteral("confirmSuggestionAction"))->isEnabled());
        QVERIFY(suggestions->current()->counterparts.size() == 1);
        QCOMPARE(suggestions->current()->counterparts.first().reference, QStringLiteral("INV-1001"));
        grab(anna.workspace, QStringLiteral("suggestion"));
        QTest::keyClick(ledgerTable, Qt::Key_Return);
        QVERIFY2(!anna.bannerIsError(), qPrintable(anna.banner()));
        QCOMPARE(anna.ledger.rowCount(), 2);
        QCOMPARE(anna.statement.rowCount(), 2);
        QCOMPARE(rowWithReference(anna.ledger, QStringLiteral("INV-1001")), -1);
        QCOMPARE(difference->text(), money(28500));

        // (3) The payout by hand: two ledger entries against one statement line; the totals show it adds up.
        selectRows(ledgerTable,
            { rowWithReference(anna.ledger, QStringLiteral("ORDER-71")),
                rowWithReference(anna.ledger, QStringLiteral("ORDER-72")) });
        selectRows(statementTable, { rowWithReference(anna.statement, QStringLiteral("PAYOUT-7")) });
        QVERIFY(anna.find<QLabel>(QStringLiteral("ledgerSelectionTotal"))->text().contains(money(30000)));
        QVERIFY(anna.find<QLabel>(QStringLiteral("selectionDifference"))->text().endsWith(money(0)));
        QVERIFY(anna.action(QStringLiteral("matchAction"))->isEnabled());
        anna.action(QStringLiteral("matchAction"))->trigger();
        QVERIFY2(!anna.bannerIsError(), qPrintable(anna.banner()));
        QCOMPARE(anna.ledger.rowCount(), 0);
        QCOMPARE(anna.statement.rowCount(), 1);
        QCOMPARE(difference->text(), money(-1500));
        anna.matches.setShowSuggestions(false);
        QCOMPARE(anna.matches.rowCount(), 2);

        // (4) The bank's charge is written off: above the (unset) threshold, it waits for a second person.
        statementTable->setFocus();
        selectRows(statementTable, { 0 });
        QVERIFY(anna.action(QStringLiteral("writeOffAction"))->isEnabled());
        anna.action(QStringLiteral("writeOffAction"))->trigger();
        QVERIFY2(!anna.bannerIsError(), qPrintable(anna.banner()));
        QVERIFY(anna.banner().contains(QStringLiteral("second finance user")));
        QCOMPARE(anna.workspace.pendingApprovals(), 1);
        QCOMPARE(difference->text(), money(-1500)); // not cleared until approved
        QVERIFY(!anna.action(QStringLiteral("signOffAction"))->isEnabled());
        // Anna cannot approve her own: the desk says so, and the banner shows it.
        auto *annaApprovals = anna.find<QTableWidget>(QStringLiteral("approvalsTable"));
        annaApprovals->selectRow(0);
        anna.action(QStringLiteral("approveAction"))->trigger();
        QVERIFY(anna.bannerIsError());
        QVERIFY2(anna.banner().contains(QStringLiteral("another finance user")), qPrintable(anna.banner()));
        QCOMPARE(anna.workspace.pendingApprovals(), 1);
        // Bob, in his own console, approves it.
        bob.workspace.refresh();
        auto *bobTabs = bob.find<QTabWidget>(QStringLiteral("reconciliationTabs"));
        bobTabs->setCurrentWidget(bob.find<QWidget>(QStringLiteral("approvalsTab")));
        bobTabs->setCurrentWidget(bob.find<QWidget>(QStringLiteral("matchedTab")));
        bob.find<QCheckBox>(QStringLiteral("showSuggestions"))->setChecked(true);
        grab(bob.workspace, QStringLiteral("matched"));
        bob.find<QCheckBox>(QStringLiteral("showSuggestions"))->setChecked(false);
        bobTabs->setCurrentWidget(bob.find<QWidget>(QStringLiteral("exceptionsTab")));
        grab(bob.workspace, QStringLiteral("exceptions"));
        bobTabs->setCurrentWidget(bob.find<QWidget>(QStringLiteral("approvalsTab")));
        grab(bob.workspace, QStringLiteral("approvals"));
        QCOMPARE(bob.workspace.periodId(), anna.workspace.periodId());
        QCOMPARE(bob.workspace.pendingApprovals(), 1);
        bob.find<QTableWidget>(QStringLiteral("approvalsTable"))->selectRow(0);
        QTest::mouseClick(bob.find<QPushButton>(QStringLiteral("approveButton")), Qt::LeftButton);
        QVERIFY2(!bob.bannerIsError(), qPrintable(bob.banner()));
        QCOMPARE(bob.workspace.pendingApprovals(), 0);

        // (5) Anna's console, read again, shows the difference at zero and nothing in the way.
        anna.workspace.refresh();
        QCOMPARE(difference->text(), money(0));
        QCOMPARE(anna.statement.rowCount(), 0);
        QVERIFY2(anna.workspace.summary()->signOffBlockers.isEmpty(),
            qPrintable(anna.workspace.summary()->signOffBlockers.join(QLatin1Char('\n'))));
        QVERIFY(anna.find<QLabel>(QStringLiteral("signOffBlockers"))->isHidden());

        // (6) Signed off: locked, every change disabled with the reason.
        QVERIFY(anna.action(QStringLiteral("signOffAction"))->isEnabled());
        QTest::mouseClick(anna.find<QPushButton>(QStringLiteral("signOffButton")), Qt::LeftButton);
        QVERIFY2(!anna.bannerIsError(), qPrintable(anna.banner()));
        QVERIFY(anna.workspace.summary()->period.signedOff);
        QVERIFY(anna.find<QLabel>(QStringLiteral("periodState"))->text().contains(QStringLiteral("Locked")));
        for (const QString &name :
            { QStringLiteral("matchAction"), QStringLiteral("writeOffAction"), QStringLiteral("confirmAboveAction"),
                QStringLiteral("unmatchAction"), QStringLiteral("signOffAction"), QStringLiteral("balancesAction") }) {
            QVERIFY2(!anna.action(name)->isEnabled(), qPrintable(name));
            QVERIFY2(anna.action(name)->toolTip().contains(QStringLiteral("signed off")), qPrintable(name));
        }
        QVERIFY(anna.action(QStringLiteral("reopenAction"))->isEnabled());
        grab(anna.workspace, QStringLiteral("locked"));
        // The auditor's report of the locked period, through the report writer.
        const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
        Prompts::setTestHooks({ [pdf](const QString &) { return pdf; }, [](const QString &) { return true; } });
        QVERIFY(anna.action(QStringLiteral("exportReportAction"))->isEnabled());
        anna.action(QStringLiteral("exportReportAction"))->trigger();
        QVERIFY2(!anna.bannerIsError(), qPrintable(anna.banner()));
        QFile written(pdf);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QVERIFY(written.read(5) == "%PDF-");

        // (7) Bob's console has not heard yet and still offers Unmatch: the desk refuses it.
        bobTabs->setCurrentWidget(bob.find<QWidget>(QStringLiteral("matchedTab")));
        bob.find<QTableView>(QStringLiteral("matchesTable"))->selectRow(0);
        QVERIFY(bob.action(QStringLiteral("unmatchAction"))->isEnabled());
        bob.action(QStringLiteral("unmatchAction"))->trigger();
        QVERIFY(bob.bannerIsError());
        QVERIFY2(bob.banner().contains(QStringLiteral("signed off"), Qt::CaseInsensitive), qPrintable(bob.banner()));
        bob.workspace.refresh();
        QCOMPARE(bob.matches.rowCount(), 3); // nothing undone
        QVERIFY(!bob.action(QStringLiteral("unmatchAction"))->isEnabled());
    }

    // A line split by hand, the parts matched; "Confirm all above score…" says how many first; a
    // row about a payment Reconsole knows opens its timeline.
    void splitConfirmAboveAndLinks()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const std::shared_ptr<Database> db = scratch.db();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("october.xml"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(camt().toUtf8());
        }
        Console anna(db, QStringLiteral("anna"));
        QVERIFY(StatementService(*db, anna.access).importFile(path));
        LedgerStore books(*db);
        LedgerEntry invoice = ledger(
            QStringLiteral("L-1"), QDate(2026, 10, 3), 12000, QStringLiteral("INV-1001"), QStringLiteral("Acme GmbH"));
        invoice.entityType = QStringLiteral("order");
        invoice.entityId = QStringLiteral("ORD-1001");
        QVERIFY(books.insert(invoice));
        QVERIFY(books.insert(ledger(
            QStringLiteral("L-2"), QDate(2026, 10, 5), 10000, QStringLiteral("ORDER-71"), QStringLiteral("Shop"))));
        ReconPrompts::setTestHooks({ [](const ReconPrompts::PeriodRequest &) {
                                        return std::optional(ReconPrompts::PeriodRequest { kIban, QStringLiteral("EUR"),
                                            QDate(2026, 10, 1), QDate(2026, 10, 31), {}, {} });
                                    },
            {},
            [](const ReconRow &line) {
                return std::optional(ReconPrompts::SplitAnswer {
                    { 10000, line.amountMinor - 10000 }, QStringLiteral("two orders in one payout") });
            },
            [] { return std::optional(0.9); },
            [](const ReconciliationPeriod &) {
                return std::optional(ReconPrompts::BalancesAnswer { 100000, 150000, QStringLiteral("bank's letter") });
            } });
        anna.action(QStringLiteral("openPeriodAction"))->trigger();
        QVERIFY2(anna.workspace.periodId(), qPrintable(anna.banner()));
        // Balances typed in by finance replace the statement's, with a reason.
        anna.action(QStringLiteral("balancesAction"))->trigger();
        QVERIFY2(!anna.bannerIsError(), qPrintable(anna.banner()));
        QCOMPARE(anna.workspace.summary()->period.closingMinor, 150000);
        QCOMPARE(anna.find<QLabel>(QStringLiteral("differenceLabel"))->text(), money(50000));
        // The rules' run stores its suggestions, which the bulk confirmation confirms.
        QVERIFY(ReconciliationService(*db, anna.access)
                    .reconcile(kIban, QDate(2026, 10, 1), QDate(2026, 10, 31), MatchRules::defaults(), false));
        anna.workspace.refresh();
        QVERIFY(anna.ledger
                    .data(anna.ledger.index(rowWithReference(anna.ledger, QStringLiteral("INV-1001")), 0),
                        ReconRowsModel::SuggestedRole)
                    .toBool());

        // The invoice row is about order ORD-1001: Open in Timeline asks for it.
        auto *ledgerTable = anna.find<QTableView>(QStringLiteral("ledgerTable"));
        ledgerTable->setFocus();
        selectRows(ledgerTable, { rowWithReference(anna.ledger, QStringLiteral("INV-1001")) });
        QVERIFY(anna.action(QStringLiteral("reconTimelineAction"))->isEnabled());
        QSignalSpy timeline(&anna.workspace, &ReconciliationWorkspace::timelineRequested);
        anna.action(QStringLiteral("reconTimelineAction"))->trigger();
        QCOMPARE(timeline.size(), 1);
        QCOMPARE(timeline.first().first().toString(), QStringLiteral("ORD-1001"));
        selectRows(ledgerTable, { rowWithReference(anna.ledger, QStringLiteral("ORDER-71")) });
        QVERIFY(!anna.action(QStringLiteral("reconTimelineAction"))->isEnabled());

        // Confirm all above 0.90: the question says how many before anything is confirmed.
        QString asked;
        Prompts::setTestHooks({ [](const QString &) { return QStringLiteral("because"); },
            [&asked](const QString &title) {
                asked = title;
                return false; // looked, and declined
            } });
        anna.action(QStringLiteral("confirmAboveAction"))->trigger();
        QVERIFY2(asked.startsWith(QStringLiteral("Confirm ")), qPrintable(asked + anna.banner()));
        QCOMPARE(anna.ledger.rowCount(), 2); // declined: nothing confirmed
        Prompts::setTestHooks(
            { [](const QString &) { return QStringLiteral("because"); }, [](const QString &) { return true; } });
        anna.action(QStringLiteral("confirmAboveAction"))->trigger();
        QVERIFY2(!anna.bannerIsError(), qPrintable(anna.banner()));
        QVERIFY2(anna.banner().contains(QStringLiteral("confirmed")), qPrintable(anna.banner()));
        QCOMPARE(rowWithReference(anna.ledger, QStringLiteral("INV-1001")), -1);

        // The payout line split into 100.00 and 200.00: two lines in its place.
        auto *statementTable = anna.find<QTableView>(QStringLiteral("statementTable"));
        statementTable->setFocus();
        const int payout = rowWithReference(anna.statement, QStringLiteral("PAYOUT-7"));
        QVERIFY(payout >= 0);
        const int before = anna.statement.rowCount();
        selectRows(statementTable, { payout });
        QVERIFY(anna.action(QStringLiteral("splitAction"))->isEnabled());
        anna.action(QStringLiteral("splitAction"))->trigger();
        QVERIFY2(!anna.bannerIsError(), qPrintable(anna.banner()));
        QCOMPARE(anna.statement.rowCount(), before + 1);
        QList<qint64> parts;
        for (int row = 0; row < anna.statement.rowCount(); ++row)
            if (anna.statement.rowAt(row)->amountMinor == 10000 || anna.statement.rowAt(row)->amountMinor == 20000)
                parts << anna.statement.rowAt(row)->amountMinor;
        std::sort(parts.begin(), parts.end());
        QCOMPARE(parts, (QList<qint64> { 10000, 20000 }));
    }
};

QTEST_MAIN(TestReconciliationWorkspace)
#include "tst_reconciliationworkspace.moc"
