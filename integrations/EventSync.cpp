#include "EventSync.h"

#include "Database.h"
#include "EventProcessor.h"
#include "EventStore.h"
#include "ProviderAdapter.h"
#include "ProviderRegistry.h"

#include <QJsonDocument>
#include <memory>

namespace {
constexpr int kPageSize = 100;
constexpr int kMaxPages = 50; // one round stops here; the next continues from the cursor
} // namespace

EventSync::EventSync(const Database &db, ProviderRegistry &providers, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_providers(providers)
{
}

void EventSync::syncOnce(const QString &providerId, std::function<void(Result<int>)> done)
{
    auto adapter = m_providers.adapterFor(providerId);
    if (!adapter) {
        done(adapter.error());
        return;
    }
    auto cursor = EventStore(m_db).cursor(providerId);
    if (!cursor) {
        done(cursor.error());
        return;
    }
    struct Round
    {
        QString providerId;
        QString stopAt;
        QString newest;
        int stored = 0;
        int pages = 0;
        std::shared_ptr<ProviderAdapter> adapter;
        std::function<void(Result<int>)> done;
        std::function<void(const QString &)> next;
    };
    auto round = std::make_shared<Round>();
    round->providerId = providerId;
    round->stopAt = cursor.value();
    round->adapter = adapter.value();
    round->done = std::move(done);
    auto finish = [this, round](Result<int> result) {
        if (!round->newest.isEmpty())
            EventStore(m_db).setCursor(round->providerId, round->newest);
        EventProcessor(m_db).processPending();
        round->next = nullptr; // breaks the self-reference
        round->done(result ? Result<int>(round->stored) : result);
    };
    round->next = [this, round, finish](const QString &after) {
        round->adapter->listEvents(after, kPageSize, [this, round, finish](Result<EventPage> page) {
            if (!page) {
                finish(page.error());
                return;
            }
            ++round->pages;
            QString last;
            for (const QJsonObject &event : page->events) {
                const QString id = event.value(QStringLiteral("id")).toString();
                if (id == round->stopAt) {
                    finish(round->stored);
                    return;
                }
                if (round->newest.isEmpty())
                    round->newest = id;
                Event e;
                e.source = round->providerId;
                e.channel = QStringLiteral("sync");
                e.externalId = id;
                e.type = event.value(QStringLiteral("type")).toString();
                e.occurredAt = event.value(QStringLiteral("created")).toInteger() * 1000;
                e.payload = QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
                auto inserted = EventStore(m_db).insertIfNew(e);
                if (!inserted) {
                    finish(inserted.error());
                    return;
                }
                round->stored += inserted.value() ? 1 : 0;
                last = id;
            }
            if (page->hasMore && !last.isEmpty() && round->pages < kMaxPages)
                round->next(last);
            else
                finish(round->stored);
        });
    };
    round->adapter->prepare([round, finish](Status prepared) {
        if (!prepared)
            finish(prepared.error());
        else
            round->next(QString());
    });
}
