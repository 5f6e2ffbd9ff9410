#include "records/ImportPreset.h"

#include "records/RecordImport.h"

#include <QJsonObject>
#include <QRegularExpression>

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
    if (!RecordImport::targets().contains(target))
        return QStringLiteral("There is nothing to import as '%1'; the kinds are %2.")
            .arg(target, RecordImport::targets().join(QStringLiteral(", ")));
    if (!formats().contains(format))
        return QStringLiteral("There is no format '%1'; the formats are %2.")
            .arg(format, formats().join(QStringLiteral(", ")));
    return {};
}

QStringList ImportPreset::formats()
{
    return { QStringLiteral("csv"), QStringLiteral("jsonl") };
}

QList<ImportPreset> ImportPreset::shippedPresets()
{
    QList<ImportPreset> presets;
    for (const QString &target : RecordImport::targets()) {
        ImportPreset p;
        p.name = defaultName(target);
        p.target = target;
        p.format = QStringLiteral("csv");
        for (const QString &field : RecordImport::fieldsOf(target))
            p.mapping.append({ field, field });
        p.shipped = true;
        presets << p;
    }
    return presets;
}

QString ImportPreset::defaultName(const QString &target)
{
    return target + QStringLiteral("-default");
}
