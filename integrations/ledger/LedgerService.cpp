#include "ledger/LedgerService.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "ledger/LedgerImport.h"
#include "ledger/LedgerStore.h"
#include "records/ImportPresetStore.h"
#include "store/Database.h"

#include <QFile>
#include <QFileInfo>

namespace {
const QString kTarget = QStringLiteral("ledger");

Result<ImportPreset> ledgerPreset(const Database &db, const QString &name)
{
    auto preset = ImportPresetStore(db).get(name.isEmpty() ? ImportPreset::defaultName(kTarget) : name);
    if (!preset)
        return preset.error();
    if (preset->target != kTarget) {
        QStringList names;
        for (const ImportPreset &p : ImportPresetStore(db).all(kTarget).value_or({}))
            names << p.name;
        return failure(ErrorClass::Input,
            QStringLiteral("The preset %1 reads %2, not ledger entries; the ledger presets are %3.")
                .arg(preset->name, preset->target, names.join(QStringLiteral(", "))));
    }
    return preset;
}
} // namespace

LedgerService::LedgerService(const Database &db, const AccessPolicy &access)
    : m_db(db)
    , m_access(access)
{ }

Result<LedgerFileImport> LedgerService::importFile(
    const QString &path, const QString &presetName, const QString &account)
{
    LedgerFileImport result;
    result.fileName = QFileInfo(path).fileName();
    const QString target = QStringLiteral("file:") + result.fileName;
    if (Status allowed = m_access.require(Permission::Reconcile, m_db, QStringLiteral("ledger.import"), target);
        !allowed)
        return allowed.error();
    auto preset = ledgerPreset(m_db, presetName);
    if (!preset)
        return preset.error();
    result.preset = preset->name;
    result.format = RecordImport::formatFor(path, preset->format);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(ErrorClass::Input,
            QStringLiteral("Cannot read %1: %2. Nothing was imported.").arg(path, file.errorString()));

    // Read and store in one pass inside one transaction: a million rows never sit in memory,
    // and the first problem ends the storing (the rest is only read, to report it too).
    Transaction tx(m_db.connection());
    if (!tx.active())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot start storing %1.").arg(result.fileName));
    LedgerStore store(m_db);
    LedgerImport reader(file, result.fileName, result.format, preset.value(), account);
    LedgerEntry entry;
    const qint64 now = nowMs();
    while (reader.next(entry)) {
        if (!reader.problems().isEmpty())
            continue;
        entry.createdAt = now;
        entry.createdBy = m_access.actor();
        auto stored = store.insert(entry);
        if (!stored) {
            if (stored.error().errorClass != ErrorClass::Conflict)
                return failure(stored.error().errorClass,
                    QStringLiteral("%1 (%2 line %3). Nothing was imported.")
                        .arg(stored.message(), result.fileName)
                        .arg(reader.line()));
            reader.addProblem(LedgerFields::name(LedgerFields::Id), stored.message());
            continue;
        }
        ++(stored.value() == LedgerStore::Stored::New ? result.imported : result.duplicates);
    }
    if (!reader.problems().isEmpty())
        return failure(ErrorClass::Input, reader.problemText());
    result.rows = reader.rowsRead();
    result.ignoredColumns = reader.ignoredColumns();

    AuditEntry e;
    e.actor = m_access.actor();
    e.action = QStringLiteral("ledger.import");
    e.target = target;
    e.reason = QStringLiteral("imported %1 (%2, preset %3)").arg(result.fileName, result.format, result.preset);
    e.after = QStringLiteral("%1 entries: %2 new, %3 already there")
                  .arg(result.rows)
                  .arg(result.imported)
                  .arg(result.duplicates);
    if (Status committed = AuditLog(m_db).commitWith(tx, e, QStringLiteral("the import of %1").arg(result.fileName));
        !committed)
        return committed.error();
    return result;
}
