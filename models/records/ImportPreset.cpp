#include "records/ImportPreset.h"

#include "records/ImportTarget.h"

#include <QDateTime>
#include <QJsonObject>
#include <QRegularExpression>

namespace {
const QString kUnix = QStringLiteral("unix");

ImportPreset statementPreset(
    const QString &name, const QList<QPair<QString, QString>> &mapping, const ImportOptions &options = {})
{
    ImportPreset p;
    p.name = name;
    p.target = QStringLiteral("statements");
    p.format = QStringLiteral("csv");
    p.mapping = mapping;
    p.options = options;
    p.shipped = true;
    return p;
}

// Stripe's itemized report exports, one balance transaction a row, amounts in major units
// (https://docs.stripe.com/reports/report-types/payout-reconciliation and
// https://docs.stripe.com/reports/report-types/balance): balance_transaction_id, created_utc,
// available_on_utc ("2024-03-01 14:05:09", UTC), currency, gross, fee, net,
// reporting_category, source_id, description; the payout reconciliation report adds
// automatic_payout_id. The gross is the line's amount and the fee its fee (net = gross − fee).
QList<QPair<QString, QString>> stripeMapping(bool withPayout)
{
    QList<QPair<QString, QString>> m { { QStringLiteral("booking_date"), QStringLiteral("created_utc") },
        { QStringLiteral("amount"), QStringLiteral("gross") },
        { QStringLiteral("currency"), QStringLiteral("currency") },
        { QStringLiteral("value_date"), QStringLiteral("available_on_utc") },
        { QStringLiteral("bank_entry_id"), QStringLiteral("balance_transaction_id") },
        { QStringLiteral("reference"), QStringLiteral("source_id") },
        { QStringLiteral("description"), QStringLiteral("description") },
        { QStringLiteral("fee"), QStringLiteral("fee") },
        { QStringLiteral("category"), QStringLiteral("reporting_category") } };
    if (withPayout)
        m.append({ QStringLiteral("payout_id"), QStringLiteral("automatic_payout_id") });
    return m;
}

// A bank's own CSV export as most write it: date, amount (signed), currency, reference,
// counterparty, description.
QList<QPair<QString, QString>> bankMapping()
{
    return { { QStringLiteral("booking_date"), QStringLiteral("date") },
        { QStringLiteral("amount"), QStringLiteral("amount") },
        { QStringLiteral("currency"), QStringLiteral("currency") },
        { QStringLiteral("reference"), QStringLiteral("reference") },
        { QStringLiteral("counterparty_name"), QStringLiteral("counterparty") },
        { QStringLiteral("description"), QStringLiteral("description") } };
}
} // namespace

QDate ImportOptions::date(const QString &value) const
{
    const QString v = value.trimmed();
    if (dateFormat == kUnix) {
        static const QRegularExpression seconds(QStringLiteral("^\\d{1,12}$"));
        if (!seconds.match(v).hasMatch())
            return {};
        return QDateTime::fromSecsSinceEpoch(v.toLongLong(), Qt::UTC).date();
    }
    // "yyyy-MM-dd HH:mm:ss": the date and the time are read apart, with no zone, so a time that a
    // local clock skips (a DST change) is still that day.
    const qsizetype space = dateFormat.indexOf(QLatin1Char(' '));
    const QString format = space < 0 ? dateFormat : dateFormat.left(space);
    QString day = v;
    if (space >= 0) {
        const qsizetype valueSpace = v.indexOf(QLatin1Char(' '));
        if (valueSpace < 0 || !QTime::fromString(v.mid(valueSpace + 1).trimmed(), dateFormat.mid(space + 1)).isValid())
            return {};
        day = v.left(valueSpace);
    }
    const QDate date = QDate::fromString(day, format);
    // Qt reads "yy" as 19yy; a bank's two-digit year is this century's.
    if (date.isValid() && !format.contains(QLatin1String("yyyy")) && date.year() < 1970)
        return date.addYears(100);
    return date;
}

QString ImportOptions::dateFormatText() const
{
    return dateFormat == kUnix ? QStringLiteral("unix seconds such as 1678043844") : dateFormat;
}

QString ImportOptions::problem() const
{
    if (delimiter != QLatin1Char(',') && delimiter != QLatin1Char(';') && delimiter != QLatin1Char('\t')
        && delimiter != QLatin1Char('|'))
        return QStringLiteral("A CSV's delimiter is ',', ';', '|' or a tab, not '%1'.").arg(delimiter);
    if (decimalSeparator != QLatin1Char('.') && decimalSeparator != QLatin1Char(','))
        return QStringLiteral("The decimal separator is '.' or ',', not '%1'.").arg(decimalSeparator);
    if (decimalSeparator == delimiter)
        return QStringLiteral("The decimal separator cannot also be the delimiter ('%1'): with a decimal comma, "
                              "the delimiter is usually ';'.")
            .arg(delimiter);
    if (dateFormat != kUnix) {
        const QString sample = QDateTime(QDate(2024, 3, 1), QTime(14, 5, 9)).toString(dateFormat);
        if (!dateFormat.contains(QLatin1String("yy")) || !dateFormat.contains(QLatin1Char('M'))
            || !dateFormat.contains(QLatin1Char('d')) || !date(sample).isValid() || date(sample) != QDate(2024, 3, 1))
            return QStringLiteral("The date format '%1' does not give a day, a month and a year (such as yyyy-MM-dd, "
                                  "dd.MM.yyyy, yyyy-MM-dd HH:mm:ss, or unix for seconds since 1970).")
                .arg(dateFormat);
    }
    return {};
}

QJsonObject ImportOptions::toJson() const
{
    return { { QStringLiteral("delimiter"), QString(delimiter) },
        { QStringLiteral("decimal_separator"), QString(decimalSeparator) },
        { QStringLiteral("date_format"), dateFormat } };
}

ImportOptions ImportOptions::fromJson(const QJsonObject &object)
{
    ImportOptions o;
    const QString delimiterText = object.value(QStringLiteral("delimiter")).toString();
    const QString separatorText = object.value(QStringLiteral("decimal_separator")).toString();
    if (delimiterText.size() == 1)
        o.delimiter = delimiterText.front();
    if (separatorText.size() == 1)
        o.decimalSeparator = separatorText.front();
    if (object.contains(QStringLiteral("date_format")))
        o.dateFormat = object.value(QStringLiteral("date_format")).toString();
    return o;
}

QString ImportOptions::apply(ImportOptions &options, const QString &text)
{
    const qsizetype equals = text.indexOf(QLatin1Char('='));
    const QString key = text.left(equals).trimmed();
    QString value = equals < 0 ? QString() : text.mid(equals + 1);
    if (key == QLatin1String("date_format") && !value.trimmed().isEmpty()) {
        options.dateFormat = value.trimmed();
    } else if ((key == QLatin1String("delimiter") || key == QLatin1String("decimal_separator"))
        && (value.size() == 1 || value == QLatin1String("\\t"))) {
        (key == QLatin1String("delimiter") ? options.delimiter : options.decimalSeparator)
            = value == QLatin1String("\\t") ? QLatin1Char('\t') : value.front();
    } else {
        return QStringLiteral("'%1' is not delimiter=C, decimal_separator=C or date_format=FORMAT (for example "
                              "decimal_separator=,).")
            .arg(text);
    }
    return options.problem();
}

QString ImportPreset::column(const QString &field) const
{
    for (const auto &entry : mapping) {
        if (entry.first == field)
            return entry.second;
    }
    return {};
}

void ImportPreset::setColumn(const QString &field, const QString &columnName)
{
    for (qsizetype i = 0; i < mapping.size(); ++i) {
        if (mapping.at(i).first != field)
            continue;
        if (columnName.isEmpty())
            mapping.removeAt(i);
        else
            mapping[i].second = columnName;
        return;
    }
    if (!columnName.isEmpty())
        mapping.append({ field, columnName });
}

QString ImportPreset::mappingText() const
{
    QStringList pairs;
    for (const auto &entry : mapping)
        pairs << entry.first + QLatin1Char('=') + entry.second;
    return pairs.join(QLatin1Char(','));
}

Result<QList<QPair<QString, QString>>> ImportPreset::parseMapping(const QString &text)
{
    QList<QPair<QString, QString>> pairs;
    for (const QString &pair : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        const QString field = pair.left(equals).trimmed();
        const QString columnName = equals < 0 ? QString() : pair.mid(equals + 1).trimmed();
        if (field.isEmpty() || columnName.isEmpty())
            return failure(ErrorClass::Input,
                QStringLiteral("'%1' is not our_field=column (for example email=e_mail).").arg(pair.trimmed()));
        pairs.append({ field, columnName });
    }
    return pairs;
}

QJsonArray ImportPreset::mappingJson() const
{
    QJsonArray array;
    for (const auto &entry : mapping)
        array.append(
            QJsonObject { { QStringLiteral("field"), entry.first }, { QStringLiteral("column"), entry.second } });
    return array;
}

QList<QPair<QString, QString>> ImportPreset::mappingFromJson(const QJsonArray &array)
{
    QList<QPair<QString, QString>> pairs;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        pairs.append({ o.value(QStringLiteral("field")).toString(), o.value(QStringLiteral("column")).toString() });
    }
    return pairs;
}

QString ImportPreset::problem() const
{
    static const QRegularExpression namePattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (!namePattern.match(name).hasMatch())
        return QStringLiteral("A preset's name is letters, digits, '.', '_' and '-' (at most 64), like "
                              "shop-customers; '%1' is not.")
            .arg(name);
    const ImportTarget *kind = ImportTargets::find(target);
    if (!kind)
        return QStringLiteral("There is nothing to import as '%1'; the kinds are %2.")
            .arg(target, ImportTargets::names().join(QStringLiteral(", ")));
    if (!formats().contains(format))
        return QStringLiteral("There is no format '%1'; the formats are %2.")
            .arg(format, formats().join(QStringLiteral(", ")));
    if (!kind->formats.contains(format))
        return QStringLiteral("%1 are read from %2, not %3.")
            .arg(kind->name, kind->formats.join(QStringLiteral(" or ")), format);
    return options.problem();
}

QStringList ImportPreset::formats()
{
    return { QStringLiteral("csv"), QStringLiteral("jsonl") };
}

QList<ImportPreset> ImportPreset::shippedPresets()
{
    QList<ImportPreset> presets;
    for (const ImportTarget &target : ImportTargets::all()) {
        ImportPreset p;
        p.name = defaultName(target.name);
        p.target = target.name;
        p.format = QStringLiteral("csv");
        for (const QString &field : target.fieldNames())
            p.mapping.append({ field, field });
        p.shipped = true;
        presets << p;
    }
    ImportOptions stripe;
    stripe.dateFormat = QStringLiteral("yyyy-MM-dd HH:mm:ss");
    ImportOptions decimalComma;
    decimalComma.delimiter = QLatin1Char(';');
    decimalComma.decimalSeparator = QLatin1Char(',');
    decimalComma.dateFormat = QStringLiteral("dd.MM.yyyy");
    presets << statementPreset(QStringLiteral("stripe-payout-reconciliation"), stripeMapping(true), stripe)
            << statementPreset(QStringLiteral("stripe-balance-change"), stripeMapping(false), stripe)
            << statementPreset(QStringLiteral("bank-csv"), bankMapping())
            << statementPreset(QStringLiteral("bank-csv-decimal-comma"), bankMapping(), decimalComma);
    return presets;
}

QString ImportPreset::defaultName(const QString &target)
{
    return target + QStringLiteral("-default");
}
