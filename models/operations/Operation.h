#pragma once

#include "core/Result.h"
#include "operations/OperationState.h"

#include <QJsonObject>
#include <QString>

// One business action sent to one provider (docs/architecture.md).
struct Operation
{
    qint64 id = 0;
    QString action; // capture_payment, refund, ...
    QString entityType; // order, customer, ...
    QString entityId;
    QString providerId;
    QJsonObject payload;
    QString idempotencyKey; // one key for every attempt of this operation
    QString externalId; // the provider's id once known
    OperationState state = OperationState::Pending;
    int attempts = 0;
    qint64 nextAttemptAt = 0; // epoch ms, 0 = not scheduled
    ErrorClass lastErrorClass = ErrorClass::None;
    QString lastError;
    QString claimedBy;
    qint64 claimedUntil = 0;
    QString resolvedBy;
    QString resolution;
    qint64 createdAt = 0; // epoch ms
    qint64 updatedAt = 0;
    qint64 failureGroupId = 0; // the failure group it last failed in (FailureGroupStore)
};

// One request of an operation: journaled before it leaves, completed after.
// One line of an operation's journal: a request sent to do the operation, or a lookup that
// asked the provider what became of it before anything was resent.
struct Attempt
{
    enum class Status
    {
        InFlight,
        Succeeded,
        Failed
    };
    enum class Kind
    {
        Send,
        Lookup
    };

    qint64 id = 0;
    qint64 operationId = 0;
    int number = 0; // the journal's own order, lookups included
    Kind kind = Kind::Send;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    Status status = Status::InFlight;
    int httpStatus = 0;
    qint64 latencyMs = 0;
    ErrorClass errorClass = ErrorClass::None;
    QString errorMessage;
    QString request; // redacted
    QString response; // redacted

    static QString statusName(Status status);
    static Status statusFromName(const QString &name);
    static QString kindName(Kind kind);
    static Kind kindFromName(const QString &name);
};
