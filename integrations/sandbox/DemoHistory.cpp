#include "sandbox/DemoHistory.h"

#include "keychain/Keychain.h"
#include "operations/OperationRunner.h"
#include "operations/OperationStore.h"
#include "providers/ProviderRegistry.h"
#include "sandbox/DemoSetup.h"
#include "store/Database.h"
#include "transport/HttpTransport.h"

#include <QDateTime>
#include <QHash>
#include <QTimer>
#include <QUrlQuery>

#include <utility>

struct DemoHistory::Replay
{
    QList<DemoStory> stories;
    qsizetype index = 0;
    struct Payment
    {
        QString id;
        qint64 amount = 0;
        QString currency;
    };
    QHash<qsizetype, Payment> paid; // story index → the payment its capture made
    Payment lastPaid;
    std::unique_ptr<ClockShift> clock;
    std::unique_ptr<Transaction> tx; // the month is stored whole or not at all
    std::function<void(Status)> done;

    // From now on the clock reads `at`: the month's time, moved on by the real time a run takes.
    void setTime(qint64 at) { clock->setOffset(QDateTime::currentMSecsSinceEpoch() - at); }
};

DemoHistory::DemoHistory(const Database &db, HttpTransport &transport, const QString &sandboxUrl, const QString &actor)
    : m_db(db)
    , m_transport(transport)
    , m_sandboxUrl(sandboxUrl)
    , m_actor(actor)
    , m_keys(std::make_unique<MemoryKeychain>())
{
    m_keys->write(
        QString::fromLatin1(DemoData::kCredentialId), QString::fromLatin1(DemoSetup::kTestKey), [](Status) {});
    m_keys->write(
        QString::fromLatin1(DemoData::kCrmCredentialId), QString::fromLatin1(DemoSetup::kCrmToken), [](Status) {});
    m_registry = std::make_unique<ProviderRegistry>(db, transport, *m_keys);
    InPlaceRetries once;
    once.attempts = 1; // one send per run: the story's next run is the agent's scheduled retry
    m_runner = std::make_unique<OperationRunner>(db, *m_registry, once);
}

DemoHistory::~DemoHistory() = default;

void DemoHistory::run(QList<DemoStory> stories, std::function<void(Status)> done)
{
    auto replay = std::make_shared<Replay>();
    replay->stories = std::move(stories);
    replay->clock = std::make_unique<ClockShift>(0);
    // Every write of the runs joins this one transaction: one commit instead of six per operation.
    replay->tx = std::make_unique<Transaction>(m_db.connection());
    replay->done = std::move(done);
    next(replay);
}

void DemoHistory::next(std::shared_ptr<Replay> r)
{
    if (r->index == r->stories.size()) {
        conclude(r, success());
        return;
    }
    // Orders that simply go through are sent a few at a time, as the agent sends what fell due;
    // a story with faults runs alone, so the faults it queued are the ones its requests meet.
    constexpr int kBatch = 6;
    auto plain = [&r](qsizetype i) { return r->stories.at(i).runs == QStringList { QString() }; };
    qsizetype end = r->index + 1;
    while (plain(r->index) && end < r->stories.size() && end - r->index < kBatch && plain(end))
        ++end;
    // Sent when the last of them was submitted: no attempt before its operation.
    r->setTime(r->stories.at(end - 1).operation.createdAt);
    m_transport.refillAll(); // the orders are minutes apart: every budget is full again
    QList<QPair<qsizetype, qint64>> batch;
    for (qsizetype i = r->index; i < end; ++i) {
        Operation op = r->stories.at(i).operation;
        if (r->stories.at(i).refundOf >= 0) {
            // Half of the payment it names, or of the last one that went through before it.
            const Replay::Payment paid = r->paid.value(r->stories.at(i).refundOf, r->lastPaid);
            if (paid.id.isEmpty())
                continue; // nothing paid yet to refund
            op.payload.insert(QStringLiteral("payment_intent"), paid.id);
            op.payload.insert(QStringLiteral("amount"), qMax<qint64>(1, paid.amount / 2));
            op.payload.insert(QStringLiteral("currency"), paid.currency); // the payment's; not sent
        }
        auto id = OperationStore(m_db).insert(op);
        if (!id) {
            conclude(r, id.error());
            return;
        }
        batch << qMakePair(i, id.value());
    }
    auto remaining = std::make_shared<qsizetype>(batch.size());
    auto finished = [this, r, remaining, end] {
        if (--*remaining > 0)
            return;
        r->index = end;
        // Through the event loop: runs that fail at once must not deepen the stack.
        QTimer::singleShot(0, m_runner.get(), [this, r] { next(r); });
    };
    if (batch.isEmpty()) {
        ++*remaining;
        finished();
    }
    for (const auto &[story, id] : batch)
        runOnce(r, story, id, 0, finished);
}

void DemoHistory::runOnce(
    std::shared_ptr<Replay> r, qsizetype story, qint64 operationId, int run, std::function<void()> finished)
{
    auto send = [this, r, story, operationId, run, finished] {
        m_runner->run(operationId, m_actor, [this, r, story, operationId, run, finished](Result<Operation> result) {
            if (!r->done)
                return; // the history already failed
            // A failure the story asked for is history; one it did not is a demo that cannot be made.
            if (!result) {
                const ErrorClass c = result.error().errorClass;
                const bool told = c == ErrorClass::Client || c == ErrorClass::RateLimited || c == ErrorClass::Server
                    || c == ErrorClass::Timeout;
                if (!told) {
                    conclude(r,
                        failure(c,
                            QStringLiteral("The demo's history could not be run against the sandbox at %1: %2")
                                .arg(m_sandboxUrl, result.message())));
                    return;
                }
            }
            auto op = OperationStore(m_db).get(operationId);
            if (!op) {
                conclude(r, op.error());
                return;
            }
            if (op->action == QLatin1String("capture_payment") && !op->externalId.isEmpty()
                && op->state == OperationState::Succeeded) {
                r->lastPaid = { op->externalId, op->payload.value(QStringLiteral("amount")).toInteger(),
                    op->payload.value(QStringLiteral("currency")).toString() };
                r->paid.insert(story, r->lastPaid);
            }
            if (run + 1 < r->stories.at(story).runs.size() && op->state == OperationState::RetryScheduled) {
                r->setTime(op->nextAttemptAt); // the agent picks it up when it falls due
                m_transport.refillAll();
                runOnce(r, story, operationId, run + 1, finished);
                return;
            }
            finished();
        });
    };
    const QString fault = r->stories.at(story).runs.value(run);
    if (fault.isEmpty()) {
        send();
        return;
    }
    queueFault(fault, [r, send](Status queued) {
        if (queued)
            send();
        else
            conclude(r, queued);
    });
}

void DemoHistory::conclude(const std::shared_ptr<Replay> &r, Status why)
{
    auto done = std::exchange(r->done, nullptr);
    if (!done)
        return;
    r->clock.reset(); // the real time again, before anyone hears of it
    if (why && !r->tx->commit())
        why = failure(ErrorClass::Storage, QStringLiteral("Cannot commit the demo's history."));
    r->tx.reset(); // rolls back what a failed history wrote
    // Told from the event loop: the caller may drop this history, runner and all, when it hears.
    QTimer::singleShot(0, [done = std::move(done), why] { done(why); });
}

void DemoHistory::queueFault(const QString &spec, std::function<void(Status)> done)
{
    HttpRequest req;
    req.method = "POST";
    req.url = QUrl(m_sandboxUrl + QStringLiteral("/_sandbox/faults"));
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("spec"), spec);
    req.body = form.toString(QUrl::FullyEncoded).toUtf8();
    req.headers = { { "Authorization", "Bearer " + QByteArray(DemoSetup::kTestKey) },
        { "Content-Type", "application/x-www-form-urlencoded" } };
    req.timeoutMs = 5000;
    const QString url = m_sandboxUrl;
    m_transport.send(req, [done, url, spec](const HttpResponse &r) {
        if (r.status == 200)
            done(success());
        else
            done(failure(ErrorClass::Network,
                QStringLiteral("The sandbox at %1 did not take the fault '%2' (%3). Is it Reconsole's sandbox "
                               "(`reconsolectl sandbox`)?")
                    .arg(url, spec, r.status ? QStringLiteral("HTTP %1").arg(r.status) : r.transportMessage)));
    });
}
