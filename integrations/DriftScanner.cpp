#include "DriftScanner.h"

#include "Database.h"
#include "EventStore.h"
#include "FieldMapStore.h"
#include "IgnoredDifferences.h"
#include "OurRecords.h"
#include "ProviderAdapter.h"
#include "ProviderRegistry.h"

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
{
}

void DriftScanner::scan(const QString &entityType, const QString &providerId, bool restart,
                        std::function<void(Result<DriftReport>)> done)
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
        EventStore(m_db).setCursor(key, QString());
        DriftFindings(m_db).clear(providerId, entityType);
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
            EventStore(m_db).setCursor(key, page->nextAfter);
            Q_EMIT progress(run->report.compared, run->driftedThisRun);
            if (page->nextAfter.isEmpty() || m_cancelled) {
                run->report.complete = page->nextAfter.isEmpty();
                run->report.drifted = DriftFindings(m_db).list(providerId, map.entityType).value_or({});
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
    OurRecords ours(m_db);
    IgnoredDifferences ignored(m_db);
    DriftFindings findings(m_db);
    Transaction tx(m_db.connection()); // one commit per page, not per record
    int drifted = 0;
    for (const QJsonObject &record : records) {
        const QString externalId = record.value(QStringLiteral("id")).toString();
        // A record we do not have is drift too: every field differs ("not ours").
        const OurRecord our = ours.find(map.entityType, externalId, providerId).value_or({});
        DriftedRecord found{our.entityId, externalId, {}};
        QList<FieldDiff> diffs = RecordDiff::compare(map, our.fields, record,
                                                     our.entityId.isEmpty() ? QJsonObject() : ours.lastWebhookCopy(our));
        if (!our.entityId.isEmpty()) {
            Status applied = ignored.apply(map.entityType, our.entityId, diffs);
            if (!applied)
                return applied.error();
        }
        for (const FieldDiff &d : diffs) {
            if (d.needsAction())
                found.fields << d;
        }
        Status stored = findings.record(providerId, map.entityType, found);
        if (!stored)
            return stored.error();
        drifted += found.fields.isEmpty() ? 0 : 1;
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot store what the scan found."));
    return drifted;
}
