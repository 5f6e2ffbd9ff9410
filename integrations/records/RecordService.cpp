#include "records/RecordService.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "operations/OperationStore.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "records/CustomerStore.h"
#include "records/DriftFindingStore.h"
#include "records/DriftScanner.h"
#include "records/IgnoreDecisionStore.h"
#include "records/ImportPresetStore.h"
#include "store/Database.h"

#include <QLoggingCategory>
#include <QUuid>

#include <memory>

Q_LOGGING_CATEGORY(lcRecords, "reconsole.records")

namespace {
QString targetOf(const OurRecord &record)
{
    return QStringLiteral("%1:%2").arg(record.entityType, record.entityId);
}

// What a failed fetch leaves: "try again" only where trying again can help.
QString unfetched(const OurRecord &record, const Error &error)
{
    switch (error.errorClass) {
    case ErrorClass::Network:
    case ErrorClass::Timeout:
    case ErrorClass::RateLimited:
    case ErrorClass::Server:
        return QStringLiteral(" Nothing was compared; try again then.");
    case ErrorClass::Client:
        return QStringLiteral(" Nothing was compared; our %1 %2 is linked to %3 at %4: check that link.")
            .arg(record.entityType, record.entityId, record.externalId, record.providerId);
    default:
        return QStringLiteral(" Nothing was compared.");
    }
}

} // namespace

const FieldDiff *RecordComparison::field(const QString &name) const
{
    for (const FieldDiff &d : fields) {
        if (d.field == name)
            return &d;
    }
    return nullptr;
}

int RecordComparison::differing() const
{
    int n = 0;
    for (const FieldDiff &d : fields)
        n += d.needsAction() ? 1 : 0;
    return n;
}

RecordService::RecordService(const Database &db, ProviderRegistry &providers, OperationRunner &runner,
    const AccessPolicy &access, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_providers(providers)
    , m_runner(runner)
    , m_access(access)
    , m_scanner(new DriftScanner(db, providers, this))
{ }

void RecordService::compare(const QString &entityType, const QString &id, const QString &providerId,
    std::function<void(Result<RecordComparison>)> done)
{
    auto map = FieldMapStore(m_db).load(entityType);
    if (!map) {
        done(map.error());
        return;
    }
    auto ours = OurRecords(m_db).find(entityType, id, providerId);
    if (!ours) {
        done(ours.error());
        return;
    }
    auto adapter = m_providers.adapterFor(ours->providerId);
    if (!adapter) {
        done(adapter.error());
        return;
    }
    auto comparison = std::make_shared<RecordComparison>();
    comparison->ours = ours.value();
    comparison->map = map.value();
    std::shared_ptr<ProviderAdapter> provider = adapter.value();
    provider->prepare([this, provider, comparison, done](Status prepared) {
        if (!prepared) {
            done(prepared.error());
            return;
        }
        provider->fetchRecord(
            comparison->ours.externalId, [this, provider, comparison, done](Result<QJsonObject> live) {
                if (!live) {
                    done(failure(live.error().errorClass, live.message() + unfetched(comparison->ours, live.error())));
                    return;
                }
                RecordComparison &c = *comparison;
                c.provider = live.value();
                c.fetchedAt = nowMs();
                c.lastWebhook = OurRecords(m_db).lastWebhookCopy(c.ours);
                c.fields = RecordDiff::compare(c.map, c.ours.fields, c.provider, c.lastWebhook);
                Status applied = IgnoreDecisionStore(m_db).apply(c.ours.entityType, c.ours.entityId, c.fields);
                if (!applied) {
                    done(applied.error());
                    return;
                }
                // What a drift scan found about this record is now known better.
                DriftedRecord found { c.ours.entityId, c.ours.externalId, {} };
                for (const FieldDiff &d : c.fields) {
                    if (d.needsAction())
                        found.fields << d;
                }
                // The comparison stands either way; the scan's list catches up at the next scan.
                if (Status kept = DriftFindingStore(m_db).record(c.ours.providerId, c.ours.entityType, found); !kept)
                    qCWarning(lcRecords).noquote() << "drift list not updated:" << kept.message();
                done(c);
            });
    });
}

Status RecordService::acceptValue(
    const OurRecord &record, const FieldMap &map, const FieldDiff &diff, const QString &reason)
{
    const FieldRule *rule = map.rule(diff.field);
    if (!rule)
        return failure(
            ErrorClass::Input, QStringLiteral("'%1' is not in the %2 field map.").arg(diff.field, map.entityType));
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = QStringLiteral("record.accept");
    e.target = targetOf(record);
    e.reason = reason.trimmed().isEmpty()
        ? QStringLiteral("accepted %1's value of %2 (%3)").arg(record.providerId, diff.field, diff.verdictText())
        : reason.trimmed();
    e.before = QStringLiteral("%1: %2").arg(diff.field, RecordDiff::shown(diff.ours));
    e.after = QStringLiteral("%1: %2").arg(diff.field, RecordDiff::shown(diff.provider));
    return OurRecords(m_db).write(record, rule->ourPath, diff.provider, e);
}

Status RecordService::accept(const RecordComparison &c, const QString &field, const QString &reason)
{
    Status allowed
        = m_access.require(Permission::HandleOperations, m_db, QStringLiteral("record.accept"), targetOf(c.ours));
    if (!allowed)
        return allowed;
    const FieldDiff *d = c.field(field);
    if (!d)
        return failure(
            ErrorClass::Input, QStringLiteral("'%1' is not in the %2 field map.").arg(field, c.map.entityType));
    if (!d->differs())
        return failure(ErrorClass::Input, QStringLiteral("'%1' already agrees on both sides.").arg(field));
    if (d->verdict == FieldDiff::Verdict::ProviderIsWrong)
        return failure(ErrorClass::Input,
            QStringLiteral("We own '%1': push our value to %2 instead, or ignore the difference "
                           "with a reason.")
                .arg(field, c.ours.providerId));
    if (d->verdict == FieldDiff::Verdict::Conflict && reason.trimmed().isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("'%1' is a conflict: both sides changed it. Say why the provider's "
                           "value wins; the audit log keeps your reason.")
                .arg(field));
    Status written = acceptValue(c.ours, c.map, *d, reason);
    if (written)
        announce(c.ours);
    return written ? forgetFinding(c, field) : written;
}

void RecordService::push(
    const RecordComparison &c, const QString &field, OperationRunner::Done done, const QString &reason)
{
    Status allowed
        = m_access.require(Permission::HandleOperations, m_db, QStringLiteral("record.push"), targetOf(c.ours));
    if (!allowed) {
        done(allowed.error());
        return;
    }
    const FieldDiff *d = c.field(field);
    const FieldRule *rule = c.map.rule(field);
    if (!d || !rule) {
        done(failure(
            ErrorClass::Input, QStringLiteral("'%1' is not in the %2 field map.").arg(field, c.map.entityType)));
        return;
    }
    if (!d->differs()) {
        done(failure(ErrorClass::Input, QStringLiteral("'%1' already agrees on both sides.").arg(field)));
        return;
    }
    if (d->verdict == FieldDiff::Verdict::OursIsWrong) {
        done(failure(ErrorClass::Input,
            QStringLiteral("%1 owns '%2': accept its value instead, or ignore the difference with "
                           "a reason.")
                .arg(c.ours.providerId, field)));
        return;
    }
    if (d->verdict == FieldDiff::Verdict::Conflict && reason.trimmed().isEmpty()) {
        done(failure(ErrorClass::Input,
            QStringLiteral("'%1' is a conflict: both sides changed it. Say why our value wins; "
                           "the audit log keeps your reason.")
                .arg(field)));
        return;
    }

    Operation op;
    op.providerId = c.ours.providerId;
    op.idempotencyKey = QStringLiteral("rc-push-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString value = RecordDiff::normalized(d->ours);
    if (c.ours.entityType == QLatin1String("contact")) {
        if (!rule->providerPath.startsWith(QLatin1String("properties."))) {
            done(failure(ErrorClass::Input,
                QStringLiteral("The CRM takes changes to properties only; '%1' maps to %2.")
                    .arg(field, rule->providerPath)));
            return;
        }
        op.action = QStringLiteral("update_contact");
        op.entityType = QStringLiteral("customer");
        op.entityId = c.ours.entityId;
        op.payload = QJsonObject { { QStringLiteral("contact_id"), c.ours.externalId },
            { QStringLiteral("properties"), QJsonObject { { rule->providerPath.mid(11), value } } } };
    } else {
        auto original = OperationStore(m_db).get(c.ours.entityId.toLongLong());
        if (!original) {
            done(original.error());
            return;
        }
        op.action = QStringLiteral("update_payment");
        op.entityType = original->entityType; // so the change sits on the order's timeline
        op.entityId = original->entityId;
        op.payload = QJsonObject { { QStringLiteral("payment_intent"), c.ours.externalId },
            { QStringLiteral("fields"), QJsonObject { { rule->providerPath, value } } } };
    }

    AuditEntry e;
    e.actor = m_access.actor();
    e.action = QStringLiteral("record.push");
    e.target = targetOf(c.ours);
    e.reason = reason.trimmed().isEmpty()
        ? QStringLiteral("pushed our value of %1 to %2 (%3)").arg(field, c.ours.providerId, d->verdictText())
        : reason.trimmed();
    e.before = QStringLiteral("%1 at %2: %3").arg(field, c.ours.providerId, RecordDiff::shown(d->provider));
    e.after = QStringLiteral("%1 at %2: %3 (operation key %4)").arg(field, c.ours.providerId, value, op.idempotencyKey);
    Transaction tx(m_db.connection());
    auto id = OperationStore(m_db).insert(op);
    if (!id) {
        done(id.error());
        return;
    }
    Status stored = AuditLog(m_db).commitWith(tx, e, QStringLiteral("the push operation"));
    if (!stored) {
        done(stored.error());
        return;
    }
    Q_EMIT operationsChanged({ id.value() });
    m_runner.run(id.value(), m_access.actor(), [this, c, field, done, opId = id.value()](Result<Operation> result) {
        Q_EMIT operationsChanged({ opId });
        if (result && result->state == OperationState::Succeeded) {
            if (Status forgot = forgetFinding(c, field); !forgot) {
                done(forgot.error());
                return;
            }
        }
        done(result);
    });
}

Status RecordService::ignore(const RecordComparison &c, const QString &field, const QString &reason)
{
    const FieldDiff *d = c.field(field);
    if (!d)
        return failure(
            ErrorClass::Input, QStringLiteral("'%1' is not in the %2 field map.").arg(field, c.map.entityType));
    Status ignored = IgnoreDecisionStore(m_db).ignore(c.ours.entityType, c.ours.entityId, *d, reason, m_access);
    if (ignored)
        Q_EMIT recordsChanged(c.ours.entityType, { c.ours.entityId });
    return ignored ? forgetFinding(c, field) : ignored;
}

Status RecordService::forgetFinding(const RecordComparison &c, const QString &field)
{
    DriftedRecord left { c.ours.entityId, c.ours.externalId, {} };
    for (const FieldDiff &d : c.fields) {
        if (d.needsAction() && d.field != field)
            left.fields << d;
    }
    Status kept = DriftFindingStore(m_db).record(c.ours.providerId, c.ours.entityType, left);
    if (kept)
        return kept;
    // The fix itself is done and audited; only the scan's list is behind.
    return failure(kept.error().errorClass,
        QStringLiteral("Done, but the drift list still shows '%1': %2 Scan again to "
                       "refresh it.")
            .arg(field, kept.message()));
}

RecordService::BulkResult RecordService::acceptFound(const QString &providerId, const QString &entityType,
    const QString &field, const QStringList &externalIds, const QString &reason)
{
    BulkResult result;
    Status allowed = m_access.require(Permission::HandleOperations, m_db, QStringLiteral("record.accept"),
        QStringLiteral("%1:%2 records").arg(entityType).arg(externalIds.size()));
    if (!allowed) {
        result.skipped = static_cast<int>(externalIds.size());
        result.problems << allowed.message();
        return result;
    }
    auto map = FieldMapStore(m_db).load(entityType);
    auto found = DriftFindingStore(m_db).list(providerId, entityType);
    if (!map || !found) {
        result.skipped = static_cast<int>(externalIds.size());
        result.problems << (map ? found.message() : map.message());
        return result;
    }
    for (const DriftedRecord &r : found.value()) {
        if (!externalIds.contains(r.externalId))
            continue;
        const FieldDiff *d = nullptr;
        for (const FieldDiff &f : r.fields) {
            if (f.field == field)
                d = &f;
        }
        auto skip = [&](const QString &why) {
            ++result.skipped;
            result.problems << QStringLiteral("%1: %2").arg(r.entityId.isEmpty() ? r.externalId : r.entityId, why);
        };
        if (!d)
            continue; // this record's drift is in other fields
        if (r.entityId.isEmpty()) {
            skip(QStringLiteral("not in our records; nothing to update"));
            continue;
        }
        if (d->verdict != FieldDiff::Verdict::OursIsWrong) {
            skip(d->verdictText());
            continue;
        }
        auto ours = OurRecords(m_db).find(entityType, r.entityId, providerId);
        if (!ours) {
            skip(ours.message());
            continue;
        }
        const FieldRule *rule = map->rule(field);
        if (!rule || !RecordDiff::same(RecordDiff::valueAt(ours->fields, rule->ourPath), d->ours)) {
            skip(QStringLiteral("our value changed since the scan; compare it again"));
            continue;
        }
        Status written = acceptValue(ours.value(), map.value(), *d, reason);
        if (!written) {
            skip(written.message());
            continue;
        }
        announce(ours.value());
        DriftedRecord left = r;
        left.fields.removeIf([&](const FieldDiff &f) { return f.field == field; });
        ++result.accepted;
        if (Status kept = DriftFindingStore(m_db).record(providerId, entityType, left); !kept)
            result.problems << QStringLiteral("%1: accepted, but still listed (%2)").arg(r.externalId, kept.message());
    }
    return result;
}

Result<QList<DriftedRecord>> RecordService::findings(const QString &providerId, const QString &entityType) const
{
    return DriftFindingStore(m_db).list(providerId, entityType);
}

Result<int> RecordService::linkedCount(const QString &entityType, const QString &providerId) const
{
    return OurRecords(m_db).countLinked(entityType, providerId);
}

Result<FieldMap> RecordService::fieldMap(const QString &entityType) const
{
    return FieldMapStore(m_db).load(entityType);
}

Status RecordService::saveFieldMap(const FieldMap &map, const QString &reason)
{
    Status saved = FieldMapStore(m_db).save(map, m_access, reason);
    if (saved)
        Q_EMIT recordsChanged(map.entityType, {});
    return saved;
}

Status RecordService::restoreFieldMap(const QString &entityType)
{
    Status restored = FieldMapStore(m_db).restoreDefaults(entityType, m_access);
    if (restored)
        Q_EMIT recordsChanged(entityType, {});
    return restored;
}

Result<QStringList> RecordService::importSystems(const QString &target) const
{
    auto providers = ProviderStore(m_db).all();
    if (!providers)
        return providers.error();
    QStringList systems;
    for (const ProviderConfig &p : providers.value()) {
        // A payment is one of our capture operations: only a payments provider can hold it.
        if (target != QLatin1String("payments") || p.kind == QLatin1String("payments"))
            systems << p.id;
    }
    return systems;
}

ImportFile RecordService::readImport(const RecordImportRequest &request) const
{
    ImportPreset preset = request.preset;
    preset.format = request.format.isEmpty() ? RecordImport::formatFor(request.path, preset.format) : request.format;
    auto systems = importSystems(preset.target);
    if (!systems) {
        ImportFile file;
        file.fileName = request.path;
        file.target = preset.target;
        file.problems << ImportProblem { request.path, 0, {},
            QStringLiteral("cannot be checked: ") + systems.message() };
        return file;
    }
    return RecordImport::readFile(request.path, preset, systems.value());
}

Result<ImportOutcome> RecordService::importRecords(const RecordImportRequest &request)
{
    const QString target = QStringLiteral("records:%1").arg(request.preset.target);
    if (!request.dryRun) {
        Status allowed = m_access.require(Permission::HandleOperations, m_db, QStringLiteral("records.import"), target);
        if (!allowed)
            return allowed.error();
    }
    const ImportFile file = readImport(request);
    AuditEntry audit;
    audit.actor = m_access.actor();
    auto outcome = RecordImporter(m_db).apply(file, audit, request.dryRun);
    if (!outcome || request.dryRun)
        return outcome;
    qCInfo(lcRecords).noquote() << "imported" << file.fileName << "as" << file.target << ":" << outcome->summary();
    if (!outcome->entityIds.isEmpty())
        Q_EMIT recordsChanged(RecordImport::entityTypeOf(file.target), outcome->entityIds);
    if (!outcome->operationIds.isEmpty())
        Q_EMIT operationsChanged(outcome->operationIds);
    return outcome;
}

Result<QList<ImportPreset>> RecordService::importPresets(const QString &target) const
{
    return ImportPresetStore(m_db).all(target);
}

Result<ImportPreset> RecordService::importPreset(const QString &name) const
{
    return ImportPresetStore(m_db).get(name);
}

Status RecordService::saveImportPreset(const ImportPreset &preset)
{
    const QString target = QStringLiteral("preset:%1").arg(preset.name);
    Status allowed
        = m_access.require(Permission::HandleOperations, m_db, QStringLiteral("records.preset.save"), target);
    if (!allowed)
        return allowed;
    auto before = ImportPresetStore(m_db).get(preset.name);
    Transaction tx(m_db.connection());
    Status saved = ImportPresetStore(m_db).save(preset, m_access.actor());
    if (!saved)
        return saved;
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = QStringLiteral("records.preset.save");
    e.target = target;
    e.reason = QStringLiteral("import preset for %1 (%2)").arg(preset.target, preset.format);
    e.before = before ? before->mappingText() : QString();
    e.after = preset.mappingText();
    return AuditLog(m_db).commitWith(tx, e, QStringLiteral("the preset %1").arg(preset.name));
}

void RecordService::announce(const OurRecord &record)
{
    Q_EMIT recordsChanged(record.entityType, { record.entityId });
    // A payment record is its operation's row: accepting the provider's status changes the operation.
    if (record.entityType == QLatin1String("payment"))
        Q_EMIT operationsChanged({ record.entityId.toLongLong() });
}

Result<QStringList> RecordService::customerSuggestions(const QString &text, int limit) const
{
    return CustomerStore(m_db).suggestions(text, limit);
}

bool RecordService::isCustomer(const QString &id) const
{
    return !id.isEmpty() && CustomerStore(m_db).get(id).ok();
}

Result<QPair<QString, QString>> RecordService::recordOfOperation(qint64 operationId) const
{
    return OurRecords(m_db).recordOfOperation(operationId);
}
