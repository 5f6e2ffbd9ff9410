#include "statements/Camt053Reader.h"

#include "core/Money.h"
#include "statements/ReadError.h"

#include <QDateTime>
#include <QIODevice>
#include <QStringDecoder>
#include <QStringList>
#include <QXmlStreamReader>

#include <algorithm>

namespace {
// The element names the reader looks for, sorted; any other name is kept as "" (a shared empty
// string), so pushing an element allocates nothing — it happens some thirty times an entry.
QString known(QStringView name)
{
    static const QStringList names = [] {
        QStringList list { QStringLiteral("Acct"), QStringLiteral("AcctSvcrRef"), QStringLiteral("AddtlNtryInf"),
            QStringLiteral("AddtlTxInf"), QStringLiteral("Amt"), QStringLiteral("Bal"), QStringLiteral("BookgDt"),
            QStringLiteral("Ccy"), QStringLiteral("Cd"), QStringLiteral("CdOrPrtry"), QStringLiteral("CdtDbtInd"),
            QStringLiteral("Cdtr"), QStringLiteral("CdtrAcct"), QStringLiteral("CdtrRefInf"), QStringLiteral("Dbtr"),
            QStringLiteral("DbtrAcct"), QStringLiteral("Dt"), QStringLiteral("DtTm"), QStringLiteral("EndToEndId"),
            QStringLiteral("IBAN"), QStringLiteral("Id"), QStringLiteral("InstrId"), QStringLiteral("MndtId"),
            QStringLiteral("Nm"), QStringLiteral("Ntry"), QStringLiteral("NtryRef"), QStringLiteral("Othr"),
            QStringLiteral("PmtInfId"), QStringLiteral("Pty"), QStringLiteral("Ref"), QStringLiteral("Refs"),
            QStringLiteral("RltdPties"), QStringLiteral("RmtInf"), QStringLiteral("Stmt"), QStringLiteral("Sts"),
            QStringLiteral("Tp"), QStringLiteral("TxDtls"), QStringLiteral("TxId"), QStringLiteral("Ustrd"),
            QStringLiteral("ValDt") };
        std::sort(list.begin(), list.end());
        return list;
    }();
    static const QString other;
    const auto it = std::lower_bound(
        names.cbegin(), names.cend(), name, [](const QString &a, QStringView b) { return QStringView(a) < b; });
    return it != names.cend() && *it == name ? *it : other;
}

// The path of local names from the root, with Rpt (camt.052) and Ntfctn (camt.054) read as Stmt.
class Path
{
public:
    void push(QStringView name)
    {
        m_names << ((name == u"Rpt" || name == u"Ntfctn") ? QStringLiteral("Stmt") : known(name));
    }
    void pop() { m_names.removeLast(); }
    // Whether the path ends with these names ("Ntry/Amt"). Called for every leaf with many
    // suffixes, so it compares in place, allocating nothing.
    bool endsWith(QLatin1StringView suffix) const
    {
        qsizetype name = m_names.size();
        qsizetype end = suffix.size();
        while (end > 0) {
            qsizetype start = end;
            while (start > 0 && suffix[start - 1] != QLatin1Char('/'))
                --start;
            if (--name < 0 || m_names[name] != suffix.sliced(start, end - start))
                return false;
            end = start - 1;
        }
        return true;
    }
    bool contains(const QString &name) const { return m_names.contains(name); }

private:
    QStringList m_names;
};

QDate dateOf(const QString &text)
{
    const QDate date = QDate::fromString(text.left(10), Qt::ISODate);
    return date;
}

struct Balance
{
    QString code;
    QString amount;
    QString currency;
    bool debit = false;
    QDate date;
    qint64 line = 0;
};

struct Entry
{
    StatementLine line;
    QString amount;
    QString status;
    bool sawDirection = false;
    QString debtorName, debtorAccount, creditorName, creditorAccount;
    QStringList unstructured;
};

class Reader
{
public:
    Reader(QIODevice &in, const QString &fileName, StatementSink &sink)
        : m_xml(&in)
        , m_file(fileName)
        , m_sink(sink)
    { }

    Status run();

private:
    Status leaf(const QString &text);
    Status endBalance();
    Status endEntry();
    Error error(const QString &what) const { return readError(m_file, m_xml.lineNumber(), what); }

    QXmlStreamReader m_xml;
    Status beginStatement();
    qint64 badUtf8Line();

    QString m_file;
    StatementSink &m_sink;
    Path m_path;
    int m_statements = 0;
    std::optional<Statement> m_statement;
    bool m_begun = false; // the sink has the statement's header
    std::optional<Balance> m_balance;
    std::optional<Entry> m_entry;
    QString m_attributeCurrency;
    QString m_text;
};

// The header is whole at the first entry: a camt gives its account and balances before them.
Status Reader::beginStatement()
{
    if (m_begun)
        return success();
    m_begun = true;
    return m_sink.begin(*m_statement);
}

Status Reader::run()
{
    bool sawDocument = false;
    while (!m_xml.atEnd()) {
        m_xml.readNext();
        if (m_xml.isStartElement()) {
            sawDocument = true;
            const QStringView name = m_xml.name();
            m_path.push(name);
            if (name == u"Stmt" || name == u"Rpt" || name == u"Ntfctn") {
                m_statement = Statement {};
                m_begun = false;
            } else if (name == u"Bal" && m_statement)
                m_balance = Balance { .line = m_xml.lineNumber() };
            else if (name == u"Ntry" && m_statement) {
                if (Status s = beginStatement(); !s)
                    return s;
                m_entry = Entry { .line = StatementLine { .sourceLine = int(m_xml.lineNumber()) } };
            }
            if (name == u"Amt") // the only element whose Ccy the reader uses
                m_attributeCurrency = m_xml.attributes().value(QLatin1String("Ccy")).toString();
            m_text.clear();
        } else if (m_xml.isCharacters()) {
            m_text += m_xml.text(); // an element's text may come in several pieces (entities)
        } else if (m_xml.isEndElement()) {
            const QStringView name = m_xml.name();
            if (const QString text = m_text.trimmed(); !text.isEmpty()) {
                if (Status s = leaf(text); !s)
                    return s;
            }
            m_text.clear();
            if (name == u"Bal" && m_balance) {
                if (Status s = endBalance(); !s)
                    return s;
            } else if (name == u"Ntry" && m_entry) {
                if (Status s = endEntry(); !s)
                    return s;
            } else if ((name == u"Stmt" || name == u"Rpt" || name == u"Ntfctn") && m_statement) {
                if (Status s = beginStatement(); !s)
                    return s;
                if (Status s = m_sink.end(*m_statement); !s)
                    return s;
                ++m_statements;
                m_statement.reset();
            }
            m_path.pop();
        }
    }
    if (m_xml.hasError()) {
        if (const qint64 line = badUtf8Line(); line > 0)
            return readError(m_file, line,
                QStringLiteral("the XML is broken: this line is not UTF-8, the encoding the file declares (%1); "
                               "export it again as UTF-8. Nothing was imported.")
                    .arg(m_xml.errorString()));
        return error(QStringLiteral("the XML is broken (%1); nothing was imported.").arg(m_xml.errorString()));
    }
    if (!sawDocument || m_statements == 0)
        return readError(m_file, m_xml.lineNumber(),
            QStringLiteral("not a camt.053 statement: no <Stmt> (or camt.052 <Rpt>, camt.054 <Ntfctn>) element; "
                           "is this the bank's statement export?"));
    return success();
}

// QXmlStreamReader decodes ahead of the line it reports, so for bytes that are not the UTF-8
// the file claims, the line is found by reading the file again (when it can be).
qint64 Reader::badUtf8Line()
{
    QIODevice *in = m_xml.device();
    if (!in || in->isSequential() || !in->seek(0))
        return 0;
    QStringDecoder utf8(QStringDecoder::Utf8);
    for (qint64 line = 1; !in->atEnd(); ++line) {
        const QByteArray bytes = in->readLine();
        if (line == 1 && !bytes.contains("UTF-8") && !bytes.contains("utf-8") && bytes.contains("encoding="))
            return 0; // it declares another encoding
        const QString text = utf8.decode(bytes); // decode() is lazy: it decodes when converted
        if (utf8.hasError())
            return line;
    }
    return 0;
}

Status Reader::leaf(const QString &text)
{
    if (!m_statement)
        return success();
    if (m_balance) {
        if (m_path.endsWith(QLatin1StringView("Bal/Tp/CdOrPrtry/Cd")))
            m_balance->code = text;
        else if (m_path.endsWith(QLatin1StringView("Bal/Amt"))) {
            m_balance->amount = text;
            m_balance->currency = m_attributeCurrency;
        } else if (m_path.endsWith(QLatin1StringView("Bal/CdtDbtInd")))
            m_balance->debit = text == QLatin1String("DBIT");
        else if (m_path.endsWith(QLatin1StringView("Bal/Dt/Dt")) || m_path.endsWith(QLatin1StringView("Bal/Dt/DtTm")))
            m_balance->date = dateOf(text);
        return success();
    }
    if (m_entry) {
        StatementLine &line = m_entry->line;
        if (m_path.endsWith(QLatin1StringView("Ntry/Amt"))) {
            m_entry->amount = text;
            line.currency = m_attributeCurrency;
        } else if (m_path.endsWith(QLatin1StringView("Ntry/CdtDbtInd"))) {
            if (text != QLatin1String("CRDT") && text != QLatin1String("DBIT"))
                return error(QStringLiteral("<CdtDbtInd> must be CRDT or DBIT, found '%1'.").arg(text));
            line.direction = text == QLatin1String("CRDT") ? Direction::Credit : Direction::Debit;
            m_entry->sawDirection = true;
        } else if (m_path.endsWith(QLatin1StringView("Ntry/Sts")) || m_path.endsWith(QLatin1StringView("Ntry/Sts/Cd")))
            m_entry->status = text;
        else if (m_path.endsWith(QLatin1StringView("Ntry/BookgDt/Dt"))
            || m_path.endsWith(QLatin1StringView("Ntry/BookgDt/DtTm")))
            line.bookingDate = dateOf(text);
        else if (m_path.endsWith(QLatin1StringView("Ntry/ValDt/Dt"))
            || m_path.endsWith(QLatin1StringView("Ntry/ValDt/DtTm")))
            line.valueDate = dateOf(text);
        else if (m_path.endsWith(QLatin1StringView("Ntry/AcctSvcrRef")))
            line.bankEntryId = text;
        else if (m_path.endsWith(QLatin1StringView("Ntry/NtryRef")))
            line.references << text;
        else if (m_path.endsWith(QLatin1StringView("Refs/EndToEndId"))) {
            if (text != QLatin1String("NOTPROVIDED") && line.endToEndId.isEmpty())
                line.endToEndId = text;
        } else if (m_path.endsWith(QLatin1StringView("Refs/AcctSvcrRef"))
            || m_path.endsWith(QLatin1StringView("Refs/InstrId")) || m_path.endsWith(QLatin1StringView("Refs/TxId"))
            || m_path.endsWith(QLatin1StringView("Refs/PmtInfId")) || m_path.endsWith(QLatin1StringView("Refs/MndtId"))
            || m_path.endsWith(QLatin1StringView("CdtrRefInf/Ref"))) {
            if (text != QLatin1String("NOTPROVIDED") && !line.references.contains(text))
                line.references << text;
        } else if (m_path.endsWith(QLatin1StringView("RltdPties/Dbtr/Nm"))
            || m_path.endsWith(QLatin1StringView("RltdPties/Dbtr/Pty/Nm")))
            m_entry->debtorName = text;
        else if (m_path.endsWith(QLatin1StringView("RltdPties/Cdtr/Nm"))
            || m_path.endsWith(QLatin1StringView("RltdPties/Cdtr/Pty/Nm")))
            m_entry->creditorName = text;
        else if (m_path.endsWith(QLatin1StringView("DbtrAcct/Id/IBAN"))
            || m_path.endsWith(QLatin1StringView("DbtrAcct/Id/Othr/Id")))
            m_entry->debtorAccount = text;
        else if (m_path.endsWith(QLatin1StringView("CdtrAcct/Id/IBAN"))
            || m_path.endsWith(QLatin1StringView("CdtrAcct/Id/Othr/Id")))
            m_entry->creditorAccount = text;
        else if (m_path.endsWith(QLatin1StringView("RmtInf/Ustrd"))
            || m_path.endsWith(QLatin1StringView("Ntry/AddtlNtryInf"))
            || m_path.endsWith(QLatin1StringView("TxDtls/AddtlTxInf")))
            m_entry->unstructured << text;
        return success();
    }
    if (m_path.endsWith(QLatin1StringView("Stmt/Id")))
        m_statement->id = text;
    else if (m_path.endsWith(QLatin1StringView("Stmt/Acct/Id/IBAN"))
        || (m_path.endsWith(QLatin1StringView("Stmt/Acct/Id/Othr/Id")) && m_statement->account.isEmpty()))
        m_statement->account = text;
    else if (m_path.endsWith(QLatin1StringView("Stmt/Acct/Ccy")))
        m_statement->currency = text;
    return success();
}

Status Reader::endBalance()
{
    const Balance b = *m_balance;
    m_balance.reset();
    // Opening: the opening booked balance, or the previous closing one (PRCD) that some banks
    // give instead; closing: the closing booked balance. Available balances are not the books.
    const bool opening = b.code == QLatin1String("OPBD") || b.code == QLatin1String("PRCD");
    const bool closing = b.code == QLatin1String("CLBD");
    if (!opening && !closing)
        return success();
    const auto minor = Money::parseMajor(b.amount, Money::exponent(b.currency));
    if (!minor)
        return readError(m_file, b.line,
            QStringLiteral("the %1 balance's <Amt> must be a decimal amount such as 18.15, found '%2'.")
                .arg(b.code, b.amount));
    const StatementBalance balance { b.debit ? -*minor : *minor, b.currency, b.date };
    (opening ? m_statement->opening : m_statement->closing) = balance;
    return success();
}

Status Reader::endEntry()
{
    Entry e = std::move(*m_entry);
    m_entry.reset();
    if (e.status == QLatin1String("PDNG") || e.status == QLatin1String("INFO"))
        return success(); // not booked: no part of the balance yet
    StatementLine &line = e.line;
    if (e.amount.isEmpty())
        return readError(m_file, line.sourceLine, QStringLiteral("the <Ntry> has no <Amt>."));
    if (!e.sawDirection)
        return readError(m_file, line.sourceLine, QStringLiteral("the <Ntry> has no <CdtDbtInd> (CRDT or DBIT)."));
    if (line.currency.isEmpty())
        line.currency = m_statement->currency;
    line.exponent = Money::exponent(line.currency);
    const auto minor = Money::parseMajor(e.amount, line.exponent);
    if (!minor || *minor < 0)
        return readError(m_file, line.sourceLine,
            QStringLiteral("the <Ntry>'s <Amt> must be a decimal amount such as 8.85 in %1, found '%2'.")
                .arg(line.currency, e.amount));
    line.amountMinor = *minor;
    if (!line.bookingDate.isValid())
        line.bookingDate = line.valueDate;
    if (!line.valueDate.isValid())
        line.valueDate = line.bookingDate;
    if (!line.bookingDate.isValid())
        return readError(m_file, line.sourceLine,
            QStringLiteral("the <Ntry> has no <BookgDt> or <ValDt> with a date such as 2014-12-31."));
    // The other party: who paid us on a credit, whom we paid on a debit.
    const bool credit = line.direction == Direction::Credit;
    line.counterpartyName = credit ? e.debtorName : e.creditorName;
    line.counterpartyAccount = credit ? e.debtorAccount : e.creditorAccount;
    line.description = e.unstructured.join(QLatin1Char(' ')).simplified();
    return m_sink.line(line);
}
} // namespace

Status Camt053Reader::read(QIODevice &in, const QString &fileName, StatementSink &sink)
{
    return Reader(in, fileName, sink).run();
}
