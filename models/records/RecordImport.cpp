#include "records/RecordImport.h"

#include "core/CsvReader.h"
#include "records/ImportTarget.h"
#include "records/RecordDiff.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace {
const QString kExternalPrefix = QStringLiteral("external_id:");

// A line of the file before it is mapped: a CSV record's cells or a JSON object.
struct RawRow
{
    int line = 0;
    QStringList cells;
    QJsonObject object;
};

QString got(const QString &value)
{
    return ImportTargets::quoted(value);
}

class Reader
{
public:
    Reader(ImportFile &file, int maxProblems)
        : m_file(file)
        , m_max(maxProblems)
    { }

    // False once enough problems are kept: reading further would only hide the first ones.
    bool problem(int line, const QString &column, const QString &message)
    {
        if (m_file.problems.size() >= m_max) {
            m_file.truncatedProblems = true;
            return false;
        }
        m_file.problems << ImportProblem { m_file.fileName, line, column, message };
        return m_file.problems.size() < m_max;
    }
    bool full() const { return m_file.problems.size() >= m_max; }

private:
    ImportFile &m_file;
    int m_max;
};

// Checks and tidies one value of ours (ImportTargets::check, and the provider ids the table's
// ProviderIds rule asks for); the reason it is refused, or empty.
QString checkValue(const ImportTarget &target, const QString &field, QString &value)
{
    if (!RecordImport::systemOf(field).isEmpty()) {
        value = value.trimmed();
        if (value.contains(QLatin1Char(' ')))
            return QStringLiteral("expected the provider's id (no spaces), got %1").arg(got(value));
        if (value.isEmpty() && target.providerIds == ImportTarget::ProviderIds::ExactlyOne)
            return QStringLiteral("expected the provider's id for the %1 (such as pi_3Mt…), got nothing")
                .arg(target.noun);
        return {};
    }
    const ImportField *f = target.field(field);
    return f ? ImportTargets::check(target, *f, value, ImportOptions {}) : QString();
}

// A JSON value as the text a CSV cell would hold; false for objects and arrays.
bool textOf(const QJsonValue &v, QString &text)
{
    switch (v.type()) {
    case QJsonValue::String:
        text = v.toString();
        return true;
    case QJsonValue::Double: {
        const double d = v.toDouble();
        text = d == static_cast<double>(static_cast<qint64>(d)) ? QString::number(static_cast<qint64>(d))
                                                                : QString::number(d, 'g', 17);
        return true;
    }
    case QJsonValue::Bool:
        text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        return true;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        text.clear();
        return true;
    default:
        return false;
    }
}

void readCsv(QIODevice &in, ImportFile &file, QList<RawRow> &rows, Reader &reader)
{
    CsvReader csv(in);
    QStringList cells;
    if (!csv.next(cells)) {
        reader.problem(csv.error().isEmpty() ? 0 : csv.line(), {},
            csv.error().isEmpty() ? QStringLiteral("is empty: expected a header line naming the columns")
                                  : csv.error());
        return;
    }
    for (QString &c : cells)
        c = c.trimmed();
    file.columns = cells;
    while (csv.next(cells)) {
        if (cells.size() != file.columns.size()) {
            if (!reader.problem(csv.line(), {},
                    QStringLiteral("expected %1 fields as the header has, got %2")
                        .arg(file.columns.size())
                        .arg(cells.size())))
                return;
            continue;
        }
        rows << RawRow { csv.line(), cells, {} };
    }
    if (!csv.error().isEmpty())
        reader.problem(csv.line(), {}, csv.error());
}

void readJsonLines(QIODevice &in, ImportFile &file, QList<RawRow> &rows, Reader &reader)
{
    QSet<QString> seen;
    int line = 0;
    while (!in.atEnd() && !reader.full()) {
        QByteArray bytes = in.readLine();
        ++line;
        if (line == 1 && bytes.startsWith("\xEF\xBB\xBF"))
            bytes.remove(0, 3);
        if (bytes.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            reader.problem(line, {},
                error.error != QJsonParseError::NoError
                    ? QStringLiteral("is not one JSON object (%1 at character %2)")
                          .arg(error.errorString())
                          .arg(error.offset + 1)
                    : QStringLiteral("expected one JSON object, got %1").arg(got(QString::fromUtf8(bytes.trimmed()))));
            continue;
        }
        const QJsonObject object = doc.object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!seen.contains(it.key())) {
                seen.insert(it.key());
                file.columns << it.key();
            }
        }
        rows << RawRow { line, {}, object };
    }
    if (line == 0)
        reader.problem(0, {}, QStringLiteral("is empty: expected one JSON object per line"));
}

// Which column gives each of our fields, from the preset, the same-named columns and the
// external_id:<system> columns; the problems it finds are the file's (line 1: the header).
void resolveMapping(ImportFile &file, const ImportPreset &preset, const QStringList &systems, Reader &reader)
{
    const QStringList fixed = RecordImport::fieldsOf(file.target);
    const int headerLine = file.format == QLatin1String("csv") ? 1 : 0;
    const QString columnList
        = file.columns.isEmpty() ? QStringLiteral("none") : file.columns.join(QStringLiteral(", "));
    const QString systemList = systems.isEmpty() ? QStringLiteral("none yet") : systems.join(QStringLiteral(", "));
    QHash<QString, QString> columnOf;
    for (const auto &[field, column] : preset.mapping) {
        const QString system = RecordImport::systemOf(field);
        if (!fixed.contains(field) && system.isEmpty()) {
            reader.problem(0, {},
                QStringLiteral("the mapping names '%1', which our %2 do not have; ours are %3 and "
                               "external_id:<provider>")
                    .arg(field, file.target, fixed.join(QStringLiteral(", "))));
        } else if (!system.isEmpty() && !systems.contains(system)) {
            reader.problem(0, {},
                QStringLiteral("the mapping names %1, but there is no provider '%2' whose ids our %3 carry; the "
                               "providers are %4")
                    .arg(field, system, file.target, systemList));
        } else if (file.columns.contains(column)) {
            columnOf.insert(field, column);
        } else if (column != field) {
            // A same-named column that is absent is a field the file does not have (a required one
            // is named below, once).
            reader.problem(headerLine, {},
                QStringLiteral("expected a column '%1' for our field %2; the columns are %3")
                    .arg(column, field, columnList));
        }
    }
    for (const QString &field : fixed) {
        if (!columnOf.contains(field) && preset.column(field).isEmpty() && file.columns.contains(field))
            columnOf.insert(field, field);
    }
    for (const QString &column : file.columns) {
        const QString system = RecordImport::systemOf(column);
        if (system.isEmpty() || columnOf.contains(column) || !preset.column(column).isEmpty())
            continue;
        if (systems.contains(system))
            columnOf.insert(column, column);
        else
            reader.problem(headerLine, column,
                QStringLiteral("expected external_id:<provider> naming one of the providers (%1) our %2 may be "
                               "linked to, got %3")
                    .arg(systemList, file.target, got(column)));
    }
    int externalIds = 0;
    for (const QString &field : fixed) {
        if (columnOf.contains(field))
            file.mapping.append({ field, columnOf.value(field) });
        else if (RecordImport::isRequired(file.target, field))
            reader.problem(headerLine, {},
                QStringLiteral("nothing gives our field %1: map it to a column (%1=COLUMN); the columns are %2")
                    .arg(field, columnList));
    }
    for (auto it = columnOf.cbegin(); it != columnOf.cend(); ++it) {
        if (!RecordImport::systemOf(it.key()).isEmpty()) {
            file.mapping.append({ it.key(), it.value() });
            ++externalIds;
        }
    }
    std::sort(file.mapping.begin() + (file.mapping.size() - externalIds), file.mapping.end());
    const ImportTarget *target = ImportTargets::find(file.target);
    if (target->providerIds == ImportTarget::ProviderIds::ExactlyOne && externalIds != 1)
        reader.problem(headerLine, {},
            QStringLiteral("expected one column with the %1s provider's id (external_id:<provider>=COLUMN; the "
                           "providers are %2), got %3")
                .arg(target->noun, systemList)
                .arg(externalIds));
}
} // namespace

QString ImportProblem::text() const
{
    QString where = file;
    if (line > 0)
        where += QStringLiteral(" line %1").arg(line);
    if (!column.isEmpty())
        where += QStringLiteral(", column %1").arg(column);
    // A CSV reader's message reads on from the line ("line 3 is not UTF-8 text"); others follow a colon.
    const bool predicate = message.startsWith(QLatin1String("is ")) || message.startsWith(QLatin1String("has "))
        || message.startsWith(QLatin1String("holds ")) || message.startsWith(QLatin1String("cannot "));
    return where + (predicate ? QStringLiteral(" ") : QStringLiteral(": ")) + message;
}

QStringList ImportFile::fields() const
{
    QStringList list;
    for (const auto &entry : mapping)
        list << entry.first;
    return list;
}

QString ImportFile::problemText() const
{
    QStringList lines;
    for (const ImportProblem &p : problems)
        lines << p.text();
    if (truncatedProblems)
        lines << QStringLiteral("(and more after these)");
    lines << QStringLiteral("Nothing was imported.");
    return lines.join(QLatin1Char('\n'));
}

namespace RecordImport {

QStringList targets()
{
    return ImportTargets::namesFor(QStringLiteral("records import"));
}

QString entityTypeOf(const QString &target)
{
    const ImportTarget *t = ImportTargets::find(target);
    return t ? t->entityType : QString();
}

QStringList fieldsOf(const QString &target)
{
    const ImportTarget *t = ImportTargets::find(target);
    return t ? t->fieldNames() : QStringList();
}

bool isRequired(const QString &target, const QString &field)
{
    const ImportTarget *t = ImportTargets::find(target);
    const ImportField *f = t ? t->field(field) : nullptr;
    return f && f->required;
}

QString externalIdField(const QString &system)
{
    return kExternalPrefix + system;
}

QString systemOf(const QString &field)
{
    return field.startsWith(kExternalPrefix) ? field.mid(kExternalPrefix.size()) : QString();
}

QString formatFor(const QString &path, const QString &presetFormat)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson"))
        return QStringLiteral("jsonl");
    if (suffix == QLatin1String("csv"))
        return QStringLiteral("csv");
    return presetFormat.isEmpty() ? QStringLiteral("csv") : presetFormat;
}

ImportFile read(
    QIODevice &in, const QString &fileName, const ImportPreset &preset, const QStringList &systems, int maxProblems)
{
    ImportFile file;
    file.fileName = fileName;
    file.target = preset.target;
    file.format = preset.format;
    Reader reader(file, maxProblems);
    const ImportTarget *target = ImportTargets::find(preset.target);
    if (target && target->command != QLatin1String("records import")) {
        // A statement's or the ledger's preset read as our records would make customers of bank lines.
        reader.problem(0, {},
            QStringLiteral("cannot be imported as our records with preset %1: it is for %2, which reconsolectl %3 "
                           "reads; records import reads %4")
                .arg(preset.name, target->name, target->command, targets().join(QStringLiteral(" and "))));
        return file;
    }
    if (const QString problem = preset.problem(); !target || !problem.isEmpty()) {
        reader.problem(0, {}, problem);
        return file;
    }
    QList<RawRow> raw;
    if (file.format == QLatin1String("csv"))
        readCsv(in, file, raw, reader);
    else
        readJsonLines(in, file, raw, reader);
    if (reader.full())
        return file;
    const qsizetype before = file.problems.size();
    resolveMapping(file, preset, systems, reader);
    if (file.problems.size() > before || reader.full())
        return file; // rows named against a mapping that is wrong would only repeat it

    QHash<QString, int> lineOfId;
    for (const RawRow &r : raw) {
        ImportRow row;
        row.line = r.line;
        for (const auto &[field, column] : file.mapping) {
            QString value;
            if (file.format == QLatin1String("csv")) {
                value = r.cells.at(file.columns.indexOf(column));
            } else if (!textOf(r.object.value(column), value)) {
                if (!reader.problem(
                        r.line, column, QStringLiteral("expected text or a number, got an object or a list")))
                    return file;
                continue;
            }
            if (value.trimmed().isEmpty() && isRequired(file.target, field)) {
                row.refused.insert(field, value);
                if (!reader.problem(r.line, column, QStringLiteral("expected our %1, got nothing").arg(field)))
                    return file;
                continue;
            }
            const QString asGiven = value;
            const QString refused = checkValue(*target, field, value);
            if (!refused.isEmpty()) {
                row.refused.insert(field, asGiven);
                if (!reader.problem(r.line, column, refused))
                    return file;
                continue;
            }
            row.values.insert(field, value);
        }
        const QString id = row.id();
        if (!id.isEmpty()) {
            if (lineOfId.contains(id)) {
                if (!reader.problem(r.line, file.mapping.first().second,
                        QStringLiteral("expected one line per record, got %1 again (first on line %2)")
                            .arg(got(id))
                            .arg(lineOfId.value(id))))
                    return file;
                continue;
            }
            lineOfId.insert(id, r.line);
        }
        file.rows << row;
    }
    return file;
}

ImportFile readFile(const QString &path, const ImportPreset &preset, const QStringList &systems, int maxProblems)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        ImportFile file;
        file.fileName = QFileInfo(path).fileName();
        file.target = preset.target;
        file.format = preset.format;
        file.problems << ImportProblem { path, 0, {}, QStringLiteral("cannot be read: %1").arg(in.errorString()) };
        return file;
    }
    return read(in, QFileInfo(path).fileName(), preset, systems, maxProblems);
}

} // namespace RecordImport
