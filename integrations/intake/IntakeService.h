#pragma once

#include "operations/IntakeStore.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

class Database;
class ProviderRegistry;

// Why a request was refused, as the API answers it: Stripe's error object, naming the field.
struct IntakeRefusal
{
    int status = 400;
    QString type = QStringLiteral("invalid_request_error");
    QString param; // the field at fault, "" when none is
    QString message;

    QJsonObject json() const;
};

// A request accepted (new or replayed) or refused; nothing is stored for a refusal.
struct [[nodiscard]] IntakeOutcome
{
    std::optional<IntakeRefusal> refusal;
    IntakeRecord record;
    bool replayed = false;

    explicit operator bool() const { return !refusal; }
};

// Operations handed in by the business's systems (the intake API, `ops submit`, the outbox):
// checked against the providers this Reconsole has, stored once per client key, then run by
// the agent through the OperationRunner like any other (docs/intake.md).
class IntakeService : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxKeyLength = 200; // the provider's own Idempotency-Key allows 255

    IntakeService(const Database &db, ProviderRegistry &providers, QObject *parent = nullptr);
    ~IntakeService() override;

    // The request in a POST body, or a 400 naming the field that is missing, malformed or unknown.
    static IntakeOutcome parse(const QByteArray &body);
    // Checks `request` against the configured providers and stores it, once per client key.
    IntakeOutcome submit(IntakeRecord request);
    // The same for many, in one transaction (the API's group commit): every outcome is known
    // once it is committed, and a failed commit refuses the lot with 503, nothing stored.
    QList<IntakeOutcome> submitAll(const QList<IntakeRecord> &requests);
    // The SHA-256 of what makes two requests the same: everything but the key itself.
    static QString fingerprint(const IntakeRecord &request);
    // The operation as GET /v1/operations/{id} shows it.
    static QJsonObject describe(const IntakeRecord &record);

Q_SIGNALS:
    // A new operation was stored (not a replay), so the agent can start it without waiting.
    void accepted(qint64 id);

private:
    std::optional<IntakeRefusal> checkProvider(const IntakeRecord &request);
    IntakeOutcome store(IntakeRecord request);

    // A provider's verdict is read again after a second: a provider an admin disabled (or
    // whose key was revoked) is refused from then on without a lookup per request.
    struct ProviderVerdict
    {
        qint64 checkedAt = 0;
        QString kind;
        QStringList actions;
        std::optional<IntakeRefusal> refusal;
    };

    const Database &m_db;
    ProviderRegistry &m_providers;
    std::unique_ptr<IntakeStore> m_store;
    QHash<QString, ProviderVerdict> m_verdicts;
};
