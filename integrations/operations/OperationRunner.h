#pragma once

#include "core/Result.h"
#include "operations/Operation.h"
#include "operations/OperationStore.h"
#include "transport/RetryPolicy.h"

#include <QObject>

#include <functional>
#include <memory>

class Database;
class ProviderAdapter;
struct ProviderOutcome;
class ProviderRegistry;

// Sends one operation to its provider safely: asks first when the last outcome is unknown,
// journals every attempt before it leaves, keeps the operation's idempotency key, backs
// off between tries, and leaves the operation in the state the answers justify.
class OperationRunner : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<Operation>)>;

    OperationRunner(
        const Database &db, ProviderRegistry &providers, RetryPolicy policy = {}, QObject *parent = nullptr);

    void run(qint64 operationId, const QString &actor, Done done);

private:
    struct Run;
    void settleUnknown(std::shared_ptr<Run> run);
    void attempt(std::shared_ptr<Run> run);
    void answered(std::shared_ptr<Run> run, int sends, Attempt attempt, const ProviderOutcome &outcome);
    // The one way a run changes its operation: from the state it last saw, keeping the new row.
    Result<Operation> moveTo(const std::shared_ptr<Run> &run, OperationState to, const OperationUpdate &update);
    void finish(std::shared_ptr<Run> run, Result<Operation> result);

    const Database &m_db;
    OperationStore m_operations;
    ProviderRegistry &m_providers;
    RetryPolicy m_policy;
};
