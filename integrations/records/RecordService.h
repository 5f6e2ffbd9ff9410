#pragma once

#include "core/Result.h"
#include "operations/OperationRunner.h"
#include "records/FieldMapStore.h"
#include "records/OurRecords.h"
#include "records/RecordDiff.h"
#include "records/RecordImporter.h"

#include <QObject>

#include <functional>

class AccessPolicy;
class Database;
class DriftScanner;
class ProviderRegistry;

// A record as each system sees it: ours, the provider's live object, the last webhook's copy.
struct RecordComparison
{
    OurRecord ours;
    QJsonObject provider;
    qint64 fetchedAt = 0; // when the provider's copy was fetched, epoch ms
    QJsonObject lastWebhook; // empty when no webhook carried the object
    FieldMap map;
    QList<FieldDiff> fields; // every mapped field; standing "ignore" decisions marked

    const FieldDiff *field(const QString &name) const;
    int differing() const; // fields that still ask for a decision
};

// A file of our records to import, and how to read it.
struct RecordImportRequest
{
    QString path;
    QString format; // csv, jsonl; empty: by the file's extension, else the preset's
    ImportPreset preset; // its target is what the rows become; its mapping may be changed from the stored one
    bool dryRun = false;
};

// Compares one record across systems and fixes a field the way its owner says: accept the
// provider's value into ours (audited before → after), push ours to the provider (a new
// operation with a fresh idempotency key, retried like any other), or ignore the difference
// with a reason. Conflicts are settled only by a person choosing a side. Console and
// reconsolectl both come through here; every action is checked against the signed-in roles.
class RecordService : public QObject
{
    Q_OBJECT
public:
    RecordService(const Database &db, ProviderRegistry &providers, OperationRunner &runner, const AccessPolicy &access,
        QObject *parent = nullptr);

    // `id`: any id the record goes by (see OurRecords::find). Fetches the provider's copy now.
    void compare(const QString &entityType, const QString &id, const QString &providerId,
        std::function<void(Result<RecordComparison>)> done);

    Status accept(const RecordComparison &comparison, const QString &field, const QString &reason = {});
    // `done` once the first attempt is over; a failed attempt leaves the operation in the
    // workbench to be retried. A conflict needs `reason` (so does accepting one).
    void push(const RecordComparison &comparison, const QString &field, OperationRunner::Done done,
        const QString &reason = {});
    Status ignore(const RecordComparison &comparison, const QString &field, const QString &reason);
    // Accepts the provider's value of `field` for each listed drift finding where ours is wrong
    // by the rules; conflicts and anything else are skipped and counted, never overwritten.
    struct BulkResult
    {
        int accepted = 0;
        int skipped = 0;
        QStringList problems;
    };
    BulkResult acceptFound(const QString &providerId, const QString &entityType, const QString &field,
        const QStringList &externalIds, const QString &reason = {});

    // Drift scans of this service's database; one scanner, so a panel can cancel what it started.
    DriftScanner &scanner() { return *m_scanner; }
    Result<QList<DriftedRecord>> findings(const QString &providerId, const QString &entityType) const;
    // How many of our records of the type are linked to the provider: a scan's expected size.
    Result<int> linkedCount(const QString &entityType, const QString &providerId) const;

    // Field maps: everyone reads them; saving and restoring need the admin role and are audited.
    Result<FieldMap> fieldMap(const QString &entityType) const;
    Status saveFieldMap(const FieldMap &map, const QString &reason);
    Status restoreFieldMap(const QString &entityType);

    // Our customers, for pickers: ids or e-mails starting like `text`, and whether `id` is one.
    Result<QStringList> customerSuggestions(const QString &text, int limit) const;
    bool isCustomer(const QString &id) const;
    // The record type and id an operation is about ("payment"/"contact", id), for Compare.
    Result<QPair<QString, QString>> recordOfOperation(qint64 operationId) const;

    // Imports of our side from a file (customers, payments), all or nothing, audited as the
    // signed-in person (support role); a dry run needs no role and changes nothing.
    // The providers whose ids rows of `target` may carry (any for customers, payments ones for payments).
    Result<QStringList> importSystems(const QString &target) const;
    // The file read and checked through the request's preset; no database write.
    ImportFile readImport(const RecordImportRequest &request) const;
    // Refused with every problem named (file, line, column, what was expected) when one row is bad.
    Result<ImportOutcome> importRecords(const RecordImportRequest &request);
    Result<QList<ImportPreset>> importPresets(const QString &target = {}) const;
    Result<ImportPreset> importPreset(const QString &name) const;
    // Saves (or replaces) a named preset; support role, audited.
    Status saveImportPreset(const ImportPreset &preset);

    const AccessPolicy &access() const { return m_access; }

Q_SIGNALS:
    // Our side of records changed (an accepted value, an ignore decision, a field map); empty
    // `entityIds`: every record of the type. Emitted before the caller hears the outcome.
    void recordsChanged(const QString &entityType, const QStringList &entityIds);
    // Operations this service made or changed: a push, an accepted payment status.
    void operationsChanged(const QList<qint64> &ids);

private:
    void announce(const OurRecord &record);
    Status acceptValue(const OurRecord &record, const FieldMap &map, const FieldDiff &diff, const QString &reason);
    // Takes the fixed field off the record's drift finding.
    Status forgetFinding(const RecordComparison &comparison, const QString &field);

    const Database &m_db;
    ProviderRegistry &m_providers;
    OperationRunner &m_runner;
    const AccessPolicy &m_access;
    DriftScanner *m_scanner;
};
