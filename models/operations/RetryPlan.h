#pragma once

#include "operations/OperationsQuery.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

// What a bulk retry would do, worked out before anything is sent (RetryPlanner): what goes
// out, in what order, what is skipped and why, how long it takes at the providers' limits and
// how much is likely to fail again. A person confirms it; above a size a second approves it.
struct RetryPlan
{
    enum class Skip
    {
        Succeeded, // the operation succeeded meanwhile
        SettledByPerson, // resolved or cancelled meanwhile
        NotRetryable, // a decline, a validation error, a credential problem: retrying cannot help
        InFlight, // being sent now, or not yet tried at all
        ProviderDisabled, // an admin stopped new attempts to its provider
    };
    static QString skipName(Skip skip); // "not_retryable"
    static QString skipLabel(Skip skip); // "not retryable (declines, validation, credentials)"
    static QList<Skip> allSkips();

    // One operation to send, in sending order.
    struct Item
    {
        qint64 operationId = 0;
        QString providerId;
        bool lookupFirst = false; // unknown outcome: the provider is asked before anything is sent
        bool freshKey = false; // its key expired at the provider: looked up, then sent under a new one
    };

    // What one provider gets, and when it will have had it.
    struct Share
    {
        QString providerId;
        qint64 sends = 0;
        qint64 lookups = 0; // requests asking before sending (unknown outcomes, expired keys)
        double ratePerSecond = 0; // the provider's limit
        int headroomPercent = 0; // left to live traffic
        double etaSeconds = 0;
        int idempotencyWindowHours = 0;
        int approvalAbove = 0;
        int sampledAttempts = 0; // the recent sends the failure estimate rests on
        double recentFailureRate = 0;
        qint64 expectedFailures = 0;
    };

    OperationsFilter scope;
    QString description; // for people: "failure group 12: stripe-live · capture_payment · rate_limited: …"
    qint64 plannedAt = 0;
    qint64 matched = 0;
    qint64 toSend = 0;
    qint64 lookupsFirst = 0;
    qint64 freshKeys = 0;
    QMap<Skip, qint64> skipped;
    QList<Share> shares;
    double etaSeconds = 0; // providers are sent to side by side: the slowest one's
    qint64 expectedFailures = 0;
    int approvalAbove = 0; // the lowest threshold of the providers it sends to
    bool needsApproval = false;
    QList<Item> items; // not in toJson(): stored one row each (RetryRunStore)

    qint64 skippedTotal() const;
    // The plan in words, a line each: what the console's dialog and `ops plan` print.
    QStringList explain() const;
    QJsonObject toJson() const;
    static RetryPlan fromJson(const QJsonObject &json);
    static QJsonObject scopeToJson(const OperationsFilter &scope);
    static OperationsFilter scopeFromJson(const QJsonObject &json);
};
