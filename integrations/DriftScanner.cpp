#include "DriftScanner.h"

#include "CustomerStore.h"
#include "Database.h"
#include "EventStore.h"
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
    if (entityType != QLatin1String("contact")) {
        done(failure(ErrorClass::Input, QStringLiteral("Drift scans cover contacts so far; '%1' is not one.").arg(entityType)));
        return;
    }
    auto adapter = m_providers.adapterFor(providerId);
    if (!adapter) {
        done(adapter.error());
        return;
    }
    m_cancelled = false;
    const QString key = cursorKey(providerId, entityType);
    if (restart)
        EventStore(m_db).setCursor(key, QString());
    struct Run
    {
        std::shared_ptr<ProviderAdapter> adapter;
        DriftReport report;
        std::function<void(Result<DriftReport>)> done;
        std::function<void(const QString &)> next;
        int rateLimitedInARow = 0;
    };
    auto run = std::make_shared<Run>();
    run->adapter = adapter.value();
    run->done = std::move(done);
    const FieldMap map = FieldMap::defaults(entityType);
    run->next = [this, run, map, key, providerId](const QString &after) {
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
            CustomerStore customers(m_db);
            for (const QJsonObject &record : page->records) {
                const QString externalId = record.value(QStringLiteral("id")).toString();
                QString ours = customers.byExternalId(QStringLiteral("customer"), providerId, externalId).value_or({});
                DriftedRecord drifted{ours, externalId, {}};
                const QJsonObject ourRecord = ours.isEmpty() ? QJsonObject() : customers.get(ours).value_or({});
                for (const FieldDiff &d : RecordDiff::compare(map, ourRecord, record)) {
                    if (d.verdict != FieldDiff::Verdict::InSync)
                        drifted.fields << d;
                }
                ++run->report.compared;
                if (!drifted.fields.isEmpty())
                    run->report.drifted << drifted;
            }
            EventStore(m_db).setCursor(key, page->nextAfter);
            Q_EMIT progress(run->report.compared, static_cast<int>(run->report.drifted.size()));
            if (page->nextAfter.isEmpty() || m_cancelled) {
                run->report.complete = page->nextAfter.isEmpty();
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
