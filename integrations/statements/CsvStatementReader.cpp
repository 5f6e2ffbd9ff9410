#include "statements/CsvStatementReader.h"

#include "core/CsvReader.h"
#include "core/Money.h"
#include "records/ImportTarget.h"
#include "statements/ReadError.h"

#include <QHash>

namespace {
// CsvReader's complaint reads on from the line: "bank.csv line 3 is not UTF-8 text (…)".
Error csvError(const QString &fileName, const CsvReader &csv)
{
    return failure(ErrorClass::Input,
        QStringLiteral("%1 line %2 %3; is it the CSV export the preset is for?")
            .arg(fileName)
            .arg(csv.line())
            .arg(csv.error()));
}

// Our field → the index of its column, from the header: the preset's column, else a column
// named like the field (a shipped preset maps each field to its own name).
Result<QHash<QString, int>> columnsOf(
    const ImportTarget &target, const ImportPreset &preset, const QStringList &header, const QString &fileName)
{
    const QString columnList = header.join(QStringLiteral(", "));
    QHash<QString, int> index;
    for (const auto &[field, column] : preset.mapping) {
        if (!target.field(field))
            return readError(fileName, 1,
                QStringLiteral("preset %1 maps '%2', which a statement line does not have; ours are %3.")
                    .arg(preset.name, field, target.fieldNames().join(QStringLiteral(", "))));
        if (const qsizetype at = header.indexOf(column); at >= 0)
            index.insert(field, int(at));
        else if (column != field || target.field(field)->required)
            return readError(fileName, 1,
                QStringLiteral("expected a column '%1' for our field %2 (preset %3); the columns are %4. Is this the "
                               "export the preset is for?")
                    .arg(column, field, preset.name, columnList));
    }
    for (const ImportField &f : target.fields) {
        if (!index.contains(f.name) && preset.column(f.name).isEmpty() && header.contains(f.name))
            index.insert(f.name, int(header.indexOf(f.name)));
        if (f.required && !index.contains(f.name))
            return readError(fileName, 1,
                QStringLiteral("nothing gives our field %1: preset %2 must map it to one of the columns (%3).")
                    .arg(f.name, preset.name, columnList));
    }
    return index;
}

class RowReader
{
public:
    RowReader(const ImportTarget &target, const ImportPreset &preset, const QString &fileName)
        : m_target(target)
        , m_preset(preset)
        , m_file(fileName)
    { }

    Result<StatementLine> line(
        int lineNo, const QStringList &cells, const QHash<QString, int> &index, const QStringList &header) const
    {
        QHash<QString, QString> v;
        for (auto it = index.cbegin(); it != index.cend(); ++it) {
            const ImportField &f = *m_target.field(it.key());
            QString value = cells.at(it.value());
            const QString where = QStringLiteral("column %1: ").arg(header.at(it.value()));
            if (value.trimmed().isEmpty() && f.required)
                return readError(m_file, lineNo, where + QStringLiteral("expected our %1, got nothing").arg(f.name));
            if (const QString refused = ImportTargets::check(m_target, f, value, m_preset.options); !refused.isEmpty())
                return readError(m_file, lineNo, where + refused);
            v.insert(f.name, value);
        }
        StatementLine l;
        l.sourceLine = lineNo;
        l.currency = v.value(QStringLiteral("currency")).toUpper();
        l.exponent = Money::exponent(l.currency);
        auto amount = money(lineNo, QStringLiteral("amount"), v, index, header, l);
        if (!amount)
            return amount.error();
        l.direction = *amount < 0 ? Direction::Debit : Direction::Credit;
        l.amountMinor = *amount < 0 ? -*amount : *amount;
        if (v.contains(QStringLiteral("fee"))) {
            auto fee = money(lineNo, QStringLiteral("fee"), v, index, header, l);
            if (!fee)
                return fee.error();
            l.feeMinor = *fee;
        }
        l.bookingDate = m_preset.options.date(v.value(QStringLiteral("booking_date")));
        const QString valueDate = v.value(QStringLiteral("value_date"));
        l.valueDate = valueDate.isEmpty() ? l.bookingDate : m_preset.options.date(valueDate);
        l.bankEntryId = v.value(QStringLiteral("bank_entry_id"));
        l.endToEndId = v.value(QStringLiteral("end_to_end_id"));
        if (const QString reference = v.value(QStringLiteral("reference")); !reference.isEmpty())
            l.references << reference;
        l.counterpartyName = v.value(QStringLiteral("counterparty_name"));
        l.counterpartyAccount = v.value(QStringLiteral("counterparty_account"));
        l.description = v.value(QStringLiteral("description")).simplified();
        l.payoutId = v.value(QStringLiteral("payout_id"));
        l.category = v.value(QStringLiteral("category"));
        return l;
    }

private:
    // An amount in major units at the line's currency's exponent: 0.001 EUR is refused, not rounded.
    Result<qint64> money(int lineNo, const QString &field, const QHash<QString, QString> &v,
        const QHash<QString, int> &index, const QStringList &header, const StatementLine &l) const
    {
        const QString text = v.value(field);
        if (text.isEmpty())
            return qint64(0);
        if (auto minor = Money::parseMajor(text, l.exponent, m_preset.options.decimalSeparator))
            return *minor;
        return readError(m_file, lineNo,
            QStringLiteral("column %1: expected an amount in %2 with at most %3 decimals, got %4")
                .arg(header.at(index.value(field)), l.currency)
                .arg(l.exponent)
                .arg(ImportTargets::quoted(text)));
    }

    const ImportTarget &m_target;
    const ImportPreset &m_preset;
    QString m_file;
};
} // namespace

Status CsvStatementReader::read(
    QIODevice &in, const QString &fileName, const ImportPreset &preset, const QString &account, StatementSink &sink)
{
    const ImportTarget *target = ImportTargets::find(QStringLiteral("statements"));
    if (preset.target != target->name)
        return failure(ErrorClass::Input,
            QStringLiteral("Preset %1 imports %2, not statements; the statement presets are listed by reconsolectl "
                           "records presets list --kind statements.")
                .arg(preset.name, preset.target));
    if (const QString problem = preset.problem(); !problem.isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("Preset %1: %2").arg(preset.name, problem));
    CsvReader csv(in, preset.options.delimiter);
    QStringList header;
    if (!csv.next(header))
        return csv.error().isEmpty()
            ? readError(fileName, 1, QStringLiteral("the file is empty: expected a header line naming the columns."))
            : csvError(fileName, csv);
    for (QString &c : header)
        c = c.trimmed();
    auto index = columnsOf(*target, preset, header, fileName);
    if (!index)
        return index.error();

    Statement statement;
    statement.id = QStringLiteral("csv:") + fileName;
    statement.account = account;
    bool begun = false;
    const RowReader rows(*target, preset, fileName);
    QStringList cells;
    while (csv.next(cells)) {
        if (cells.size() != header.size())
            return readError(fileName, csv.line(),
                QStringLiteral("expected %1 fields as the header has, got %2 (is the delimiter '%3'?)")
                    .arg(header.size())
                    .arg(cells.size())
                    .arg(preset.options.delimiter));
        auto line = rows.line(csv.line(), cells, index.value(), header);
        if (!line)
            return line.error();
        if (!begun) {
            statement.currency = line->currency;
            if (Status s = sink.begin(statement); !s)
                return s;
            begun = true;
        }
        if (Status s = sink.line(line.value()); !s)
            return s;
    }
    if (!csv.error().isEmpty())
        return csvError(fileName, csv);
    if (!begun)
        return readError(fileName, 2, QStringLiteral("the file has a header but no lines."));
    return sink.end(statement);
}
