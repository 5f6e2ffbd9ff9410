#include "core/CsvReader.h"

#include <QIODevice>

CsvReader::CsvReader(QIODevice &in, QChar delimiter)
    : m_in(in)
    , m_delimiter(delimiter)
{ }

bool CsvReader::readLine(QString &text)
{
    if (m_in.atEnd())
        return false;
    QByteArray bytes = m_in.readLine();
    ++m_line;
    if (m_line == 1 && bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    if (bytes.contains('\0')) {
        m_error = QStringLiteral("holds binary data (a NUL byte), not text");
        return false;
    }
    while (bytes.endsWith('\n') || bytes.endsWith('\r'))
        bytes.chop(1);
    // Decoded with its line end, so a sequence the line leaves unfinished is an error of this
    // line (even the last one), not a state the decoder carries on to the next.
    bytes.append('\n');
    text = m_decoder.decode(bytes);
    text.chop(1);
    if (m_decoder.hasError()) {
        m_error = QStringLiteral("is not UTF-8 text (save the file as UTF-8)");
        return false;
    }
    return true;
}

bool CsvReader::next(QStringList &fields)
{
    fields.clear();
    if (!m_error.isEmpty())
        return false;
    QString text;
    do {
        m_recordLine = m_line + 1;
        if (!readLine(text))
            return false;
    } while (text.isEmpty());

    QString field;
    bool quoted = false; // inside a quoted field
    bool closed = false; // a quoted field's closing quote was read
    for (;;) {
        for (qsizetype i = 0; i < text.size(); ++i) {
            const QChar c = text.at(i);
            if (quoted) {
                if (c != QLatin1Char('"')) {
                    field += c;
                } else if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                    closed = true;
                }
            } else if (c == m_delimiter) {
                fields << field;
                field.clear();
                closed = false;
            } else if (closed) {
                m_error = QStringLiteral("has text after a closing quote (a quote inside a field is written \"\")");
                return false;
            } else if (c == QLatin1Char('"') && field.isEmpty()) {
                quoted = true;
            } else {
                field += c; // a quote inside an unquoted field is taken as it is, as spreadsheets write it
            }
        }
        if (!quoted)
            break;
        // A line break inside quotes belongs to the field.
        if (!readLine(text)) {
            if (m_error.isEmpty())
                m_error = QStringLiteral("has a quoted field that is never closed");
            return false;
        }
        field += QLatin1Char('\n');
    }
    fields << field;
    return true;
}
