#include "intake/AgentIntake.h"

#include "intake/IntakeApi.h"
#include "intake/IntakeOutbox.h"
#include "intake/IntakeService.h"
#include "intake/IntakeTokens.h"
#include "operations/OperationRequestStore.h"
#include "operations/OperationService.h"
#include "store/Database.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAgentIntake, "reconsole.intake")

AgentIntake::AgentIntake(const Database &db, Keychain &keychain, ProviderRegistry &providers,
    OperationService &operations, const QString &claimant, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_operations(operations)
    , m_claimant(claimant)
    , m_service(std::make_unique<IntakeService>(db, providers))
    , m_tokens(std::make_unique<IntakeTokens>(db, keychain))
    , m_api(std::make_unique<IntakeApi>(db, *m_service, *m_tokens))
    , m_outbox(std::make_unique<IntakeOutbox>(db, *m_service))
{
    // Queued: the answer (202) leaves first, and an operation accepted inside the outbox's
    // transaction is claimed only once that transaction is committed.
    connect(
        m_service.get(), &IntakeService::accepted, this, [this] { m_operations.runDue(m_claimant); },
        Qt::QueuedConnection);
    connect(&m_outboxTimer, &QTimer::timeout, this, &AgentIntake::drainOutbox);
}

AgentIntake::~AgentIntake() = default;

HttpRoute &AgentIntake::route()
{
    return *m_api;
}

void AgentIntake::start(int outboxIntervalMs)
{
    if (outboxIntervalMs > 0 && OperationRequestStore(m_db).available())
        m_outboxTimer.start(outboxIntervalMs);
}

void AgentIntake::drainOutbox()
{
    for (;;) {
        auto drained = m_outbox->drainOnce(m_claimant);
        if (!drained) {
            qCWarning(lcAgentIntake).noquote() << QStringLiteral("operation_requests: %1").arg(drained.message());
            return;
        }
        if (drained->accepted + drained->rejected == 0)
            return;
        if (drained->rejected > 0)
            qCInfo(lcAgentIntake).noquote()
                << QStringLiteral("operation_requests: %1 rejected (see their error column)").arg(drained->rejected);
    }
}
