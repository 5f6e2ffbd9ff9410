#pragma once

#include "records/ImportPreset.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

class QIODevice;

// One thing wrong with an import file, named so a person can find it: the file, the line (1 is
// a CSV's header), the column, and what was expected there.
struct ImportProblem
{
    QString file;
    int line = 0; // 0: the file as a whole
    QString column; // the file's column (a JSON key); empty: the line as a whole
    QString message; // "expected an e-mail address, got 'bob@'"

    // "customers.csv line 14, column email: expected an e-mail address, got 'bob@'"
    QString text() const;
};

// One row of the file as our fields: only the fields the mapping gives, trimmed and checked.
struct ImportRow
{
    int line = 0;
    QHash<QString, QString> values; // our field (id, email, external_id:crm-sandbox, …) → value
    QHash<QString, QString> refused; // our field → the value as the file had it, where it was refused
    QString id() const { return values.value(QStringLiteral("id")); }
};

// A file read through a preset: the columns it has, which gives each of our fields, its rows,
// and everything wrong with it. With any problem nothing of it may be imported.
struct ImportFile
{
    QString fileName;
    QString target;
    QString format;
    QStringList columns; // the CSV header, or the JSON keys the lines use, in order of appearance
    QList<QPair<QString, QString>> mapping; // our field → column, as resolved for this file
    QList<ImportRow> rows;
    QList<ImportProblem> problems;
    bool truncatedProblems = false; // more problems than kept

    bool ok() const { return problems.isEmpty(); }
    QStringList fields() const; // our fields the mapping gives, in order
    // Every problem on its own line, then "Nothing was imported."
    QString problemText() const;
};

// Reading our records from CSV or JSON Lines: pure, no database. Columns are mapped by the
// preset; an unmapped field of ours takes the column of the same name, and a column named
// external_id:<provider> is that provider's id for the row.
namespace RecordImport {
QStringList targets(); // customers, payments
QString entityTypeOf(const QString &target); // the record diff's type: contact, payment
QStringList fieldsOf(const QString &target); // our fixed fields, required ones first
bool isRequired(const QString &target, const QString &field);
// external_id:<system>: the id `system` knows the record by.
QString externalIdField(const QString &system);
QString systemOf(const QString &field); // empty when the field is no external id
// What an import reads without --format: by extension (.jsonl, .ndjson → jsonl; .csv → csv),
// else the preset's format.
QString formatFor(const QString &path, const QString &presetFormat);

// `systems`: the providers whose ids the target's rows may carry. At most `maxProblems` are kept.
ImportFile read(QIODevice &in, const QString &fileName, const ImportPreset &preset, const QStringList &systems,
    int maxProblems = 50);
ImportFile readFile(const QString &path, const ImportPreset &preset, const QStringList &systems, int maxProblems = 50);
} // namespace RecordImport
