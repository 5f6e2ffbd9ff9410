#pragma once

#include "core/Result.h"
#include "credentials/Credential.h"
#include "providers/ProviderConfig.h"
#include "providers/RetryPolicy.h"

#include <QList>
#include <QObject>
#include <QStringList>

class AccessPolicy;
class Database;

// Everything an admin does to providers: add, edit, disable, enable. Each change is checked by
// ProviderRules (and its extra CA parsed as X.509), allowed only to an admin, and committed
// with its audit entry. The console and reconsolectl both come through here.
class ProviderService : public QObject
{
    Q_OBJECT
public:
    ProviderService(const Database &db, const AccessPolicy &access, QObject *parent = nullptr);

    Result<QList<ProviderConfig>> all() const;
    Result<ProviderConfig> get(const QString &id) const;
    // A new provider; refused when the id exists. Its credentials come later (Credentials flow).
    Result<ProviderConfig> add(const ProviderConfig &provider);
    // Replaces every setting of the provider `provider.id` except its linked credential and
    // whether it is enabled (setEnabled's).
    Result<ProviderConfig> edit(const ProviderConfig &provider);
    // Disabled: the runner sends nothing to it (its operations and history stay readable).
    Result<ProviderConfig> setEnabled(const QString &id, bool enabled);

    // The provider's retry policies: its own (the kind's defaults when none is set) first, then
    // one per action that has its own.
    Result<QList<RetryPolicy>> retryPolicies(const QString &id) const;
    // Sets the policy for `policy.action` ('' the provider's own), checked by RetryPolicy::check.
    Result<RetryPolicy> setRetryPolicy(const RetryPolicy &policy);
    // Back to the level above: the provider's own for an action, the kind's defaults for the provider.
    Status resetRetryPolicy(const QString &id, const QString &action);

    // The provider's credentials: the API key it uses and its webhook secrets, newest first.
    Result<QList<Credential>> credentialsOf(const QString &id) const;
    // The event types to subscribe to at a provider of `kind` (EventProcessor's list).
    static QStringList eventTypes(const QString &kind);
    // Where the provider must send its webhooks, on the agent at `agentUrl`.
    static QString webhookEndpoint(const QString &agentUrl, const QString &id);
    // ProviderRules::checkPem, then each certificate parsed as X.509.
    static Status checkExtraCa(const QString &pem);
    // Each certificate of `pem` for people: "proxy-ca, until 2036-01-01".
    static QStringList describeCertificates(const QString &pem);

Q_SIGNALS:
    // Emitted after a change is committed, before the caller hears of it.
    void providersChanged(const QStringList &ids);

private:
    Result<ProviderConfig> store(const ProviderConfig &provider, const QString &action, const QString &before);

    const Database &m_db;
    const AccessPolicy &m_access;
};
