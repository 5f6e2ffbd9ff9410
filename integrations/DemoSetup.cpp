#include "DemoSetup.h"

#include "CredentialDirectory.h"
#include "CredentialStore.h"
#include "Database.h"
#include "DemoData.h"
#include "OperationStore.h"
#include "PaymentsAdapter.h"
#include "ProviderStore.h"
#include "Redactor.h"

#include <QRandomGenerator>
#include <QSqlQuery>

#include <memory>

DemoSetup::DemoSetup(const Database &db, CredentialStore &credentials, HttpTransport &transport)
    : m_db(db)
    , m_credentials(credentials)
    , m_transport(transport)
{
}

void DemoSetup::run(const QString &sandboxUrl, int operations, std::function<void(Status)> done)
{
    ProviderConfig provider;
    provider.id = QString::fromLatin1(DemoData::kProviderId);
    provider.kind = QStringLiteral("payments");
    provider.displayName = QStringLiteral("Payments sandbox (Stripe API v1)");
    provider.baseUrl = sandboxUrl;
    provider.credentialId = QString::fromLatin1(DemoData::kCredentialId);
    provider.ratePerSecond = 25;
    provider.burst = 25;
    provider.timeoutMs = 5000;
    if (auto existing = ProviderStore(m_db).get(provider.id); existing && !existing->credentialId.isEmpty())
        provider.credentialId = existing->credentialId; // keep a rotated key; only the sandbox moved
    Status stored = ProviderStore(m_db).upsert(provider);
    if (!stored) {
        done(stored);
        return;
    }
    auto count = OperationStore(m_db).count();
    if (!count) {
        done(count.error());
        return;
    }
    if (count.value() == 0) {
        Status seeded = DemoData().seed(m_db, operations);
        if (!seeded) {
            done(seeded);
            return;
        }
    }
    if (provider.credentialId == QLatin1String(DemoData::kCredentialId) && !CredentialDirectory(m_db).get(provider.credentialId)) {
        Credential c;
        c.id = provider.credentialId;
        c.providerId = provider.id;
        c.environment = QStringLiteral("test");
        c.kind = QStringLiteral("api-key");
        c.label = QStringLiteral("Sandbox test key (demo)");
        c.fingerprint = Redactor::fingerprint(QString::fromLatin1(kTestKey));
        c.scopes = QStringLiteral("payment_intents refunds");
        c.expiresAt = nowMs() + qint64(10) * 86400000; // so the expiry reminder has something to show
        Status inserted = CredentialDirectory(m_db).insert(c);
        if (!inserted) {
            done(inserted);
            return;
        }
    }
    auto next = [this, done](Status s) {
        if (!s)
            done(s);
        else
            ensureWebhookSecret(done);
    };
    m_credentials.read(provider.credentialId, [this, provider, done = next](Result<QString> secret) {
        if (secret) {
            done(success());
            return;
        }
        if (provider.credentialId != QLatin1String(DemoData::kCredentialId)) {
            done(secret.error()); // a rotated key is gone: say so, never put the demo key in its place
            return;
        }
        m_credentials.write(provider.credentialId, QString::fromLatin1(kTestKey), [this, done](Status written) {
            if (!written)
                done(failure(ErrorClass::Keychain,
                             QStringLiteral("The demo data is ready, but the sandbox key could not be stored: %1")
                                 .arg(written.message())));
            else
                done(success());
        });
    });
}

void DemoSetup::ensureWebhookSecret(std::function<void(Status)> done)
{
    // The signing secret the in-process sandbox and receiver share, kept like any other secret.
    const QString id = QString::fromLatin1(kWebhookCredentialId);
    if (!CredentialDirectory(m_db).get(id)) {
        const QString secret = QStringLiteral("whsec_") + QString::fromLatin1(QByteArray::number(QRandomGenerator::system()->generate64(), 36).toBase64());
        Credential c;
        c.id = id;
        c.providerId = QString::fromLatin1(DemoData::kProviderId);
        c.environment = QStringLiteral("test");
        c.kind = QStringLiteral("webhook-secret");
        c.label = QStringLiteral("Sandbox webhook signing secret (demo)");
        c.fingerprint = Redactor::fingerprint(secret);
        m_credentials.write(id, secret, [this, c, done](Status written) {
            if (!written) {
                done(written);
                return;
            }
            done(CredentialDirectory(m_db).insert(c));
        });
        return;
    }
    done(success());
}

void DemoSetup::simulateLostAnswers(std::function<void(Status)> done)
{
    auto provider = ProviderStore(m_db).get(QString::fromLatin1(DemoData::kProviderId));
    if (!provider) {
        done(provider.error());
        return;
    }
    // Every other unknown outcome did reach the provider: retrying must find it, not charge twice.
    QSqlQuery q(m_db.connection());
    q.exec(QStringLiteral("SELECT id FROM operations WHERE state = 'unknown_outcome' AND action = 'capture_payment' "
                          "AND id % 2 = 0"));
    QList<qint64> ids;
    while (q.next())
        ids << q.value(0).toLongLong();
    if (ids.isEmpty()) {
        done(success());
        return;
    }
    auto adapter = std::make_shared<PaymentsAdapter>(provider.value(), m_transport, m_credentials);
    adapter->prepare([this, adapter, ids, done](Status prepared) {
        if (!prepared) {
            done(prepared);
            return;
        }
        auto remaining = std::make_shared<int>(static_cast<int>(ids.size()));
        for (qint64 id : ids) {
            auto op = OperationStore(m_db).get(id);
            if (!op) {
                if (--*remaining == 0)
                    done(success());
                continue;
            }
            adapter->execute(op.value(), [adapter, remaining, done](const ProviderOutcome &) {
                if (--*remaining == 0)
                    done(success());
            });
        }
    });
}
