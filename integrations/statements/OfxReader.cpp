#include "statements/OfxReader.h"

#include "core/Money.h"
#include "statements/ReadError.h"
#include "statements/StatementSink.h"

#include <QIODevice>
#include <QRegularExpression>
#include <QStringDecoder>

namespace {
// YYYYMMDD[HHMMSS[.XXX]][[-5:EST]]: the day is all a statement line needs.
QDate ofxDate(const QString &text)
{
    return text.size() >= 8 ? QDate::fromString(text.left(8), QStringLiteral("yyyyMMdd")) : QDate();
}

class Reader
{
public:
    Reader(const QString &fileName, StatementSink &sink)
        : m_file(fileName)
        , m_sink(sink)
    { }

    Status open(const QString &tag, int line);
    Status close(const QString &tag, int line);
    Status value(const QString &text, int line);
    Status finish(int line);

private:
    bool inside(const char *tag) const { return m_stack.contains(QLatin1String(tag)); }
    Status leaf(const QString &tag, const QString &text, int line);
    Status endTransaction();
    Status begin();

    QString m_file;
    StatementSink &m_sink;
    QStringList m_stack;
    int m_statements = 0;
    bool m_begun = false; // the sink has the statement: its header comes before its first transaction
    std::optional<Statement> m_statement;
    std::optional<StatementLine> m_line;
    QString m_amount;
    bool m_sawPosted = false;
    QString m_closingAmount;
    QDate m_closingDate;
    int m_balanceLine = 0;
};

Status Reader::open(const QString &tag, int line)
{
    m_stack << tag;
    if (tag == QLatin1String("STMTRS") || tag == QLatin1String("CCSTMTRS")) {
        m_statement = Statement {};
        m_begun = false;
        m_closingAmount.clear();
    } else if (tag == QLatin1String("STMTTRN") && m_statement) {
        if (Status begun = begin(); !begun)
            return begun;
        m_line = StatementLine { .sourceLine = line };
        m_amount.clear();
        m_sawPosted = false;
    }
    return success();
}

Status Reader::close(const QString &tag, int line)
{
    // SGML leaves are never closed: closing an aggregate closes whatever it still holds.
    const qsizetype at = m_stack.lastIndexOf(tag);
    if (at < 0)
        return success(); // a closing tag for a leaf that was closed by its value already
    if (m_line && tag == QLatin1String("STMTTRN")) {
        if (Status s = endTransaction(); !s)
            return s;
    } else if (m_statement && (tag == QLatin1String("STMTRS") || tag == QLatin1String("CCSTMTRS"))) {
        if (!m_closingAmount.isEmpty()) {
            const auto minor = Money::parseMajor(m_closingAmount, Money::exponent(m_statement->currency));
            if (!minor)
                return readError(m_file, m_balanceLine,
                    QStringLiteral("<BALAMT> must be a decimal amount such as 382.34, found '%1'.")
                        .arg(m_closingAmount));
            m_statement->closing = StatementBalance { *minor, m_statement->currency, m_closingDate };
        }
        if (Status begun = begin(); !begun)
            return begun;
        ++m_statements;
        const Statement ended = *m_statement;
        m_statement.reset();
        if (Status s = m_sink.end(ended); !s)
            return s;
    }
    m_stack.resize(at);
    return success();
}

Status Reader::value(const QString &text, int line)
{
    if (m_stack.isEmpty())
        return success();
    const QString tag = m_stack.takeLast(); // a value closes its tag (SGML), or its </TAG> follows (XML)
    QString plain = text;
    plain.replace(QLatin1String("&lt;"), QLatin1String("<"))
        .replace(QLatin1String("&gt;"), QLatin1String(">"))
        .replace(QLatin1String("&amp;"), QLatin1String("&"));
    return leaf(tag, plain, line);
}

Status Reader::leaf(const QString &tag, const QString &text, int line)
{
    if (!m_statement)
        return success();
    if (m_line) {
        StatementLine &l = *m_line;
        if (tag == QLatin1String("DTPOSTED")) {
            m_sawPosted = true;
            l.bookingDate = ofxDate(text);
            if (!l.bookingDate.isValid())
                return readError(
                    m_file, line, QStringLiteral("<DTPOSTED> must be a date such as 20090401, found '%1'.").arg(text));
        } else if (tag == QLatin1String("DTAVAIL"))
            l.valueDate = ofxDate(text);
        else if (tag == QLatin1String("TRNAMT"))
            m_amount = text;
        else if (tag == QLatin1String("FITID"))
            l.bankEntryId = text;
        else if (tag == QLatin1String("CHECKNUM") || tag == QLatin1String("REFNUM")
            || tag == QLatin1String("SRVRTID")) {
            if (!text.isEmpty() && text != QLatin1String("0"))
                l.references << text;
        } else if (tag == QLatin1String("NAME"))
            l.counterpartyName = text;
        else if (tag == QLatin1String("ACCTID") && (inside("BANKACCTTO") || inside("CCACCTTO")))
            l.counterpartyAccount = text;
        else if (tag == QLatin1String("MEMO"))
            l.description = text;
        return success();
    }
    if (tag == QLatin1String("CURDEF"))
        m_statement->currency = text;
    else if (tag == QLatin1String("ACCTID") && (inside("BANKACCTFROM") || inside("CCACCTFROM"))) {
        m_statement->account = text;
        m_statement->id = text;
    } else if (tag == QLatin1String("DTEND") && inside("BANKTRANLIST"))
        m_statement->id = m_statement->account + QLatin1Char('/') + text.left(8);
    else if (inside("LEDGERBAL")) {
        if (tag == QLatin1String("BALAMT")) {
            m_closingAmount = text;
            m_balanceLine = line;
        } else if (tag == QLatin1String("DTASOF"))
            m_closingDate = ofxDate(text);
    }
    return success();
}

Status Reader::endTransaction()
{
    StatementLine l = *m_line;
    m_line.reset();
    const QString which = l.bankEntryId.isEmpty() ? QStringLiteral("the transaction")
                                                  : QStringLiteral("the transaction (FITID %1)").arg(l.bankEntryId);
    if (!m_sawPosted)
        return readError(m_file, l.sourceLine,
            QStringLiteral("%1 has no <DTPOSTED> (the day it was posted); expected a date such as 20090401.")
                .arg(which));
    l.currency = m_statement->currency;
    l.exponent = Money::exponent(l.currency);
    const auto minor = Money::parseMajor(m_amount, l.exponent);
    if (!minor)
        return readError(m_file, l.sourceLine,
            QStringLiteral("%1 has no <TRNAMT> amount such as -6.60; found '%2'.").arg(which, m_amount));
    l.direction = *minor < 0 ? Direction::Debit : Direction::Credit;
    l.amountMinor = *minor < 0 ? -*minor : *minor;
    if (!l.valueDate.isValid())
        l.valueDate = l.bookingDate;
    return m_sink.line(l);
}

Status Reader::begin()
{
    if (m_begun)
        return success();
    m_begun = true;
    return m_sink.begin(*m_statement);
}

Status Reader::finish(int line)
{
    if (m_statement)
        return readError(m_file, line,
            QStringLiteral("the file ends inside a statement (no </STMTRS>); it may be cut short, so nothing was "
                           "imported."));
    if (m_statements == 0)
        return readError(
            m_file, line, QStringLiteral("no bank or card statement (<STMTRS> or <CCSTMTRS>) in this OFX file."));
    return success();
}

// The OFX 1.x header (KEY:VALUE lines) says how the rest is encoded; 2.x is XML, UTF-8 unless
// its declaration says otherwise.
struct Encoding
{
    bool utf8 = true;
    QString claimed = QStringLiteral("UTF-8");
};
} // namespace

Status OfxReader::read(QIODevice &in, const QString &fileName, StatementSink &sink)
{
    Encoding encoding;
    int lineNo = 0;
    // The header, up to the first '<'.
    QByteArray pending;
    while (!in.atEnd()) {
        const QByteArray raw = in.readLine();
        ++lineNo;
        const qsizetype tag = raw.indexOf('<');
        const QByteArray head = tag < 0 ? raw : raw.left(tag);
        const QString text = QString::fromLatin1(head).trimmed();
        if (text.startsWith(QLatin1String("ENCODING:"))) {
            encoding.claimed = text.mid(9).trimmed();
            encoding.utf8 = encoding.claimed.compare(QLatin1String("UTF-8"), Qt::CaseInsensitive) == 0;
        } else if (text.startsWith(QLatin1String("CHARSET:")) && !encoding.utf8) {
            encoding.claimed += QLatin1Char('/') + text.mid(8).trimmed();
        }
        if (tag >= 0) {
            pending = raw.mid(tag);
            --lineNo; // the rest of this line is read again below
            break;
        }
    }
    static const QRegularExpression xmlEncoding(QStringLiteral("encoding=\"([^\"]+)\""));
    if (const auto m = xmlEncoding.match(QString::fromLatin1(pending.left(200))); m.hasMatch()) {
        encoding.claimed = m.captured(1);
        encoding.utf8 = encoding.claimed.compare(QLatin1String("UTF-8"), Qt::CaseInsensitive) == 0;
    }

    Reader reader(fileName, sink);
    QStringDecoder utf8(QStringDecoder::Utf8);
    QString buffer;
    qsizetype at = 0;
    auto decode = [&](const QByteArray &raw) -> Status {
        ++lineNo;
        if (raw.contains('\0'))
            return readError(fileName, lineNo, QStringLiteral("a NUL byte: this is not a text file, so not OFX."));
        if (!encoding.utf8) {
            // USASCII, 1252 or 8859-1: Latin-1 reads each byte as one character (1252's
            // 0x80–0x9F punctuation aside).
            buffer += QString::fromLatin1(raw);
            return success();
        }
        buffer += utf8.decode(raw);
        if (utf8.hasError())
            return readError(fileName, lineNo,
                QStringLiteral("bytes that are not %1, which the file says it is; export it again as UTF-8 or fix its "
                               "header.")
                    .arg(encoding.claimed));
        return success();
    };
    if (Status s = decode(pending); !s)
        return s;
    int tokenLine = lineNo;
    for (;;) {
        // Tokens: <TAG>, </TAG>, <?…?> and <!…>, and the text between them.
        const qsizetype lt = buffer.indexOf(QLatin1Char('<'), at);
        if (lt < 0 || buffer.indexOf(QLatin1Char('>'), lt) < 0) {
            if (in.atEnd())
                break;
            buffer.remove(0, at);
            at = 0;
            if (Status s = decode(in.readLine()); !s)
                return s;
            continue;
        }
        const QString text = buffer.mid(at, lt - at).trimmed();
        if (!text.isEmpty()) {
            if (Status s = reader.value(text, tokenLine); !s)
                return s;
        }
        const qsizetype gt = buffer.indexOf(QLatin1Char('>'), lt);
        const QString tag = buffer.mid(lt + 1, gt - lt - 1).trimmed();
        at = gt + 1;
        tokenLine = lineNo;
        if (tag.startsWith(QLatin1Char('?')) || tag.startsWith(QLatin1Char('!')))
            continue;
        Status s = tag.startsWith(QLatin1Char('/')) ? reader.close(tag.mid(1).trimmed(), lineNo)
                                                    : reader.open(tag.section(QLatin1Char(' '), 0, 0), lineNo);
        if (!s)
            return s;
    }
    return reader.finish(lineNo);
}
