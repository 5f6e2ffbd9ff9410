#pragma once

#include <QString>
#include <QStringDecoder>
#include <QStringList>

class QIODevice;

// RFC 4180 records read one at a time from a device, so a large file streams: quoted fields
// (with the delimiter, doubled quotes and line breaks inside), a UTF-8 byte-order mark, LF or
// CRLF line ends. Blank lines are skipped. Text that is not UTF-8, or binary data, is an error
// naming the line, never a field of mojibake.
class CsvReader
{
public:
    explicit CsvReader(QIODevice &in, QChar delimiter = QLatin1Char(','));

    // The next record into `fields`; false at the end of the input or on an error (error()).
    bool next(QStringList &fields);
    // The physical line (1-based) the record last returned, or the error, starts on.
    int line() const { return m_recordLine; }
    // Empty unless next() stopped on bad input: what is wrong, without the line (see line()).
    const QString &error() const { return m_error; }

private:
    bool readLine(QString &text);

    QIODevice &m_in;
    QChar m_delimiter;
    QStringDecoder m_decoder { QStringDecoder::Utf8 };
    int m_line = 0;
    int m_recordLine = 0;
    QString m_error;
};
