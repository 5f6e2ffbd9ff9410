#include "records/ImportPresetStore.h"

#include "store/Database.h"

#include <QJsonDocument>
#include <QMap>
#include <QSqlQuery>

ImportPresetStore::ImportPresetStore(const Database &db)
    : m_db(db)
{ }

Result<QList<ImportPreset>> ImportPresetStore::all(const QString &target) const
{
    QMap<QPair<QString, QString>, ImportPreset> byTargetAndName;
    for (const ImportPreset &p : ImportPreset::shippedPresets())
        byTargetAndName.insert({ p.target, p.name }, p);
    QSqlQuery q(m_db.connection());
    if (!q.exec(QStringLiteral(
            "SELECT name, target, format, mapping, updated_by, updated_at, options FROM import_presets")))
        return storageError(QStringLiteral("Cannot read the import presets"), q);
    while (q.next()) {
        ImportPreset p;
        p.name = q.value(0).toString();
        p.target = q.value(1).toString();
        p.format = q.value(2).toString();
        p.mapping = ImportPreset::mappingFromJson(QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array());
        p.updatedBy = q.value(4).toString();
        p.updatedAt = q.value(5).toLongLong();
        p.options = ImportOptions::fromJson(QJsonDocument::fromJson(q.value(6).toString().toUtf8()).object());
        // A saved preset replaces the shipped one of its name, whatever target that had.
        for (auto it = byTargetAndName.begin(); it != byTargetAndName.end();) {
            it = it.key().second == p.name ? byTargetAndName.erase(it) : std::next(it);
        }
        byTargetAndName.insert({ p.target, p.name }, p);
    }
    QList<ImportPreset> presets;
    for (const ImportPreset &p : byTargetAndName) {
        if (target.isEmpty() || p.target == target)
            presets << p;
    }
    return presets;
}

Result<ImportPreset> ImportPresetStore::get(const QString &name) const
{
    auto presets = all();
    if (!presets)
        return presets.error();
    QStringList names;
    for (const ImportPreset &p : presets.value()) {
        if (p.name == name)
            return p;
        names << p.name;
    }
    return failure(ErrorClass::Input,
        QStringLiteral("There is no import preset '%1'; the presets are %2.")
            .arg(name, names.join(QStringLiteral(", "))));
}

Status ImportPresetStore::save(const ImportPreset &preset, const QString &actor)
{
    const QString problem = preset.problem();
    if (!problem.isEmpty())
        return failure(ErrorClass::Input, problem);
    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("INSERT INTO import_presets (name, target, format, mapping, updated_by, updated_at, "
                             "options) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                             "target = excluded.target, format = excluded.format, mapping = excluded.mapping, "
                             "updated_by = excluded.updated_by, updated_at = excluded.updated_at, "
                             "options = excluded.options"));
    q.addBindValue(preset.name);
    q.addBindValue(preset.target);
    q.addBindValue(preset.format);
    q.addBindValue(QString::fromUtf8(QJsonDocument(preset.mappingJson()).toJson(QJsonDocument::Compact)));
    q.addBindValue(sqlText(actor));
    q.addBindValue(nowMs());
    q.addBindValue(QString::fromUtf8(QJsonDocument(preset.options.toJson()).toJson(QJsonDocument::Compact)));
    if (!q.exec())
        return storageError(QStringLiteral("Cannot save import preset %1").arg(preset.name), q);
    return success();
}
