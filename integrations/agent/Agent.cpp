#include "agent/Agent.h"

#include "credentials/CredentialStore.h"
#include "events/ActivityMonitor.h"
#include "events/EventSync.h"
#include "intake/AgentIntake.h"
#include "keychain/Keychain.h"
#include "operations/OperationService.h"
#include "operations/OperationStore.h"
#include "operations/RetryRunWorker.h"
#include "providers/ProviderStore.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSysInfo>

#include <memory>

Q_LOGGING_CATEGORY(lcAgent, "reconsole.agent")

namespace {
QString claimant()
{
    return QStringLiteral("agent:%1:%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
}
} // namespace

Agent::Agent(const Database &db, Keychain &credentials, ProviderRegistry &providers, OperationService &operations,
    QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_credentials(credentials)
    , m_operations(operations)
    , m_receiver(db)
    , m_listener(std::make_unique<HttpListener>())
    , m_sync(std::make_unique<EventSync>(db, providers))
    , m_intake(std::make_unique<AgentIntake>(db, credentials, providers, operations, claimant()))
    , m_retryRuns(std::make_unique<RetryRunWorker>(db, operations))
{
    m_listener->addRoute(m_receiver);
    m_listener->addRoute(m_intake->route());
    connect(&m_syncTimer, &QTimer::timeout, this, &Agent::syncAll);
    connect(&m_retryTimer, &QTimer::timeout, this, &Agent::retryDue);
    connect(&m_activityTimer, &QTimer::timeout, this, &Agent::checkActivity);
}

Agent::~Agent() = default;

void Agent::loadWebhookSecrets(std::function<void(QStringList)> done)
{
    QList<Credential> secrets;
    for (const Credential &c : CredentialStore(m_db).all().value_or({})) {
        if (c.kind == QLatin1String("webhook-secret") && !c.isRevoked())
            secrets << c;
    }
    if (secrets.isEmpty()) {
        done({});
        return;
    }
    struct Pending
    {
        int left = 0;
        QHash<QString, QStringList> byProvider;
        QStringList problems;
    };
    auto pending = std::make_shared<Pending>();
    pending->left = static_cast<int>(secrets.size());
    for (const Credential &c : secrets) {
        m_credentials.read(c.id, [this, c, pending, done](Result<QString> secret) {
            if (secret) {
                pending->byProvider[c.providerId] << secret.value();
                m_receiver.setSecrets(c.providerId, pending->byProvider.value(c.providerId));
            } else {
                pending->problems << QStringLiteral("webhook secret %1: %2").arg(c.id, secret.message());
            }
            if (--pending->left == 0)
                done(pending->problems);
        });
    }
}

bool Agent::start(const Options &options)
{
    m_receiver.setBatchWindow(qMax(0, options.batchWindowMs));
    m_receiver.setGroupCommit(options.groupCommit);
    m_listener->setOptions(options.listener);
    if (!m_listener->listen(options.port))
        return false;
    m_receiver.start();
    m_silenceMinutes = options.silenceMinutes;
    if (options.syncIntervalSeconds > 0)
        m_syncTimer.start(options.syncIntervalSeconds * 1000);
    if (options.retryIntervalMs > 0) {
        m_retryTimer.start(options.retryIntervalMs);
        m_retryRuns->start(); // a run's operations go at the provider's pace, not the worker's timer
    }
    m_activityTimer.start(60000);
    m_intake->start();
    return true;
}

void Agent::syncAll()
{
    for (const ProviderConfig &p : ProviderStore(m_db).all().value_or({})) {
        m_sync->syncOnce(p.id, [id = p.id](Result<int> stored) {
            if (!stored)
                qCWarning(lcAgent).noquote() << QStringLiteral("event sync of %1: %2").arg(id, stored.message());
        });
    }
}

void Agent::retryDue()
{
    // Claimed, not just listed: agents sharing a database each take their own. The claim
    // lapses after a minute, so one that dies before sending leaves nothing stuck.
    // Intake operations whose not_before passed are due too.
    m_operations.runDue(claimant());
}

void Agent::checkActivity()
{
    for (const ActivityAlert &a : ActivityMonitor(m_db).check(nowMs(), m_silenceMinutes).value_or({}))
        qCWarning(lcAgent).noquote() << a.message;
}
