#include "credentials/CredentialService.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "core/Redactor.h"
#include "credentials/CredentialStore.h"
#include "credentials/SecretRules.h"
#include "keychain/Keychain.h"
#include "providers/ProviderAdapter.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "store/Database.h"

#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcCredentials, "reconsole.credentials")

namespace {
QString target(const QString &id)
{
    return QStringLiteral("credential:") + id;
}

constexpr char kIntakeToken[] = "intake-token";

QString describe(const Credential &c)
{
    return QStringLiteral("%1 %2 %3 %4").arg(c.providerId, c.environment, c.label, c.fingerprint);
}
} // namespace

CredentialService::CredentialService(
    const Database &db, Keychain &store, ProviderRegistry &providers, const AccessPolicy &access, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_store(store)
    , m_providers(providers)
    , m_access(access)
{ }

Status CredentialService::audit(
    const QString &action, const QString &targetId, const QString &reason, const QString &before, const QString &after)
{
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = action;
    e.target = target(targetId);
    e.reason = reason;
    e.before = before;
    e.after = after;
    return AuditLog(m_db).append(e);
}

void CredentialService::verifySecret(
    const Credential &credential, const QString &secret, Callback<Result<QString>> done)
{
    auto provider = ProviderStore(m_db).get(credential.providerId);
    if (!provider) {
        done(provider.error());
        return;
    }
    if (credential.environment == QLatin1String("live") && SecretRules::isSandboxUrl(provider->baseUrl)) {
        done(failure(ErrorClass::Input,
            QStringLiteral("A live key cannot be used against the sandbox at %1.").arg(provider->baseUrl)));
        return;
    }
    if (credential.kind != QLatin1String("api-key")) {
        done(QStringLiteral("ok (webhook secrets are checked on the first signed delivery)"));
        return;
    }
    auto adapter = m_providers.adapterFor(credential.providerId);
    if (!adapter && adapter.error().errorClass != ErrorClass::Revoked) {
        done(adapter.error());
        return;
    }
    if (!adapter) {
        // The provider's current credential is revoked; the key being checked may be its successor.
        done(failure(ErrorClass::Revoked, adapter.message()));
        return;
    }
    adapter.value()->verifyCredential(secret, [adapter = adapter.value(), done](Result<QString> r) { done(r); });
}

template <typename T>
CredentialService::Callback<T> CredentialService::announcing(const QStringList &ids, Callback<T> done)
{
    return [this, ids, done = std::move(done)](T result) {
        QStringList changed = ids;
        if constexpr (std::is_same_v<T, Result<Credential>>) {
            if (result && !changed.contains(result->id))
                changed << result->id;
        }
        if (!changed.isEmpty())
            Q_EMIT credentialsChanged(changed);
        done(std::move(result));
    };
}

void CredentialService::add(const NewCredential &request, const QString &secret, Callback<Result<Credential>> done)
{
    done = announcing<Result<Credential>>({}, std::move(done));
    Status allowed = m_access.require(Permission::ManageCredentials, m_db, QStringLiteral("credential.add"),
        QStringLiteral("provider:") + request.providerId);
    if (!allowed) {
        done(allowed.error());
        return;
    }
    auto provider = ProviderStore(m_db).get(request.providerId);
    if (!provider) {
        done(provider.error());
        return;
    }
    Status valid = SecretRules::check(secret, request.environment, request.kind, provider->kind);
    if (!valid) {
        done(valid.error());
        return;
    }
    if (request.environment == QLatin1String("live") && SecretRules::isSandboxUrl(provider->baseUrl)) {
        done(failure(ErrorClass::Input,
            QStringLiteral("Provider %1 is a local sandbox; only test keys belong there.").arg(request.providerId)));
        return;
    }
    Credential c;
    c.id = CredentialStore::newId();
    c.providerId = request.providerId;
    c.environment = request.environment;
    c.kind = request.kind;
    c.label = request.label.trimmed().isEmpty()
        ? QStringLiteral("%1 %2 key").arg(request.providerId, request.environment)
        : request.label.trimmed();
    c.scopes = request.scopes;
    c.expiresAt = request.expiresAt;
    c.fingerprint = Redactor::fingerprint(secret.trimmed());
    c.createdAt = nowMs();
    m_store.write(c.id, secret.trimmed(), [this, c, provider = provider.value(), done](Status written) {
        if (!written) {
            done(written.error()); // nothing stored anywhere
            return;
        }
        AuditEntry e;
        e.actor = m_access.actor();
        e.action = QStringLiteral("credential.add");
        e.target = target(c.id);
        e.after = describe(c);
        Status stored = CredentialStore(m_db).insert(c, e);
        if (!stored) {
            m_store.remove(c.id, [](Status) {});
            done(stored.error());
            return;
        }
        // A provider without a credential starts using the first one added for it.
        if (provider.credentialId.isEmpty() && c.kind == QLatin1String("api-key")) {
            ProviderConfig p = provider;
            p.credentialId = c.id;
            if (Status linked = ProviderStore(m_db).upsert(p); !linked) {
                done(failure(linked.error().errorClass,
                    QStringLiteral("Credential %1 was added, but %2 could not be set to use it: %3 Set it "
                                   "as the provider's credential, or add the key again.")
                        .arg(c.id, p.id, linked.message())));
                return;
            }
        }
        qCInfo(lcCredentials) << "added" << c.id << "for" << c.providerId;
        done(c);
    });
}

Result<Credential> CredentialService::usable(const QString &id, const QString &action) const
{
    Status allowed = m_access.require(Permission::ManageCredentials, m_db, action, target(id));
    if (!allowed)
        return allowed.error();
    auto credential = CredentialStore(m_db).get(id);
    if (credential && credential->isRevoked())
        return failure(ErrorClass::Revoked, QStringLiteral("Credential %1 is revoked; add a new one instead.").arg(id));
    return credential;
}

void CredentialService::verify(const QString &id, Callback<Result<Credential>> done)
{
    done = announcing<Result<Credential>>({ id }, std::move(done));
    auto credential = usable(id, QStringLiteral("credential.verify"));
    if (!credential) {
        done(credential.error());
        return;
    }
    m_store.read(id, [this, c = credential.value(), done](Result<QString> secret) {
        if (!secret) {
            done(secret.error());
            return;
        }
        verifySecret(c, secret.value(), [this, c, done](Result<QString> verdict) {
            const qint64 at = nowMs();
            const QString result = verdict ? verdict.value() : verdict.message();
            Status kept = CredentialStore(m_db).recordVerification(c.id, at, result);
            if (kept)
                kept = audit(QStringLiteral("credential.verify"), c.id, {}, {}, result);
            if (!kept) {
                done(kept.error()); // a verification nobody can see later did not happen
                return;
            }
            qCInfo(lcCredentials) << "verified" << c.id << (verdict ? "ok" : "rejected");
            if (!verdict) {
                done(verdict.error());
                return;
            }
            done(CredentialStore(m_db).get(c.id));
        });
    });
}

void CredentialService::rotate(const QString &id, const QString &newSecret, Callback<Result<Credential>> done)
{
    done = announcing<Result<Credential>>({ id }, std::move(done));
    auto old = usable(id, QStringLiteral("credential.rotate"));
    if (!old) {
        done(old.error());
        return;
    }
    if (!old->replacedBy.isEmpty()) {
        done(failure(ErrorClass::State,
            QStringLiteral("Credential %1 was already rotated to %2; rotate that one.").arg(id, old->replacedBy)));
        return;
    }
    const auto provider = ProviderStore(m_db).get(old->providerId);
    Status valid = SecretRules::check(
        newSecret, old->environment, old->kind, provider ? provider->kind : QStringLiteral("payments"));
    if (!valid) {
        done(valid.error());
        return;
    }
    Credential next = old.value();
    next.id = CredentialStore::newId();
    next.fingerprint = Redactor::fingerprint(newSecret.trimmed());
    next.createdAt = nowMs();
    next.rotatedFrom = id;
    next.replacedBy.clear();
    next.verifiedAt = 0;
    next.verifyResult.clear();
    if (Status started = audit(QStringLiteral("credential.rotate.start"), id, {}, describe(old.value()), next.id);
        !started) {
        done(started.error()); // nothing written yet
        return;
    }

    auto rollback = [this, id, next, done](const Error &why) {
        m_store.remove(next.id, [](Status) {});
        Status undone = CredentialStore(m_db).remove(next.id);
        if (undone)
            undone = audit(QStringLiteral("credential.rotate.rollback"), id, why.message, next.id, id);
        qCInfo(lcCredentials) << "rotation of" << id << "rolled back:" << why.message;
        const QString trace
            = undone ? QString() : QStringLiteral(" (The rollback was not fully recorded: %1)").arg(undone.message());
        done(failure(why.errorClass,
            QStringLiteral("%1 Nothing changed: everything still uses %2.%3").arg(why.message, id, trace)));
    };
    m_store.write(next.id, newSecret.trimmed(), [this, id, next, newSecret, rollback, done](Status written) {
        if (!written) {
            Status audited = audit(QStringLiteral("credential.rotate.rollback"), id, written.message());
            done(audited
                    ? written.error()
                    : Error { written.error().errorClass, written.message() + QLatin1Char(' ') + audited.message() });
            return;
        }
        Status stored = CredentialStore(m_db).insert(next);
        if (!stored) {
            rollback(stored.error());
            return;
        }
        verifySecret(next, newSecret.trimmed(), [this, id, next, rollback, done](Result<QString> verdict) {
            if (!verdict) {
                rollback(Error { verdict.error().errorClass,
                    QStringLiteral("The provider rejected the new key: %1").arg(verdict.message()) });
                return;
            }
            const qint64 at = nowMs();
            if (Status kept = CredentialStore(m_db).recordVerification(next.id, at, verdict.value()); !kept) {
                rollback(kept.error());
                return;
            }
            AuditEntry e;
            e.actor = m_access.actor();
            e.action = QStringLiteral("credential.rotate");
            e.target = target(id);
            e.before = id;
            e.after = next.id;
            Status switched = CredentialStore(m_db).switchUsers(id, next.id, at, e);
            if (!switched) {
                rollback(switched.error());
                return;
            }
            qCInfo(lcCredentials) << "rotated" << id << "to" << next.id;
            done(CredentialStore(m_db).get(next.id));
        });
    });
}

void CredentialService::revoke(const QString &id, const QString &reason, Callback<Status> done)
{
    done = announcing<Status>({ id }, std::move(done));
    auto credential = usable(id, QStringLiteral("credential.revoke"));
    if (!credential) {
        done(credential.error());
        return;
    }
    m_store.remove(id, [this, id, reason, c = credential.value(), done](Status removed) {
        if (!removed) {
            done(removed); // metadata untouched: the key still works and still shows
            return;
        }
        AuditEntry e;
        e.actor = m_access.actor();
        e.action = QStringLiteral("credential.revoke");
        e.target = target(id);
        e.reason = reason;
        e.before = describe(c);
        e.after = QStringLiteral("revoked");
        Status marked = CredentialStore(m_db).markRevoked(id, nowMs(), e);
        qCInfo(lcCredentials) << "revoked" << id;
        done(marked);
    });
}

void CredentialService::reveal(const QString &id, Callback<Result<QString>> done)
{
    Status allowed
        = m_access.require(Permission::ManageCredentials, m_db, QStringLiteral("credential.reveal"), target(id));
    if (!allowed) {
        done(allowed.error());
        return;
    }
    if (auto c = CredentialStore(m_db).get(id); c && c->kind == QLatin1String(kIntakeToken)) {
        done(failure(ErrorClass::Input,
            QStringLiteral("An intake token is shown once, when it is created. Revoke %1 and create a new one.")
                .arg(id)));
        return;
    }
    m_store.read(id, [this, id, done](Result<QString> secret) {
        // No secret is shown that the audit log does not know was shown.
        Status audited = audit(QStringLiteral("credential.reveal"), id, secret ? QString() : secret.message());
        done(audited ? secret : Result<QString>(audited.error()));
    });
}

QString CredentialService::newIntakeTokenSecret()
{
    // 192 bits from the system's generator; the rci_ prefix is how Redactor knows one anywhere.
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return QStringLiteral("rci_")
        + QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void CredentialService::createIntakeToken(const QString &label, Callback<Result<IntakeToken>> done)
{
    Status allowed = m_access.require(
        Permission::ManageCredentials, m_db, QStringLiteral("credential.add"), QStringLiteral("intake"));
    if (!allowed) {
        done(allowed.error());
        return;
    }
    if (label.trimmed().isEmpty()) {
        done(failure(ErrorClass::Input, QStringLiteral("Give the token a label: which system will use it.")));
        return;
    }
    const QString secret = newIntakeTokenSecret();
    Credential c;
    c.id = CredentialStore::newId();
    c.environment = QStringLiteral("live");
    c.kind = QLatin1String(kIntakeToken);
    c.label = label.trimmed();
    c.fingerprint = QStringLiteral("rci_") + Redactor::fingerprint(secret);
    c.createdAt = nowMs();
    m_store.write(c.id, secret, [this, c, secret, done](Status written) {
        if (!written) {
            done(written.error());
            return;
        }
        AuditEntry e;
        e.actor = m_access.actor();
        e.action = QStringLiteral("credential.add");
        e.target = target(c.id);
        e.after = QStringLiteral("intake-token %1 %2").arg(c.label, c.fingerprint);
        Status stored = CredentialStore(m_db).insert(c, e);
        if (!stored) {
            m_store.remove(c.id, [](Status) {});
            done(stored.error());
            return;
        }
        qCInfo(lcCredentials) << "added intake token" << c.id;
        Q_EMIT credentialsChanged({ c.id });
        done(IntakeToken { c, secret });
    });
}
