#pragma once

#include "providers/KeyedAdapter.h"

struct HttpResponse;

// Which page of a Stripe list to fetch: after `startingAfter` (older, in a newest-first list) or
// just before `endingBefore` (newer), filtered as Stripe's list endpoints filter.
struct ListQuery
{
    QString startingAfter;
    QString endingBefore;
    QString payout; // balance transactions: those this payout carried
    QString type; // balance transactions: of this type only (charge, refund, payout, …)
    qint64 createdGte = -1; // unix seconds; -1: no floor
    int limit = 100;
};

// One page of a Stripe list, checked to be one: newest first, each item an object with an id.
struct ListPage
{
    QList<QJsonObject> data;
    bool hasMore = false;
    QString request; // "GET /v1/balance_transactions?limit=100&…", for messages
};

// A payments provider compatible with Stripe's API v1: PaymentIntents with confirm=true for
// capture_payment, Refunds for refund; form-encoded bodies, Bearer key, Idempotency-Key.
class PaymentsAdapter : public KeyedAdapter
{
public:
    using KeyedAdapter::KeyedAdapter;

    QStringList actions() const override
    {
        return { QStringLiteral("capture_payment"), QStringLiteral("refund"), QStringLiteral("update_payment") };
    }
    QString describeRequest(const Operation &operation) const override;
    void execute(const Operation &operation, Callback<ProviderOutcome> done) override;
    QString describeLookup(const Operation &operation) const override;
    void findExisting(const Operation &operation, Callback<LookupOutcome> done) override;
    void verifyCredential(const QString &secret, Callback<Result<QString>> done) override;
    void fetchRecord(const QString &externalId, Callback<Result<QJsonObject>> done) override;
    void listRecords(const QString &after, int limit, Callback<Result<RecordPage>> done) override;
    void listEvents(const QString &startingAfter, int limit, Callback<Result<EventPage>> done) override;
    // GET /v1/balance_transactions and GET /v1/payouts, one page; within the provider's rate
    // limit (the transport's bucket), a 429 is an ErrorClass::RateLimited error.
    void listBalanceTransactions(const ListQuery &query, Callback<Result<ListPage>> done);
    void listPayouts(const ListQuery &query, Callback<Result<ListPage>> done);
    // An answer that is no Stripe list (no `data` array, an item without an id, no has_more) is
    // the provider's fault, said with the request: nothing of it may be used.
    static Result<ListPage> readList(const QJsonObject &answer, const QString &request);

    // Exposed for tests: how one HTTP answer maps to an outcome.
    static ProviderOutcome classify(const HttpResponse &response);
    static QString declineMessage(const QString &declineCode, const QString &providerMessage);

private:
    struct Call
    {
        QByteArray method;
        QString path;
        QByteArray body;
    };
    Call callFor(const Operation &operation) const;
    // The search that finds what became of an operation; no path when none is needed.
    Call lookupFor(const Operation &operation) const;
    // GET of a Stripe list (limit, starting_after): the event list and the record list alike.
    void getList(
        const QString &path, const QString &startingAfter, int limit, std::function<void(Result<QJsonObject>)> done);
    void getPage(const QString &path, const ListQuery &query, Callback<Result<ListPage>> done);
};
