#include "sandbox/DemoSetup.h"

#include "access/AccessPolicy.h"
#include "core/Redactor.h"
#include "credentials/CredentialStore.h"
#include "events/EventStore.h"
#include "keychain/Keychain.h"
#include "operations/OperationStore.h"
#include "providers/PaymentsAdapter.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "providers/RetryPolicyStore.h"
#include "records/CustomerStore.h"
#include "sandbox/DemoData.h"
#include "sandbox/DemoHistory.h"
#include "sandbox/SandboxServer.h"
#include "statements/BalanceTransactionPull.h"
#include "store/Database.h"
#include "transport/HttpTransport.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUrlQuery>

#include <memory>

namespace {
// Calls `visit` with every operation doing `action` (in `state`, if given), a page at a time.
Status forEachOperation(const Database &db, const QString &action, std::optional<OperationState> state,
    const std::function<void(const Operation &)> &visit)
{
    constexpr int kPage = 500;
    const OperationStore store(db);
    for (qint64 after = 0;;) {
        auto page = store.byAction(action, state, after, kPage);
        if (!page)
            return page.error();
        for (const Operation &op : page.value())
            visit(op);
        if (page->size() < kPage)
            return success();
        after = page->last().id;
    }
}

// A demo credential's row: a fingerprint of the secret, never the secret (that is the keychain's).
Credential demoCredential(
    const QString &id, const QString &providerId, const QString &kind, const QString &label, const QString &secret)
{
    Credential c;
    c.id = id;
    c.providerId = providerId;
    c.environment = QStringLiteral("test");
    c.kind = kind;
    c.label = label;
    c.fingerprint = Redactor::fingerprint(secret);
    return c;
}
} // namespace

DemoSetup::DemoSetup(const Database &db, Keychain &credentials, HttpTransport &transport, const QString &actor)
    : m_db(db)
    , m_credentials(credentials)
    , m_transport(transport)
    , m_actor(actor)
{ }

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
    if (stored && provider.credentialId == QLatin1String(DemoData::kCredentialId)
        && !CredentialStore(m_db).get(provider.credentialId)) {
        Credential c = demoCredential(provider.credentialId, provider.id, QStringLiteral("api-key"),
            QStringLiteral("Sandbox test key (demo)"), QString::fromLatin1(kTestKey));
        c.scopes = QStringLiteral("payment_intents refunds");
        c.expiresAt = nowMs() + qint64(10) * 86400000; // so the expiry reminder has something to show
        stored = CredentialStore(m_db).insert(c);
    }
    if (stored)
        stored = storeCrm(sandboxUrl);
    if (stored && RetryPolicyStore(m_db).of(provider.id).value_or({}).isEmpty()) {
        // The demo's admin has tightened Stripe's defaults: five sends, then a person looks.
        RetryPolicy policy = RetryPolicy::defaultsFor(provider.kind);
        policy.providerId = provider.id;
        policy.maxAttempts = 5;
        policy.updatedBy = m_actor;
        policy.updatedAt = nowMs();
        stored = RetryPolicyStore(m_db).upsert(policy);
    }
    if (!stored) {
        done(stored);
        return;
    }
    auto count = OperationStore(m_db).count();
    if (!count) {
        done(count.error());
        return;
    }
    auto keys = [this, done, provider, sandboxUrl](Status history) {
        if (!history) {
            done(history);
            return;
        }
        if (CustomerStore(m_db).count().value_or(1) == 0) {
            Status stories = DemoData().seedRecords(m_db);
            if (!stories) {
                done(stories);
                return;
            }
        }
        storeKeys(provider, done);
    };
    if (count.value() != 0) {
        keys(success());
        return;
    }
    // After the month: the provider pays it out and finance pulls its balance transactions, so
    // the demo has the provider's lines and a payout to reconcile.
    auto balance = [this, keys, sandboxUrl](Status history) {
        if (!history)
            keys(history);
        else
            settleBalance(sandboxUrl, keys);
    };
    // The month is run once, against this sandbox, before anything else talks to it.
    auto history = std::make_shared<DemoHistory>(m_db, m_transport, sandboxUrl, m_actor);
    history->run(
        DemoData().stories(operations) + DemoData::crmStories(), [history, balance](Status s) mutable { balance(s); });
}

void DemoSetup::settleBalance(const QString &sandboxUrl, std::function<void(Status)> done)
{
    // The payout schedule run at the sandbox as of three days on, when the month's charges are
    // available (the sandbox's own clock made them today).
    HttpRequest req;
    req.method = "POST";
    req.url = QUrl(sandboxUrl + QStringLiteral("/_sandbox/payouts"));
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("until"), QString::number(QDateTime::currentSecsSinceEpoch() + 3 * 86400));
    req.body = form.toString(QUrl::FullyEncoded).toUtf8();
    req.headers = { { "Authorization", "Bearer " + QByteArray(kTestKey) },
        { "Content-Type", "application/x-www-form-urlencoded" } };
    req.timeoutMs = 5000;
    m_transport.send(req, [this, done, sandboxUrl](const HttpResponse &r) {
        if (r.status != 200) {
            done(failure(ErrorClass::Network,
                QStringLiteral("The sandbox at %1 did not run its payouts (%2). Is it Reconsole's sandbox "
                               "(`reconsolectl sandbox`)?")
                    .arg(sandboxUrl, r.status ? QStringLiteral("HTTP %1").arg(r.status) : r.transportMessage)));
            return;
        }
        // Pulled with the demo's key held in memory, as finance would pull it.
        auto keys = std::make_shared<MemoryKeychain>();
        keys->write(QString::fromLatin1(DemoData::kCredentialId), QString::fromLatin1(kTestKey), [](Status) {});
        auto registry = std::make_shared<ProviderRegistry>(m_db, m_transport, *keys);
        auto access = std::make_shared<AccessPolicy>(AccessPolicy::allRoles(), m_actor);
        auto pull = std::make_shared<BalanceTransactionPull>(m_db, *registry, *access);
        PullRequest request;
        request.providerId = QString::fromLatin1(DemoData::kProviderId);
        pull->pull(request, [keys, registry, access, pull, done](Result<PullReport> pulled) { done(pulled.status()); });
    });
}

void DemoSetup::storeKeys(const ProviderConfig &provider, std::function<void(Status)> done)
{
    auto next = [this, done](Status s) {
        if (!s) {
            done(s);
            return;
        }
        ensureWebhookSecret(QString::fromLatin1(kWebhookCredentialId), QString::fromLatin1(DemoData::kProviderId),
            QStringLiteral("Sandbox webhook signing secret (demo)"), [this, done](Status webhook) {
                if (!webhook)
                    done(webhook);
                else
                    ensureCrm(done);
            });
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

bool DemoSetup::startSandbox(SandboxServer &sandbox, quint16 port)
{
    sandbox.setAcceptedKeys({ QString::fromLatin1(kTestKey), QString::fromLatin1(kCrmToken) });
    return sandbox.start(port) != 0;
}

void DemoSetup::ensureWebhookSecret(
    const QString &id, const QString &providerId, const QString &label, std::function<void(Status)> done)
{
    // The signing secret the in-process sandbox and receiver share, kept like any other secret.
    if (!CredentialStore(m_db).get(id)) {
        const QString secret = QStringLiteral("whsec_")
            + QString::fromLatin1(QByteArray::number(QRandomGenerator::system()->generate64(), 36).toBase64());
        const Credential c = demoCredential(id, providerId, QStringLiteral("webhook-secret"), label, secret);
        m_credentials.write(id, secret, [this, c, done](Status written) {
            if (!written) {
                done(written);
                return;
            }
            done(CredentialStore(m_db).insert(c));
        });
        return;
    }
    done(success());
}

Status DemoSetup::storeCrm(const QString &sandboxUrl)
{
    ProviderConfig crm;
    crm.id = QString::fromLatin1(DemoData::kCrmProviderId);
    crm.kind = QStringLiteral("crm");
    crm.displayName = QStringLiteral("CRM sandbox (HubSpot CRM v3)");
    crm.baseUrl = sandboxUrl;
    crm.credentialId = QString::fromLatin1(DemoData::kCrmCredentialId);
    crm.ratePerSecond = 10; // HubSpot's secondly limit; the transport also reads its headers
    crm.burst = 10;
    crm.timeoutMs = 5000;
    if (auto existing = ProviderStore(m_db).get(crm.id); existing && !existing->credentialId.isEmpty())
        crm.credentialId = existing->credentialId;
    Status stored = ProviderStore(m_db).upsert(crm);
    if (!stored || CredentialStore(m_db).get(crm.credentialId))
        return stored;
    Credential c = demoCredential(crm.credentialId, crm.id, QStringLiteral("private-app-token"),
        QStringLiteral("CRM sandbox private app token (demo)"), QString::fromLatin1(kCrmToken));
    c.scopes = QStringLiteral("crm.objects.contacts.read crm.objects.contacts.write");
    return CredentialStore(m_db).insert(c);
}

void DemoSetup::ensureCrm(std::function<void(Status)> done)
{
    auto crm = ProviderStore(m_db).get(QString::fromLatin1(DemoData::kCrmProviderId));
    if (!crm) {
        done(crm.error());
        return;
    }
    const QString id = crm->credentialId;
    auto next = [this, done, providerId = crm->id](Status token) {
        if (!token)
            done(token);
        else
            ensureWebhookSecret(QString::fromLatin1(kCrmWebhookCredentialId), providerId,
                QStringLiteral("CRM sandbox app client secret, signs its webhooks (demo)"), done);
    };
    m_credentials.read(id, [this, id, next](Result<QString> secret) {
        if (secret || id != QLatin1String(DemoData::kCrmCredentialId))
            next(secret ? success() : Status(secret.error()));
        else
            m_credentials.write(id, QString::fromLatin1(kCrmToken), next);
    });
}

void DemoSetup::mirrorPayment(SandboxServer &sandbox, const Operation &op)
{
    const int index = DemoData::indexOf(op);
    QString description = QStringLiteral("Order %1").arg(op.entityId);
    qint64 amount = op.payload.value(QStringLiteral("amount")).toInteger();
    if (index % 97 == 3)
        description += QStringLiteral(" (edited in the dashboard)"); // ours to own: push it back
    if (index % 151 == 5)
        amount += 100; // the provider's to own: accept it
    if (DemoData::describedOnBothSides(index))
        description = DemoData::conflictingDescription(op.entityId, false);
    // A decline stays a decline at the provider; everything else went through (3-D Secure too,
    // which the customer completed later).
    const bool declined = op.state == OperationState::FailedPermanent;
    sandbox.importPaymentIntent(QJsonObject { { QStringLiteral("id"), op.externalId },
        { QStringLiteral("object"), QStringLiteral("payment_intent") }, { QStringLiteral("amount"), amount },
        { QStringLiteral("amount_received"), declined ? 0 : amount },
        { QStringLiteral("currency"), op.payload.value(QStringLiteral("currency")) },
        { QStringLiteral("created"), op.createdAt / 1000 }, { QStringLiteral("description"), description },
        { QStringLiteral("livemode"), false },
        { QStringLiteral("metadata"),
            QJsonObject { { QStringLiteral("reconsole_key"), op.idempotencyKey },
                { QStringLiteral("entity"), op.entityType + QLatin1Char(':') + op.entityId } } },
        { QStringLiteral("payment_method"), op.payload.value(QStringLiteral("payment_method")) },
        { QStringLiteral("status"),
            declined ? QStringLiteral("requires_payment_method") : QStringLiteral("succeeded") } });
}

Status DemoSetup::mirrorRecords(SandboxServer &sandbox)
{
    // The payments provider's copy of every charge we made, some changed behind our back.
    Status payments = forEachOperation(m_db, QStringLiteral("capture_payment"), std::nullopt, [&](const Operation &op) {
        if (op.externalId.startsWith(QLatin1String("pi_")))
            mirrorPayment(sandbox, op);
    });
    if (!payments)
        return payments;

    // The CRM's contacts for our customers, in the same order every run (so the same ids).
    CustomerStore customers(m_db);
    const QString crm = QString::fromLatin1(DemoData::kCrmProviderId);
    Transaction tx(m_db.connection());
    const QList<QJsonObject> people = DemoData::customers();
    for (int i = 0; i < people.size(); ++i) {
        const QJsonObject &c = people.at(i);
        QJsonObject props { { QStringLiteral("email"), c.value(QStringLiteral("email")) },
            { QStringLiteral("firstname"), c.value(QStringLiteral("first_name")) },
            { QStringLiteral("lastname"), c.value(QStringLiteral("last_name")) },
            { QStringLiteral("phone"), c.value(QStringLiteral("phone")) },
            { QStringLiteral("reconsole_access"), QStringLiteral("basic") } };
        if (i % 9 == 2)
            props.insert(QStringLiteral("phone"), QStringLiteral("+49 170 %1").arg(4400000 + i)); // updated by sales
        if (i % 31 == 7)
            props.insert(QStringLiteral("lastname"),
                c.value(QStringLiteral("last_name")).toString() + QStringLiteral("-Lindgren"));
        const bool conflict = i % 53 == 11;
        if (conflict)
            props.insert(QStringLiteral("phone"), QStringLiteral("+49 151 %1").arg(7700000 + i));
        const QString contactId = sandbox.crm().addContact(props);
        const QString customerId = c.value(QStringLiteral("id")).toString();
        Status linked = customers.linkExternal(QStringLiteral("customer"), customerId, crm, contactId);
        if (!linked)
            return linked;
        if (conflict) {
            // The last webhook had a third number: both sides changed it since.
            Event heard;
            heard.source = crm;
            heard.externalId = QString::number(900000 + i);
            heard.type = QStringLiteral("contact.propertyChange");
            heard.entityType = QStringLiteral("customer");
            heard.entityId = customerId;
            heard.occurredAt = heard.receivedAt = heard.processedAt = nowMs() - 86400000;
            heard.channel = QStringLiteral("webhook");
            heard.note = QStringLiteral("phone changed in the CRM");
            // In HubSpot's shape, as the receiver stores what the CRM sends.
            heard.payload = QString::fromUtf8(QJsonDocument(
                QJsonObject { { QStringLiteral("eventId"), 900000 + i },
                    { QStringLiteral("subscriptionType"), heard.type },
                    { QStringLiteral("occurredAt"), heard.occurredAt },
                    { QStringLiteral("objectId"), contactId.toLongLong() },
                    { QStringLiteral("propertyName"), QStringLiteral("phone") },
                    { QStringLiteral("propertyValue"),
                        QStringLiteral("+49 40 %1").arg(3330000 + i) }, // the number before
                    { QStringLiteral("changeSource"),
                        QStringLiteral("CRM") } }).toJson(QJsonDocument::Compact));
            auto inserted = EventStore(m_db).insertIfNew(heard);
            if (!inserted)
                return inserted.error();
        }
    }
    for (int i = 1; i <= 5; ++i) // leads the CRM has and we do not
        sandbox.crm().addContact({ { QStringLiteral("email"), QStringLiteral("lead%1@prospect.example.org").arg(i) },
            { QStringLiteral("firstname"), QStringLiteral("Lead") },
            { QStringLiteral("lastname"), QString::number(i) } });
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot link the demo's contacts."));
    return success();
}

void DemoSetup::replayLostCharges(std::function<void(Status)> done)
{
    auto provider = ProviderStore(m_db).get(QString::fromLatin1(DemoData::kProviderId));
    if (!provider) {
        done(provider.error());
        return;
    }
    // The charges made before their answer was lost: the same request with the same key, which
    // a sandbox that still has them answers from its idempotency cache, changing nothing.
    QList<qint64> ids;
    Status listed = forEachOperation(
        m_db, QStringLiteral("capture_payment"), OperationState::UnknownOutcome, [&ids](const Operation &op) {
            if (DemoData::lostAfterCharge(DemoData::indexOf(op)))
                ids << op.id;
        });
    if (!listed) {
        done(listed);
        return;
    }
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
