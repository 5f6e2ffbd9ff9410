#pragma once

#include "core/Result.h"
#include "statements/Statement.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

class QIODevice;

enum class StatementFormat
{
    Camt053, // ISO 20022 camt.053, and camt.052/.054, which the same reader serves
    Mt940,
    Ofx, // 1.x SGML and 2.x XML
};

// Reads bank and card statements into Statements, all or nothing: a file that fails to parse
// yields its error (file, line, what was expected) and no statement. Every reader streams
// from the device, so a 200 MB file is never held whole. Lines get their stable identities.
namespace StatementReader {
QString formatName(StatementFormat format); // "camt053", as --format takes it
std::optional<StatementFormat> formatFromName(const QString &name);
// The format, told from the first bytes of a file; nothing when it is none of them (a CSV).
std::optional<StatementFormat> detect(const QByteArray &head);
// The same, of a file: an error that says what to do when it is none of them.
Result<StatementFormat> detectFile(const QString &path);
Result<QList<Statement>> read(StatementFormat format, QIODevice &in, const QString &fileName);
// Opens the file; detects the format when none is given.
Result<QList<Statement>> readFile(const QString &path, std::optional<StatementFormat> format = std::nullopt);
} // namespace StatementReader
