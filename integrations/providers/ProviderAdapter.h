#pragma once

#include "core/Result.h"
#include "operations/Operation.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

// What one attempt came to, already translated into Reconsole's terms.
struct ProviderOutcome
{
    OperationState state = OperationState::FailedPermanent; // succeeded, retry_scheduled, failed_permanent,
                                                            // unknown_outcome or needs_attention
    ErrorClass errorClass = ErrorClass::None;
    QString message; // for people: what happened and what to do
    QString externalId;
    int httpStatus = 0;
    int retryAfterSeconds = -1;
    qint64 latencyMs = 0;
    QString response; // redacted
};

// What the provider knows of an operation whose outcome we lost, and the answer as journaled.
struct LookupOutcome
{
    ErrorClass errorClass = ErrorClass::None; // None: the provider answered the question
    bool found = false;
    OperationState state = OperationState::UnknownOutcome; // succeeded or failed_permanent when settled
    QString externalId;
    QString message; // for people: what the provider said, or why it could not be asked
    int httpStatus = 0;
    qint64 latencyMs = 0;
    QString response; // redacted
};

// One page of the provider's event list, newest first.
struct EventPage
{
    QList<QJsonObject> events;
    bool hasMore = false;
};

// One page of the provider's records (contacts, payment intents), oldest or newest first as
// the provider lists them; nextAfter is empty on the last page.
struct RecordPage
{
    QList<QJsonObject> records;
    QString nextAfter;
};

// One interface for every provider (docs/architecture.md, adding a provider): execute an operation, find what
// became of one, and nothing provider-specific leaks past it.
class ProviderAdapter
{
public:
    template <typename T> using Callback = std::function<void(T)>;

    virtual ~ProviderAdapter() = default;

    // The business actions execute() knows (capture_payment, …): the intake API refuses others.
    virtual QStringList actions() const = 0;
    // How long one request may take; a claim on an operation outlives it.
    virtual int requestTimeoutMs() const = 0;
    // Loads the credential; nothing is sent (and no attempt journaled) if this fails.
    virtual void prepare(Callback<Status> done) = 0;
    // The request as it will be journaled: no Authorization, no card data.
    virtual QString describeRequest(const Operation &operation) const = 0;
    // Calls `go` when the provider's rate limit lets the next request leave; the request execute()
    // sends first from within `go` leaves at once.
    virtual void awaitTurn(std::function<void()> go) { go(); }
    virtual void execute(const Operation &operation, Callback<ProviderOutcome> done) = 0;
    // One cheap authenticated call with `secret`: a description on success, why not otherwise.
    virtual void verifyCredential(const QString &secret, Callback<Result<QString>> done) = 0;
    // The provider's live copy of one of its objects (a payment intent, a refund).
    virtual void fetchRecord(const QString &externalId, Callback<Result<QJsonObject>> done) = 0;
    // A page of the provider's records after `after` (empty: from the start), for drift scans.
    virtual void listRecords(const QString &after, int limit, Callback<Result<RecordPage>> done) = 0;
    // The provider's events, newest first, after `startingAfter` (empty: from the newest).
    virtual void listEvents(const QString &startingAfter, int limit, Callback<Result<EventPage>> done) = 0;
    // The lookup findExisting() will send, as journaled; empty when it knows without asking.
    virtual QString describeLookup(const Operation &operation) const = 0;
    // Asks the provider by idempotency key / metadata whether the operation already happened.
    virtual void findExisting(const Operation &operation, Callback<LookupOutcome> done) = 0;
};
