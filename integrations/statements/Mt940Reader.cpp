#include "statements/Mt940Reader.h"

#include "core/Money.h"
#include "statements/ReadError.h"

#include <QIODevice>
#include <QRegularExpression>
#include <QStringDecoder>

namespace {
struct Field
{
    QString tag; // "61", "60F"
    QStringList lines;
    int line = 0; // where it starts
};

// The codes of the slash-coded :86: (/EREF/…/NAME/…/REMI/…).
const QRegularExpression &slashCodes()
{
    static const QRegularExpression codes(
        QStringLiteral("/(EREF|MARF|REMI|NAME|IBAN|BIC|ORDP|BENM|CSID|PREF|ISDT|RTRN|ACCW|TRCD|CNTP)/"));
    return codes;
}

// SWIFT's two-digit years: 80–99 are the 1900s.
QDate swiftDate(const QString &yymmdd)
{
    const int yy = yymmdd.left(2).toInt();
    return QDate(yy >= 80 ? 1900 + yy : 2000 + yy, yymmdd.mid(2, 2).toInt(), yymmdd.mid(4, 2).toInt());
}

class Reader
{
public:
    Reader(const QString &fileName, StatementSink &sink)
        : m_file(fileName)
        , m_sink(sink)
    { }

    Status field(const Field &f);
    Status endMessage(int line);
    int statements() const { return m_statements; }

private:
    Status balance(const Field &f, std::optional<StatementBalance> *into, const char *what);
    Status entry(const Field &f);
    Status details(const Field &f);
    Status slashCoded(StatementLine &line, const QString &text);
    Status flushLine(); // hands the last :61: on, its :86: read
    Error error(int line, const QString &what) const { return readError(m_file, line, what); }

    enum class Stage
    {
        None, // before :20:
        Header, // :20: :25: :28C:
        Opened, // after :60F:
        Closed, // after :62F:
    };

    QString m_file;
    StatementSink &m_sink;
    int m_statements = 0;
    Statement m_current;
    std::optional<StatementLine> m_pending; // a :61: waiting for the :86: that may follow it
    Stage m_stage = Stage::None;
    int m_startLine = 0;
    bool m_lastWasEntry = false;
};

Status Reader::flushLine()
{
    if (!m_pending)
        return success();
    StatementLine line = std::move(*m_pending);
    m_pending.reset();
    return m_sink.line(line);
}

Status Reader::field(const Field &f)
{
    const QString &tag = f.tag;
    const QString first = f.lines.value(0);
    if (tag != QLatin1String("86"))
        if (Status s = flushLine(); !s)
            return s;
    if (tag == QLatin1String("20")) {
        if (m_stage != Stage::None)
            if (Status s = endMessage(f.line); !s)
                return s;
        m_current = Statement { .id = first.trimmed() };
        m_stage = Stage::Header;
        m_startLine = f.line;
        return success();
    }
    if (m_stage == Stage::None)
        return error(f.line, QStringLiteral(":%1: before the statement's :20: (its reference).").arg(tag));
    if (tag == QLatin1String("25")) {
        if (m_stage != Stage::Header)
            return error(f.line,
                QStringLiteral(":25: (the account) inside the statement's entries; expected :61:, :86: or :62F:."));
        m_current.account = first.trimmed();
    } else if (tag == QLatin1String("28") || tag == QLatin1String("28C")) {
        m_current.id += QLatin1Char('/') + first.trimmed();
    } else if (tag == QLatin1String("60F") || tag == QLatin1String("60M")) {
        if (m_stage != Stage::Header)
            return error(f.line, QStringLiteral(":%1: (the opening balance) twice in one statement.").arg(tag));
        if (Status s = balance(f, &m_current.opening, "opening"); !s)
            return s;
        m_current.currency = m_current.opening->currency;
        m_stage = Stage::Opened;
        if (Status s = m_sink.begin(m_current); !s)
            return s;
    } else if (tag == QLatin1String("61")) {
        if (m_stage != Stage::Opened)
            return error(
                f.line, QStringLiteral(":61: (an entry) outside :60F: … :62F:; the opening balance must come first."));
        m_lastWasEntry = true;
        return entry(f);
    } else if (tag == QLatin1String("86")) {
        if (m_stage == Stage::Opened && m_lastWasEntry) {
            m_lastWasEntry = false;
            return details(f);
        }
        return success(); // information about the whole statement
    } else if (tag == QLatin1String("62F") || tag == QLatin1String("62M")) {
        if (m_stage != Stage::Opened)
            return error(f.line, QStringLiteral(":%1: (the closing balance) without :60F: before it.").arg(tag));
        if (Status s = balance(f, &m_current.closing, "closing"); !s)
            return s;
        m_stage = Stage::Closed;
    }
    // :21: :13D: :34F: :64: :65: and the like say nothing the reconciliation needs.
    m_lastWasEntry = false;
    return success();
}

Status Reader::endMessage(int line)
{
    if (m_stage == Stage::None)
        return success();
    if (Status s = flushLine(); !s)
        return s;
    if (m_stage != Stage::Closed)
        return error(line,
            QStringLiteral("the statement '%1' that starts at line %2 has no closing balance (:62F:); the file may be "
                           "cut short.")
                .arg(m_current.id)
                .arg(m_startLine));
    if (Status s = m_sink.end(m_current); !s)
        return s;
    ++m_statements;
    m_stage = Stage::None;
    return success();
}

Status Reader::balance(const Field &f, std::optional<StatementBalance> *into, const char *what)
{
    // C or D, YYMMDD, the currency, the amount with a decimal comma: C110101EUR100,00
    static const QRegularExpression shape(QStringLiteral("^([CD])(\\d{6})([A-Z]{3})([\\d,]+)\\s*$"));
    const auto m = shape.match(f.lines.value(0));
    const QDate date = m.hasMatch() ? swiftDate(m.captured(2)) : QDate();
    const auto minor = m.hasMatch() ? Money::parseMajor(m.captured(4), Money::exponent(m.captured(3)), QLatin1Char(','))
                                    : std::nullopt;
    if (!m.hasMatch() || !date.isValid() || !minor)
        return error(f.line,
            QStringLiteral(":%1: (the %2 balance) must look like C110101EUR100,00, found '%3'.")
                .arg(f.tag, QLatin1String(what), f.lines.value(0)));
    *into = StatementBalance { m.captured(1) == QLatin1String("D") ? -*minor : *minor, m.captured(3), date };
    return success();
}

Status Reader::entry(const Field &f)
{
    // Value date, optional entry date (MMDD), C/D/RC/RD, an optional funds code, the amount,
    // the transaction type (N + three), the customer's reference, and after // the bank's.
    static const QRegularExpression shape(
        QStringLiteral("^(\\d{6})(\\d{4})?(RC|RD|C|D)([A-Z])?(\\d[\\d,]*)([NFS][A-Z0-9]{3})([^/]*)(?://(.*))?$"));
    const QString first = f.lines.value(0).trimmed();
    const auto m = shape.match(first);
    const QDate value = m.hasMatch() ? swiftDate(m.captured(1)) : QDate();
    const auto minor = m.hasMatch()
        ? Money::parseMajor(m.captured(5), Money::exponent(m_current.currency), QLatin1Char(','))
        : std::nullopt;
    if (!m.hasMatch() || !value.isValid() || !minor)
        return error(f.line,
            QStringLiteral(":61: (an entry) must look like 110101D10,00NTRFNONREF (value date, C or D, amount, type, "
                           "reference), found '%1'.")
                .arg(first));
    StatementLine line;
    line.sourceLine = f.line;
    line.valueDate = value;
    line.bookingDate = value;
    if (const QString mmdd = m.captured(2); !mmdd.isEmpty()) {
        // The entry date has no year: it is the value date's, unless the two straddle a year end.
        int year = value.year();
        const int month = mmdd.left(2).toInt();
        if (month == 1 && value.month() == 12)
            ++year;
        else if (month == 12 && value.month() == 1)
            --year;
        line.bookingDate = QDate(year, month, mmdd.mid(2).toInt());
        if (!line.bookingDate.isValid())
            return error(f.line, QStringLiteral(":61: has an entry date '%1' that is not a day (MMDD).").arg(mmdd));
    }
    const QString mark = m.captured(3);
    // A reversal of a credit takes money out (RC), of a debit puts it back (RD).
    line.direction = (mark == QLatin1String("C") || mark == QLatin1String("RD")) ? Direction::Credit : Direction::Debit;
    line.amountMinor = *minor;
    line.currency = m_current.currency;
    line.exponent = Money::exponent(line.currency);
    for (const QString &ref : { m.captured(7).trimmed(), m.captured(8).trimmed() }) {
        if (!ref.isEmpty() && ref != QLatin1String("NONREF"))
            line.references << ref;
    }
    // The supplementary details: the other party's account in some dialects (Rabobank).
    static const QRegularExpression iban(QStringLiteral("^[A-Z]{2}\\d{2}[A-Z0-9]{10,30}$"));
    if (f.lines.size() > 1) {
        const QString more = f.lines.mid(1).join(QLatin1Char(' ')).simplified();
        if (iban.match(more).hasMatch())
            line.counterpartyAccount = more;
        else
            line.description = more;
    }
    m_pending = std::move(line);
    return success();
}

// The Dutch banks' dialect: /CODE/value pairs (/EREF/…/NAME/…/REMI/…), lines joined with
// nothing between, as they break anywhere.
Status Reader::slashCoded(StatementLine &line, const QString &text)
{
    QList<QRegularExpressionMatch> found;
    for (auto it = slashCodes().globalMatch(text); it.hasNext();)
        found << it.next();
    for (qsizetype i = 0; i < found.size(); ++i) {
        const qsizetype from = found[i].capturedEnd();
        const qsizetype to = i + 1 < found.size() ? found[i + 1].capturedStart() : text.size();
        QString value = text.mid(from, to - from);
        while (value.startsWith(QLatin1Char('/')))
            value.remove(0, 1);
        const QString name = found[i].captured(1);
        if (name == QLatin1String("EREF") && value != QLatin1String("NOTPROVIDED"))
            line.endToEndId = value.trimmed();
        else if (name == QLatin1String("NAME"))
            line.counterpartyName = value.simplified();
        else if (name == QLatin1String("IBAN") || name == QLatin1String("ACCW"))
            line.counterpartyAccount = value.trimmed();
        else if (name == QLatin1String("REMI"))
            line.description = value.simplified();
        else if (name == QLatin1String("MARF") || name == QLatin1String("PREF"))
            line.references << value.trimmed();
    }
    return success();
}

Status Reader::details(const Field &f)
{
    StatementLine &line = *m_pending;
    static const QRegularExpression structured(QStringLiteral("^\\d{3}\\?"));
    if (f.lines.value(0).startsWith(QLatin1Char('/')) && slashCodes().match(f.lines.value(0)).hasMatch())
        return slashCoded(line, f.lines.join(QString()));
    if (!structured.match(f.lines.value(0)).hasMatch()) {
        const QString text = f.lines.join(QLatin1Char(' ')).simplified();
        line.description = line.description.isEmpty() ? text : line.description + QLatin1Char(' ') + text;
        return success();
    }
    // Subfields may break mid-word at a line end, so the lines join with nothing between.
    const QString text = f.lines.join(QString());
    QStringList purpose;
    QString name;
    for (qsizetype at = text.indexOf(QLatin1Char('?')); at >= 0;) {
        if (at + 2 >= text.size() || !text[at + 1].isDigit() || !text[at + 2].isDigit())
            return error(f.line,
                QStringLiteral(":86: has a '?' that starts no subfield (?00 to ?63 must follow with two digits): '%1'.")
                    .arg(text.mid(qMax<qsizetype>(0, at - 20), 40)));
        const int code = text.mid(at + 1, 2).toInt();
        const qsizetype next = text.indexOf(QLatin1Char('?'), at + 3);
        const QString value = text.mid(at + 3, next < 0 ? -1 : next - at - 3);
        if ((code >= 20 && code <= 29) || (code >= 60 && code <= 63))
            purpose << value;
        else if (code == 31)
            line.counterpartyAccount = value.trimmed();
        else if (code == 32 || code == 33)
            name += value;
        at = next;
    }
    line.counterpartyName = name.simplified();
    const QString joined = purpose.join(QString());
    // SEPA keywords inside the purpose: EREF+ is the end-to-end id, SVWZ+ the payer's text.
    static const QRegularExpression keyword(QStringLiteral("(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE)\\+"));
    QHash<QString, QString> parts;
    auto it = keyword.globalMatch(joined);
    QList<QRegularExpressionMatch> found;
    while (it.hasNext())
        found << it.next();
    for (qsizetype i = 0; i < found.size(); ++i) {
        const qsizetype from = found[i].capturedEnd();
        const qsizetype to = i + 1 < found.size() ? found[i + 1].capturedStart() : joined.size();
        parts.insert(found[i].captured(1), joined.mid(from, to - from).trimmed());
    }
    line.endToEndId = parts.value(QStringLiteral("EREF"));
    if (line.endToEndId == QLatin1String("NOTPROVIDED"))
        line.endToEndId.clear();
    if (const QString mandate = parts.value(QStringLiteral("MREF")); !mandate.isEmpty())
        line.references << mandate;
    line.description
        = (parts.contains(QStringLiteral("SVWZ")) ? parts.value(QStringLiteral("SVWZ")) : joined).simplified();
    return success();
}

} // namespace

Status Mt940Reader::read(QIODevice &in, const QString &fileName, StatementSink &sink)
{
    static const QRegularExpression tagLine(QStringLiteral("^:(\\d{2}[A-Z]?):(.*)$"));
    Reader reader(fileName, sink);
    std::optional<Field> open;
    int lineNo = 0;
    auto flush = [&]() -> Status {
        if (!open)
            return success();
        Field f = std::move(*open);
        open.reset();
        return reader.field(f);
    };
    QStringDecoder utf8(QStringDecoder::Utf8);
    while (!in.atEnd()) {
        const QByteArray raw = in.readLine();
        ++lineNo;
        if (raw.contains('\0'))
            return readError(fileName, lineNo, QStringLiteral("a NUL byte: this is not a text file, so not MT940."));
        // MT940 claims no encoding: UTF-8 where it is valid, else the banks' usual Latin-1.
        QString text = utf8.decode(raw);
        if (utf8.hasError()) {
            utf8.resetState();
            text = QString::fromLatin1(raw);
        }
        while (text.endsWith(QLatin1Char('\n')) || text.endsWith(QLatin1Char('\r')))
            text.chop(1);
        // SWIFT envelopes: {1:…}{2:…}{4: opens the text block, -} closes it.
        if (text.startsWith(QLatin1Char('{'))) {
            const qsizetype block = text.indexOf(QLatin1String("{4:"));
            if (block < 0)
                continue;
            text = text.mid(block + 3);
            if (text.isEmpty())
                continue;
        }
        if (const auto m = tagLine.match(text); m.hasMatch()) {
            if (Status s = flush(); !s)
                return s;
            open = Field { m.captured(1), { m.captured(2) }, lineNo };
        } else if (text.trimmed() == QLatin1String("-") || text.trimmed() == QLatin1String("-}")) {
            if (Status s = flush(); !s)
                return s;
            if (Status s = reader.endMessage(lineNo); !s)
                return s;
        } else if (open) {
            if (!text.trimmed().isEmpty())
                open->lines << text;
        } // else a bank's header before the first field (ABN AMRO: "ABNANL2A", "940")
    }
    if (Status s = flush(); !s)
        return s;
    if (Status s = reader.endMessage(lineNo); !s)
        return s;
    if (reader.statements() == 0)
        return readError(fileName, lineNo, QStringLiteral("no MT940 statement (a :20: field) in the file."));
    return success();
}
