#pragma once

#include "core/Result.h"
#include "sandbox/DemoData.h"

#include <QString>

#include <functional>
#include <memory>

class Database;
class HttpTransport;
class MemoryKeychain;
class OperationRunner;
class ProviderRegistry;

// The demo's month, run for real: every operation is submitted at the time it is dated and handed
// to the OperationRunner, as the agent would, against the sandbox with the faults its story needs
// queued there first (POST /_sandbox/faults). So every attempt in the journal is a request that
// was sent and the answer that came back. Only the clock is moved (ClockShift): a month takes
// seconds, and the times stay those of the month.
class DemoHistory
{
public:
    // `sandboxUrl` serves both providers; the runs use the demo's own key and token, held here in
    // memory, so the history does not depend on the desktop keychain.
    DemoHistory(const Database &db, HttpTransport &transport, const QString &sandboxUrl, const QString &actor);
    ~DemoHistory();

    void run(QList<DemoStory> stories, std::function<void(Status)> done);

private:
    struct Replay;
    void next(std::shared_ptr<Replay> replay);
    // Run number `run` of a story's operation; `finished` when its last run is done.
    void runOnce(
        std::shared_ptr<Replay> replay, qsizetype story, qint64 operationId, int run, std::function<void()> finished);
    // Ends the history with `why`, success or not, once.
    static void conclude(const std::shared_ptr<Replay> &replay, Status why);
    void queueFault(const QString &spec, std::function<void(Status)> done);

    const Database &m_db;
    HttpTransport &m_transport;
    QString m_sandboxUrl;
    QString m_actor;
    std::unique_ptr<MemoryKeychain> m_keys;
    std::unique_ptr<ProviderRegistry> m_registry;
    std::unique_ptr<OperationRunner> m_runner;
};
