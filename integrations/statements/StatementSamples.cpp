#include "statements/StatementSamples.h"

#include "core/Money.h"

#include <QDate>
#include <QIODevice>

namespace {
const QDate kStart(2025, 1, 1);

// One deterministic entry: a credit on even numbers, a debit on odd, amounts 1.00 to 999.99.
qint64 amountOf(qint64 i)
{
    return 100 + (i * 7919) % 99900;
}
bool creditOf(qint64 i)
{
    return i % 2 == 0;
}
QDate dateOf(qint64 i, qint64 lines)
{
    return kStart.addDays(lines > 0 ? (i * 365) / lines : 0);
}

// Writes through a buffer so the device sees large writes; false once a write fails.
class Out
{
public:
    explicit Out(QIODevice &device)
        : m_device(device)
    { }
    void add(const QByteArray &bytes)
    {
        m_buffer += bytes;
        if (m_buffer.size() > (1 << 20))
            flush();
    }
    bool flush()
    {
        m_ok = m_ok && m_device.write(m_buffer) == m_buffer.size();
        m_written += m_buffer.size();
        m_buffer.clear();
        return m_ok;
    }
    qint64 done() { return flush() ? m_written : -1; }

private:
    QIODevice &m_device;
    QByteArray m_buffer;
    qint64 m_written = 0;
    bool m_ok = true;
};

QByteArray major(qint64 minor)
{
    return Money::formatMajor(minor, 2).toLatin1();
}
} // namespace

QString StatementSamples::account()
{
    return QStringLiteral("NL91ABNA0417164300");
}

qint64 StatementSamples::writeCamt053(QIODevice &device, qint64 lines)
{
    Out out(device);
    qint64 total = 0;
    for (qint64 i = 0; i < lines; ++i)
        total += creditOf(i) ? amountOf(i) : -amountOf(i);
    const qint64 opening = 1000000;
    const QByteArray iban = account().toLatin1();
    out.add("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n<BkToCstmrStmt>\n"
            "<GrpHdr><MsgId>BENCH-1</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr>\n"
            "<Stmt>\n<Id>BENCH-"
        + QByteArray::number(lines) + "</Id>\n<Acct><Id><IBAN>" + iban
        + "</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
          "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">"
        + major(opening)
        + "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-12-31</Dt></Dt></Bal>\n"
          "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">"
        + major(qAbs(opening + total)) + "</Amt><CdtDbtInd>" + (opening + total < 0 ? "DBIT" : "CRDT")
        + "</CdtDbtInd><Dt><Dt>2025-12-31</Dt></Dt></Bal>\n");
    for (qint64 i = 0; i < lines; ++i) {
        const QByteArray n = QByteArray::number(i);
        const QByteArray date = dateOf(i, lines).toString(Qt::ISODate).toLatin1();
        const bool credit = creditOf(i);
        const QByteArray party = credit ? "Dbtr" : "Cdtr";
        out.add("<Ntry><NtryRef>" + n + "</NtryRef><Amt Ccy=\"EUR\">" + major(amountOf(i)) + "</Amt><CdtDbtInd>"
            + (credit ? "CRDT" : "DBIT") + "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>" + date
            + "</Dt></BookgDt><ValDt><Dt>" + date + "</Dt></ValDt><AcctSvcrRef>BANKREF-" + n
            + "</AcctSvcrRef>\n<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>"
              "</BkTxCd>\n<NtryDtls><TxDtls><Refs><EndToEndId>E2E-"
            + n + "</EndToEndId></Refs><RltdPties><" + party + "><Nm>Customer " + n + "</Nm></" + party + "><" + party
            + "Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></" + party
            + "Acct></RltdPties>\n<RmtInf><Ustrd>Invoice INV-" + n
            + " thank you</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n");
    }
    out.add("</Stmt>\n</BkToCstmrStmt>\n</Document>\n");
    return out.done();
}

qint64 StatementSamples::writeMt940(QIODevice &device, qint64 lines)
{
    Out out(device);
    const qint64 perMessage = 10000;
    qint64 balance = 1000000;
    auto swiftBalance = [](const char *tag, qint64 minor, const QDate &date) {
        return QByteArray(":") + tag + ":" + (minor < 0 ? "D" : "C")
            + date.toString(QStringLiteral("yyMMdd")).toLatin1() + "EUR"
            + Money::formatMajor(qAbs(minor), 2).replace(QLatin1Char('.'), QLatin1Char(',')).toLatin1() + "\r\n";
    };
    for (qint64 first = 0, message = 1; first < lines || first == 0; first += perMessage, ++message) {
        const qint64 last = qMin(lines, first + perMessage);
        out.add(":20:BENCH" + QByteArray::number(message) + "\r\n:25:" + account().toLatin1()
            + "\r\n:28C:" + QByteArray::number(message) + "/1\r\n");
        out.add(swiftBalance("60F", balance, dateOf(first, lines).addDays(-1)));
        for (qint64 i = first; i < last; ++i) {
            const QByteArray n = QByteArray::number(i);
            const QDate date = dateOf(i, lines);
            const bool credit = creditOf(i);
            balance += credit ? amountOf(i) : -amountOf(i);
            out.add(":61:" + date.toString(QStringLiteral("yyMMddMMdd")).toLatin1() + (credit ? "C" : "D")
                + Money::formatMajor(amountOf(i), 2).replace(QLatin1Char('.'), QLatin1Char(',')).toLatin1() + "NTRFINV-"
                + n + "//BANKREF-" + n + "\r\n:86:/EREF/E2E-" + n + "/NAME/Customer " + n
                + "/IBAN/DE89370400440532013000/REMI/Invoice INV-" + n + " thank you\r\n");
        }
        out.add(swiftBalance("62F", balance, dateOf(qMax<qint64>(first, last - 1), lines)) + "-\r\n");
        if (lines == 0)
            break;
    }
    return out.done();
}
