#include "providers/ProviderService.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "credentials/CredentialStore.h"
#include "events/EventProcessor.h"
#include "providers/ProviderRules.h"
#include "providers/ProviderStore.h"
#include "providers/RetryPolicyStore.h"
#include "store/Database.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QSslCertificate>

#include <algorithm>

Q_LOGGING_CATEGORY(lcProviders, "reconsole.providers")

namespace {
QString target(const QString &id)
{
    return QStringLiteral("provider:") + id;
}

// A policy's audit target: the provider, or one of its actions ("provider:stripe-live/refund").
QString policyTarget(const QString &id, const QString &action)
{
    return action.isEmpty() ? target(id) : target(id) + QLatin1Char('/') + action;
}

// What the audit log keeps of a provider: every setting, the CA by its digest (it is public, but long).
QString describe(const ProviderConfig &p)
{
    const QString ca = p.extraCaPem.isEmpty()
        ? QStringLiteral("none")
        : QString::fromLatin1(
            QCryptographicHash::hash(p.extraCaPem.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
    return QStringLiteral("%1 %2 %3 %4 rate=%5 burst=%6 timeout=%7ms purpose=%8 owner=%9 ca=%10 %11")
        .arg(p.kind, p.environment, p.baseUrl, p.displayName)
        .arg(p.ratePerSecond)
        .arg(p.burst)
        .arg(p.timeoutMs)
        .arg(p.purpose, p.owner, ca, p.enabled ? QStringLiteral("enabled") : QStringLiteral("disabled"));
}
} // namespace

ProviderService::ProviderService(const Database &db, const AccessPolicy &access, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_access(access)
{ }

Result<QList<ProviderConfig>> ProviderService::all() const
{
    return ProviderStore(m_db).all();
}

Result<ProviderConfig> ProviderService::get(const QString &id) const
{
    return ProviderStore(m_db).get(id);
}

Status ProviderService::checkExtraCa(const QString &pem)
{
    if (Status structure = ProviderRules::checkPem(pem); !structure)
        return structure;
    if (pem.trimmed().isEmpty())
        return success();
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(pem.toUtf8(), QSsl::Pem);
    const auto blocks = pem.count(QLatin1String("-----BEGIN CERTIFICATE-----"));
    if (certificates.size() != blocks
        || std::any_of(certificates.cbegin(), certificates.cend(), [](const QSslCertificate &c) { return c.isNull(); }))
        return failure(ErrorClass::Input,
            QStringLiteral("Extra CA: %1 of the %2 certificates in the PEM could not be read as X.509; export the CA "
                           "again as PEM.")
                .arg(blocks - certificates.size())
                .arg(blocks));
    return success();
}

QStringList ProviderService::describeCertificates(const QString &pem)
{
    QStringList described;
    for (const QSslCertificate &c : QSslCertificate::fromData(pem.toUtf8(), QSsl::Pem)) {
        QString name = c.subjectInfo(QSslCertificate::CommonName).join(QStringLiteral(", "));
        if (name.isEmpty())
            name = c.subjectDisplayName();
        described << QStringLiteral("%1, until %2").arg(name, c.expiryDate().date().toString(Qt::ISODate));
    }
    return described;
}

Result<ProviderConfig> ProviderService::add(const ProviderConfig &provider)
{
    if (Status allowed
        = m_access.require(Permission::ManageCredentials, m_db, QStringLiteral("provider.add"), target(provider.id));
        !allowed)
        return allowed.error();
    auto existing = ProviderStore(m_db).all();
    if (!existing)
        return existing.error();
    QStringList ids;
    for (const ProviderConfig &p : existing.value())
        ids << p.id;
    if (Status valid = ProviderRules::checkNew(provider, ids); !valid)
        return valid.error();
    if (Status ca = checkExtraCa(provider.extraCaPem); !ca)
        return ca.error();
    ProviderConfig p = provider;
    if (p.displayName.isEmpty())
        p.displayName = p.id;
    return store(p, QStringLiteral("provider.add"), {});
}

Result<ProviderConfig> ProviderService::edit(const ProviderConfig &provider)
{
    if (Status allowed
        = m_access.require(Permission::ManageCredentials, m_db, QStringLiteral("provider.edit"), target(provider.id));
        !allowed)
        return allowed.error();
    auto before = ProviderStore(m_db).get(provider.id);
    if (!before)
        return before.error();
    if (provider.kind != before->kind)
        return failure(ErrorClass::Input,
            QStringLiteral("Kind: provider %1 is %2; its operations and keys are of that kind. Add a new provider "
                           "of kind %3 instead.")
                .arg(provider.id, before->kind, provider.kind));
    if (Status valid = ProviderRules::check(provider); !valid)
        return valid.error();
    if (Status ca = checkExtraCa(provider.extraCaPem); !ca)
        return ca.error();
    ProviderConfig p = provider;
    p.credentialId = before->credentialId; // which key it uses is the Credentials flow's to change
    p.enabled = before->enabled; // disable and enable are their own audited actions
    if (p.displayName.isEmpty())
        p.displayName = p.id;
    return store(p, QStringLiteral("provider.edit"), describe(before.value()));
}

Result<ProviderConfig> ProviderService::setEnabled(const QString &id, bool enabled)
{
    const QString action = enabled ? QStringLiteral("provider.enable") : QStringLiteral("provider.disable");
    if (Status allowed = m_access.require(Permission::ManageCredentials, m_db, action, target(id)); !allowed)
        return allowed.error();
    auto before = ProviderStore(m_db).get(id);
    if (!before)
        return before.error();
    if (before->enabled == enabled)
        return before; // nothing changes, nothing to audit
    ProviderConfig p = before.value();
    p.enabled = enabled;
    return store(p, action, describe(before.value()));
}

Result<ProviderConfig> ProviderService::store(const ProviderConfig &p, const QString &action, const QString &before)
{
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = action;
    e.target = target(p.id);
    e.before = before;
    e.after = describe(p);
    // The change and its audit entry land together or not at all.
    Transaction tx(m_db.connection());
    if (Status stored = ProviderStore(m_db).upsert(p); !stored)
        return stored.error();
    if (Status committed = AuditLog(m_db).commitWith(tx, e, QStringLiteral("provider %1").arg(p.id)); !committed)
        return committed.error();
    qCInfo(lcProviders).noquote() << action << p.id;
    Q_EMIT providersChanged({ p.id });
    return p;
}

Result<QList<RetryPolicy>> ProviderService::retryPolicies(const QString &id) const
{
    auto provider = ProviderStore(m_db).get(id);
    if (!provider)
        return provider.error();
    auto set = RetryPolicyStore(m_db).of(id);
    if (!set)
        return set.error();
    QList<RetryPolicy> policies = set.value();
    if (policies.isEmpty() || !policies.first().action.isEmpty()) {
        RetryPolicy own = RetryPolicy::defaultsFor(provider->kind);
        own.providerId = id;
        policies.prepend(own);
    }
    return policies;
}

Result<RetryPolicy> ProviderService::setRetryPolicy(const RetryPolicy &policy)
{
    const QString action = QStringLiteral("retry_policy.edit");
    const QString where = policyTarget(policy.providerId, policy.action);
    if (Status allowed = m_access.require(Permission::ManageCredentials, m_db, action, where); !allowed)
        return allowed.error();
    auto provider = ProviderStore(m_db).get(policy.providerId);
    if (!provider)
        return provider.error();
    if (Status valid = RetryPolicy::check(policy); !valid)
        return valid.error();
    auto before = RetryPolicyStore(m_db).effective(policy.providerId, provider->kind, policy.action);
    if (!before)
        return before.error();
    RetryPolicy p = policy;
    p.updatedBy = m_access.actor();
    p.updatedAt = nowMs();
    AuditEntry e;
    e.actor = p.updatedBy;
    e.action = action;
    e.target = where;
    e.before = before->describe();
    e.after = p.describe();
    Transaction tx(m_db.connection());
    if (Status stored = RetryPolicyStore(m_db).upsert(p); !stored)
        return stored.error();
    if (Status committed = AuditLog(m_db).commitWith(tx, e, QStringLiteral("the retry policy of %1").arg(where));
        !committed)
        return committed.error();
    qCInfo(lcProviders).noquote() << action << where << p.describe();
    Q_EMIT providersChanged({ p.providerId });
    return p;
}

Status ProviderService::resetRetryPolicy(const QString &id, const QString &actionName)
{
    const QString action = QStringLiteral("retry_policy.reset");
    const QString where = policyTarget(id, actionName);
    if (Status allowed = m_access.require(Permission::ManageCredentials, m_db, action, where); !allowed)
        return allowed;
    auto provider = ProviderStore(m_db).get(id);
    if (!provider)
        return provider.error();
    auto before = RetryPolicyStore(m_db).effective(id, provider->kind, actionName);
    if (!before)
        return before.error();
    if (before->isDefault() || before->action != actionName)
        return success(); // nothing set at this level, nothing to audit
    Transaction tx(m_db.connection());
    auto removed = RetryPolicyStore(m_db).remove(id, actionName);
    if (!removed)
        return removed.error();
    auto after = RetryPolicyStore(m_db).effective(id, provider->kind, actionName);
    if (!after)
        return after.error();
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = action;
    e.target = where;
    e.before = before->describe();
    e.after = after->describe();
    if (Status committed = AuditLog(m_db).commitWith(tx, e, QStringLiteral("the retry policy of %1").arg(where));
        !committed)
        return committed;
    qCInfo(lcProviders).noquote() << action << where;
    Q_EMIT providersChanged({ id });
    return success();
}

Result<QList<Credential>> ProviderService::credentialsOf(const QString &id) const
{
    auto all = CredentialStore(m_db).all();
    if (!all)
        return all.error();
    QList<Credential> mine;
    for (const Credential &c : all.value()) {
        if (c.providerId == id)
            mine << c;
    }
    std::sort(
        mine.begin(), mine.end(), [](const Credential &a, const Credential &b) { return a.createdAt > b.createdAt; });
    return mine;
}

QStringList ProviderService::eventTypes(const QString &kind)
{
    return EventProcessor::listenedTypes(kind);
}

QString ProviderService::webhookEndpoint(const QString &agentUrl, const QString &id)
{
    QString base = agentUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base + QStringLiteral("/webhooks/") + id;
}
