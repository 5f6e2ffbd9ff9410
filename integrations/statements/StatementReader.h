#pragma once

#include "core/Result.h"
#include "statements/Statement.h"
#include "statements/StatementSink.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

class QIODevice;
struct ImportPreset;

enum class StatementFormat
{
    Camt053, // ISO 20022 camt.053, and camt.052/.054, which the same reader serves
    Mt940,
    Ofx, // 1.x SGML and 2.x XML
    Csv, // through a statement preset (CsvStatementReader)
};

// Reads bank and card statements, all or nothing: a file that fails to parse yields its error
// (file, line, what was expected). Every format streams from the device into a sink,
// so a 200 MB file is never held whole; the list readers give lines their stable identities.
namespace StatementReader {
QString formatName(StatementFormat format); // "camt053", as --format takes it
QStringList formatNames(); // camt053, mt940, ofx, csv
std::optional<StatementFormat> formatFromName(const QString &name);
// The format, told from the first bytes of a file; nothing when it is none of camt, MT940 and
// OFX (a CSV needs its preset, so it is never guessed).
std::optional<StatementFormat> detect(const QByteArray &head);
// The same, of a file: an error that says what to do when it is none of them, naming the
// statement presets when it looks like a CSV.
Result<StatementFormat> detectFile(const QString &path, const QStringList &statementPresets = {});
// Streams a camt, MT940 or OFX file into `sink`, a transaction at a time.
Status read(StatementFormat format, QIODevice &in, const QString &fileName, StatementSink &sink);
// The statements as a list, identities assigned: for files that fit in memory (tests, OFX).
Result<QList<Statement>> read(StatementFormat format, QIODevice &in, const QString &fileName);
Result<QList<Statement>> readFile(const QString &path, std::optional<StatementFormat> format = std::nullopt);
} // namespace StatementReader
