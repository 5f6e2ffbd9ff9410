#pragma once

#include "core/Result.h"
#include "records/ImportPreset.h"

#include <QList>
#include <QString>

class Database;

// Named import presets: the shipped ones (ImportPreset::shippedPresets) and those people
// saved, a saved one replacing a shipped one of the same name.
class ImportPresetStore
{
public:
    explicit ImportPresetStore(const Database &db);

    // Every preset, of one target when `target` is given, by target then name.
    Result<QList<ImportPreset>> all(const QString &target = {}) const;
    // An Input failure naming the presets there are when there is none called `name`.
    Result<ImportPreset> get(const QString &name) const;
    // Stores `preset` (replacing one of its name) as `actor` made it; the caller audits it.
    Status save(const ImportPreset &preset, const QString &actor);

private:
    const Database &m_db;
};
