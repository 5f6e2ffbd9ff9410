#include "events/EventSync.h"

#include "events/EventProcessor.h"
#include "events/EventStore.h"
#include "providers/ProviderAdapter.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <memory>

namespace {
constexpr int kPageSize = 100;

// Where the sync stands, kept in the provider's cursor. Caught up: `top` is the newest event
// seen. Catching up (a round stopped short of the last position): `top` is where the cursor
// goes once the events from after `resume` back to `until` are in too. A provider lists
// events newest first, so nothing between `until` and `top` can be skipped by a short round.
struct Position
{
    QString top;
    QString resume; // empty: caught up
    QString until;

    static Position parse(const QString &cursor)
    {
        const QJsonObject o = QJsonDocument::fromJson(cursor.toUtf8()).object();
        if (o.isEmpty())
            return { cursor, {}, {} };
        return { o.value(QStringLiteral("top")).toString(), o.value(QStringLiteral("resume")).toString(),
            o.value(QStringLiteral("until")).toString() };
    }
    QString text() const
    {
        if (resume.isEmpty())
            return top;
        return QString::fromUtf8(QJsonDocument(
            QJsonObject { { QStringLiteral("top"), top }, { QStringLiteral("resume"), resume },
                { QStringLiteral("until"),
                    until } }).toJson(QJsonDocument::Compact));
    }
};
} // namespace

EventSync::EventSync(const Database &db, ProviderRegistry &providers, int maxPagesPerRound, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_providers(providers)
    , m_maxPages(maxPagesPerRound)
{ }

void EventSync::syncOnce(const QString &providerId, std::function<void(Result<int>)> done)
{
    // A disabled provider is not contacted at all; its events wait until it is enabled again.
    if (auto provider = ProviderStore(m_db).get(providerId); provider && !provider->enabled) {
        done(0);
        return;
    }
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
        Position was;
        bool resuming = false; // finishing an earlier round's catch-up
        QString stopAt;
        QString newest; // the first event this round saw
        QString lastSeen; // the oldest event this round stored
        int stored = 0;
        int pages = 0;
        std::shared_ptr<ProviderAdapter> adapter;
        std::function<void(Result<int>)> done;
        std::function<void(const QString &)> next;
    };
    auto round = std::make_shared<Round>();
    round->providerId = providerId;
    round->was = Position::parse(cursor.value());
    round->resuming = !round->was.resume.isEmpty();
    round->stopAt = round->resuming ? round->was.until : round->was.top;
    round->adapter = adapter.value();
    round->done = std::move(done);
    // `reached`: the round met its stopping point (or the list's end).
    auto finish = [this, round](Result<int> result, bool reached) {
        Position now = round->was;
        const bool firstEver = round->was.top.isEmpty() && !round->resuming;
        if (reached || firstEver) {
            // Caught up. A first sync takes the newest events only: history is not imported.
            now = { round->resuming ? round->was.top : (round->newest.isEmpty() ? round->was.top : round->newest), {},
                {} };
        } else if (!round->lastSeen.isEmpty()) {
            // Stopped short: the gap from lastSeen back to the old position is next round's first work.
            now = round->resuming ? Position { round->was.top, round->lastSeen, round->was.until }
                                  : Position { round->newest, round->lastSeen, round->was.top };
        }
        // A cursor that cannot be kept fails the round: the next one reads the same gap again
        // (events are stored once), rather than trusting a position that was never written.
        if (Status kept = EventStore(m_db).setCursor(round->providerId, now.text()); !kept && result)
            result = kept.error();
        if (auto processed = EventProcessor(m_db).processPending(); !processed && result)
            result = processed.error(); // stored, not lost: the next round or webhook works the queue
        round->next = nullptr; // breaks the self-reference
        round->done(result ? Result<int>(round->stored) : result);
    };
    round->next = [this, round, finish](const QString &after) {
        round->adapter->listEvents(after, kPageSize, [this, round, finish](Result<EventPage> page) {
            if (!page) {
                finish(page.error(), false);
                return;
            }
            ++round->pages;
            for (const QJsonObject &event : page->events) {
                const QString id = event.value(QStringLiteral("id")).toString();
                if (id == round->stopAt) {
                    finish(round->stored, true);
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
                    finish(inserted.error(), false);
                    return;
                }
                round->stored += inserted.value() ? 1 : 0;
                round->lastSeen = id;
            }
            if (!page->hasMore || round->lastSeen.isEmpty())
                finish(round->stored, true); // the end of the list: nothing older to wait for
            else if (round->pages < m_maxPages)
                round->next(round->lastSeen);
            else
                finish(round->stored, false);
        });
    };
    round->adapter->prepare([round, finish](Status prepared) {
        if (!prepared)
            finish(prepared.error(), false);
        else
            round->next(round->resuming ? round->was.resume : QString());
    });
}
