#include "sandbox/DemoReconciliation.h"

#include "access/AccessPolicy.h"
#include "core/Money.h"
#include "ledger/LedgerStore.h"
#include "reconciliation/ReconciliationDesk.h"
#include "reconciliation/ReconciliationService.h"
#include "statements/StatementService.h"
#include "statements/StatementStore.h"
#include "store/Database.h"

#include <QTemporaryDir>

#include <QFile>

namespace {
// One bank line and, unless `ledgerDay` is 0, how our ledger booked it.
struct DemoLine
{
    int day; // of the month
    qint64 bankMinor; // 0: only in our ledger
    const char *reference; // the bank's end-to-end id ('' when the bank had none)
    const char *party;
    const char *text;
    int ledgerDay; // 0: not in our ledger
    qint64 ledgerMinor;
    const char *ledgerReference;
};

// The earlier month: clean but for the bank's account fee.
const DemoLine kEarlier[] = {
    { 3, 125000, "INV-2001", "Acme GmbH", "Invoice INV-2001", 3, 125000, "INV-2001" },
    { 5, 48000, "INV-2002", "Borealis AB", "Invoice INV-2002", 5, 48000, "INV-2002" },
    { 8, -32000, "SUP-881", "Office Supplies Ltd", "Supplier invoice 881", 8, -32000, "SUP-881" },
    { 12, 210000, "INV-2003", "Cobalt SA", "Invoice INV-2003", 12, 210000, "INV-2003" },
    { 15, -1250, "", "", "KONTOFUEHRUNG Account fee", 0, 0, "" },
    { 20, 76040, "INV-2004", "Delta Ltd", "Invoice INV-2004", 20, 76040, "INV-2004" },
    { 26, -100000, "TAX-Q3", "Finanzamt", "VAT prepayment", 26, -100000, "TAX-Q3" },
};

// The later month: every kind of mess the rules and a person settle.
const DemoLine kLater[] = {
    { 2, 158000, "INV-2011", "Acme GmbH", "Invoice INV-2011", 2, 158000, "INV-2011" },
    { 4, 98000, "INV-2012", "Borealis AB", "Invoice INV-2012", 4, 98000, "INV-2012" },
    // No reference at the bank, booked two days before it arrived: the tolerance rule's.
    { 9, 234000, "", "Cobalt SA", "Payment Cobalt", 7, 234000, "INV-2013" },
    // The card acquirer pays out net of its 3.90 fee: matched by hand, the fee booked.
    { 10, 24610, "ACQ-5521", "Card Acquiring GmbH", "Card settlement 5521", 10, 25000, "INV-2014" },
    // A payout of 3,215.40 that the bank received in two transfers.
    { 15, 200000, "PO-1101-A", "Stripe Payments Europe", "STRIPE PAYOUT 1/2", 14, 321540, "PAYOUT-1101" },
    { 16, 121540, "PO-1101-B", "Stripe Payments Europe", "STRIPE PAYOUT 2/2", 0, 0, "" },
    // Booked twice in our ledger, once at the bank.
    { 18, 61500, "INV-2015", "Echo Ltd", "Invoice INV-2015", 18, 61500, "INV-2015" },
    { 0, 0, "", "", "", 18, 61500, "INV-2015" },
    { 22, -45000, "SUP-902", "Office Supplies Ltd", "Supplier invoice 902", 22, -45000, "SUP-902" },
    // Thirty cents of rounding on a foreign customer's transfer.
    { 25, 112000, "INV-2016", "Foxtrot Inc", "Invoice INV-2016", 25, 112030, "INV-2016" },
    // The bank's account fee again, which nobody booked.
    { 28, -1250, "", "", "KONTOFUEHRUNG Account fee", 0, 0, "" },
};

QByteArray major(qint64 minor)
{
    return Money::formatMajor(minor < 0 ? -minor : minor, 2).toLatin1();
}

QByteArray balance(const char *code, qint64 minor, const QDate &day)
{
    return QByteArray("<Bal><Tp><CdOrPrtry><Cd>") + code + "</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">" + major(minor)
        + "</Amt><CdtDbtInd>" + (minor < 0 ? "DBIT" : "CRDT") + "</CdtDbtInd><Dt><Dt>"
        + day.toString(Qt::ISODate).toLatin1() + "</Dt></Dt></Bal>\n";
}

// One month's <Stmt>; returns its closing balance through `closing`.
template <size_t N>
QByteArray statement(const DemoLine (&lines)[N], const QDate &first, qint64 opening, qint64 *closing)
{
    qint64 total = opening;
    QByteArray entries;
    int n = 0;
    for (const DemoLine &l : lines) {
        if (l.bankMinor == 0)
            continue;
        total += l.bankMinor;
        const QByteArray day = first.addDays(l.day - 1).toString(Qt::ISODate).toLatin1();
        const QByteArray bankRef
            = "DEMO-" + first.toString(QStringLiteral("yyyyMM")).toLatin1() + "-" + QByteArray::number(++n);
        const bool credit = l.bankMinor > 0;
        const QByteArray party = credit ? "Dbtr" : "Cdtr";
        entries += "<Ntry><NtryRef>" + bankRef + "</NtryRef><Amt Ccy=\"EUR\">" + major(l.bankMinor)
            + "</Amt><CdtDbtInd>" + (credit ? "CRDT" : "DBIT") + "</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>"
            + day + "</Dt></BookgDt><ValDt><Dt>" + day + "</Dt></ValDt><AcctSvcrRef>" + bankRef + "</AcctSvcrRef>";
        if (*l.party || *l.reference) {
            entries += "<NtryDtls><TxDtls>";
            if (*l.reference)
                entries += QByteArray("<Refs><EndToEndId>") + l.reference + "</EndToEndId></Refs>";
            if (*l.party)
                entries += "<RltdPties><" + party + "><Nm>" + l.party + "</Nm></" + party + "></RltdPties>";
            entries += QByteArray("<RmtInf><Ustrd>") + l.text + "</Ustrd></RmtInf></TxDtls></NtryDtls>";
        } else {
            entries += QByteArray("<AddtlNtryInf>") + l.text + "</AddtlNtryInf>";
        }
        entries += "</Ntry>\n";
    }
    *closing = total;
    const QDate last = first.addMonths(1).addDays(-1);
    return "<Stmt><Id>DEMO-" + first.toString(QStringLiteral("yyyyMM")).toLatin1() + "</Id><Acct><Id><IBAN>"
        + DemoReconciliation::kAccount + "</IBAN></Id><Ccy>EUR</Ccy></Acct>\n" + balance("OPBD", opening, first)
        + balance("CLBD", total, last) + entries + "</Stmt>\n";
}

template <size_t N>
Status book(
    LedgerStore &ledger, const DemoLine (&lines)[N], const QDate &first, const QString &actor, const QString &tag)
{
    int n = 0;
    for (const DemoLine &l : lines) {
        if (l.ledgerDay == 0)
            continue;
        LedgerEntry e;
        e.entryId = QStringLiteral("DEMO-%1-%2").arg(tag).arg(++n);
        e.account = QString::fromLatin1(DemoReconciliation::kAccount);
        e.bookedOn = first.addDays(l.ledgerDay - 1);
        e.amountMinor = l.ledgerMinor;
        e.currency = QStringLiteral("EUR");
        e.reference = QString::fromLatin1(l.ledgerReference);
        e.counterparty = QString::fromLatin1(l.party);
        e.description = QString::fromLatin1(*l.text ? l.text : l.ledgerReference);
        e.source = LedgerEntry::Source::Import;
        e.sourceDetail = QStringLiteral("demo ledger export");
        e.createdBy = actor;
        if (auto stored = ledger.insert(e); !stored)
            return stored.error();
    }
    return success();
}

qint64 lineId(const Database &db, const QString &text, const QDate &from)
{
    auto lines = StatementStore(db).lines(QString::fromLatin1(DemoReconciliation::kAccount));
    for (const StatementLine &l : lines.value_or({}))
        if (l.description == text && l.bookingDate >= from)
            return l.rowId;
    return 0;
}
} // namespace

namespace DemoReconciliation {

Status seed(const Database &db, const QString &actor, const QDate &today)
{
    const QDate later = QDate(today.year(), today.month(), 1).addMonths(-1);
    const QDate earlier = later.addMonths(-1);
    const QString account = QString::fromLatin1(kAccount);
    auto periods = ReconciliationDesk(db, AccessPolicy(AccessPolicy::allRoles(), actor)).periods(account);
    if (!periods)
        return periods.error();
    if (!periods->isEmpty())
        return success(); // seeded on an earlier start
    qint64 middle = 0, closing = 0; // the statement's balances, which the periods take from it
    // One after the other: the later month opens at the earlier's closing.
    const QByteArray earlierXml = statement(kEarlier, earlier, 1250000, &middle);
    const QByteArray laterXml = statement(kLater, later, middle, &closing);
    const QByteArray camt
        = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document "
          "xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n<BkToCstmrStmt>\n<GrpHdr><MsgId>DEMO-"
        + later.toString(QStringLiteral("yyyyMM")).toLatin1() + "</MsgId><CreDtTm>"
        + later.addMonths(1).toString(Qt::ISODate).toLatin1() + "T06:00:00</CreDtTm></GrpHdr>\n" + earlierXml + laterXml
        + "</BkToCstmrStmt>\n</Document>\n";
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("bank-statement-%1.xml").arg(later.toString(QStringLiteral("yyyy-MM")))));
    if (!dir.isValid() || !file.open(QIODevice::WriteOnly) || file.write(camt) != camt.size())
        return failure(
            ErrorClass::Storage, QStringLiteral("Cannot write the demo's bank statement in %1").arg(dir.path()));
    file.close();

    const AccessPolicy finance(AccessPolicy::allRoles(), actor);
    const AccessPolicy colleague({ Role::Finance }, QString::fromLatin1(kSecondApprover));
    auto imported = StatementService(db, finance).importFile(file.fileName());
    if (!imported)
        return imported.error();
    LedgerStore ledger(db);
    if (Status booked = book(ledger, kEarlier, earlier, actor, earlier.toString(QStringLiteral("yyyyMM"))); !booked)
        return booked;
    if (Status booked = book(ledger, kLater, later, actor, later.toString(QStringLiteral("yyyyMM"))); !booked)
        return booked;

    ReconciliationService rules(db, finance);
    ReconciliationDesk desk(db, finance), second(db, colleague);
    const QDate earlierEnd = later.addDays(-1), laterEnd = later.addMonths(1).addDays(-1);
    for (const auto &[from, to] : { std::pair { earlier, earlierEnd }, std::pair { later, laterEnd } })
        if (auto ran = rules.reconcile(account, from, to, MatchRules::defaults(), false); !ran)
            return ran.error();
    // The earlier month, worked to zero and signed off: the rules' matches confirmed, and the
    // account fee written off above the then threshold of 10.00, so a colleague approved it.
    if (Status set = desk.setApprovalThreshold(account, QStringLiteral("EUR"), 1000); !set)
        return set;
    auto first = desk.openPeriod(account, QStringLiteral("EUR"), earlier, earlierEnd);
    if (!first)
        return first.error();
    if (auto confirmed = desk.confirmAbove(account, earlier, earlierEnd, 0.0, false); !confirmed)
        return confirmed.error();
    auto fee = desk.writeOff(account,
        { RowSide::Statement, lineId(db, QStringLiteral("KONTOFUEHRUNG Account fee"), earlier) },
        QStringLiteral("Monthly account fee; the bank charges are booked in bulk at the quarter's close"));
    if (!fee)
        return fee.error();
    if (Status approved = second.approve(fee.value(), QStringLiteral("Fee schedule checked")); !approved)
        return approved;
    if (Status signedOff = desk.signOff(first.value()); !signedOff)
        return signedOff;
    // Small fees and roundings need no second person from now on; the duplicate invoice does.
    if (Status set = desk.setApprovalThreshold(account, QStringLiteral("EUR"), 5000); !set)
        return set;
    // The later month is open, its opening the earlier's closing, for the user to work.
    auto open = desk.openPeriod(account, QStringLiteral("EUR"), later, laterEnd);
    if (!open)
        return open.error();
    return success();
}

} // namespace DemoReconciliation
