#include "records/DriftScanner.h"

#include "events/EventStore.h"
#include "providers/ProviderAdapter.h"
#include "providers/ProviderRegistry.h"
#include "records/FieldMapStore.h"
#include "records/IgnoreDecisionStore.h"
#include "records/OurRecords.h"
#include "store/Database.h"

#include <memory>

namespace {
constexpr int kPageSize = 100;

QString cursorKey(const QString &providerId, const QString &entityType)
{
    return QStringLiteral("drift:%1:%2").arg(providerId, entityType);
}
} // namespace

DriftScanner::DriftScanner(const Database &db, ProviderRegistry &providers, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_providers(providers)
{ }

bool DriftScanner::resumable(const QString &entityType, const QString &providerId) const
{
    return !EventStore(m_db).cursor(cursorKey(providerId, entityType)).value_or({}).isEmpty();
}

void DriftScanner::scan(
    const QString &entityType, const QString &providerId, bool restart, std::function<void(Result<DriftReport>)> done)
{
    auto map = FieldMapStore(m_db).load(entityType);
    if (!map) {
        done(map.error());
        return;
    }
    auto adapter = m_providers.adapterFor(providerId);
    if (!adapter) {
        done(adapter.error());
        return;
    }
    m_cancelled = false;
    const QString key = cursorKey(providerId, entityType);
    if (restart) {
        Status forgot = EventStore(m_db).setCursor(key, QString());
        if (forgot)
            forgot = DriftFindingStore(m_db).clear(providerId, entityType);
        if (!forgot) {
            done(forgot.error());
            return;
        }
    }
    struct Run
    {
        std::shared_ptr<ProviderAdapter> adapter;
        DriftReport report;
        std::function<void(Result<DriftReport>)> done;
        std::function<void(const QString &)> next;
        int rateLimitedInARow = 0;
        int driftedThisRun = 0;
    };
    auto run = std::make_shared<Run>();
    run->adapter = adapter.value();
    run->done = std::move(done);
    run->next = [this, run, map = map.value(), key, providerId](const QString &after) {
        run->adapter->listRecords(after, kPageSize, [this, run, map, key, providerId, after](Result<RecordPage> page) {
            if (!page && page.error().errorClass == ErrorClass::RateLimited && ++run->rateLimitedInARow <= 5) {
                run->next(after); // the transport now waits out the provider's window
                return;
            }
            if (!page) {
                run->next = nullptr;
                run->done(page.error()); // the stored position stays: scan again to resume
                return;
            }
            run->rateLimitedInARow = 0;
            auto kept = comparePage(map, providerId, page->records);
            if (!kept) {
                run->next = nullptr;
                run->done(kept.error());
                return;
            }
            run->report.compared += static_cast<int>(page->records.size());
            run->driftedThisRun += kept.value();
            // The page's findings are kept; a position that cannot be kept stops the scan, which
            // resumes from the last one written and compares this page again.
            if (Status moved = EventStore(m_db).setCursor(key, page->nextAfter); !moved) {
                run->next = nullptr;
                run->done(moved.error());
                return;
            }
            Q_EMIT progress(run->report.compared, run->driftedThisRun);
            if (page->nextAfter.isEmpty() || m_cancelled) {
                run->report.complete = page->nextAfter.isEmpty();
                run->report.drifted = DriftFindingStore(m_db).list(providerId, map.entityType).value_or({});
                run->next = nullptr;
                run->done(run->report);
                return;
            }
            run->next(page->nextAfter);
        });
    };
    const QString start = EventStore(m_db).cursor(key).value_or({});
    run->adapter->prepare([run, start](Status prepared) {
        if (!prepared) {
            run->next = nullptr;
            run->done(prepared.error());
            return;
        }
        run->next(start);
    });
}

Result<int> DriftScanner::comparePage(const FieldMap &map, const QString &providerId, const QList<QJsonObject> &records)
{
    // A page in a handful of queries: ours, what the webhooks said, the standing decisions.
    QStringList externalIds;
    for (const QJsonObject &record : records)
        externalIds << record.value(QStringLiteral("id")).toString();
    OurRecords ours(m_db);
    auto known = ours.findByExternalIds(map.entityType, providerId, externalIds);
    if (!known)
        return known.error();
    const QHash<QString, QJsonObject> heard = ours.lastWebhookCopies(known->values());
    QHash<QString, QList<FieldDiff>> diffs; // by our entity id
    QList<DriftedRecord> found;
    for (const QJsonObject &record : records) {
        const QString externalId = record.value(QStringLiteral("id")).toString();
        // A record we do not have is drift too: every field differs ("not ours").
        const OurRecord our = known->value(externalId);
        found << DriftedRecord { our.entityId, externalId, {} };
        const QList<FieldDiff> compared = RecordDiff::compare(map, our.fields, record, heard.value(our.entityId));
        if (our.entityId.isEmpty())
            found.last().fields = compared;
        else
            diffs.insert(our.entityId, compared);
    }
    Status applied = IgnoreDecisionStore(m_db).applyAll(map.entityType, diffs);
    if (!applied)
        return applied.error();
    int drifted = 0;
    for (DriftedRecord &r : found) {
        const QList<FieldDiff> all = r.entityId.isEmpty() ? r.fields : diffs.value(r.entityId);
        r.fields.clear();
        for (const FieldDiff &d : all) {
            if (d.needsAction())
                r.fields << d;
        }
        drifted += r.fields.isEmpty() ? 0 : 1;
    }
    Transaction tx(m_db.connection()); // one commit per page, not per record
    Status stored = DriftFindingStore(m_db).recordAll(providerId, map.entityType, found);
    if (!stored)
        return stored.error();
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot store what the scan found."));
    return drifted;
}
