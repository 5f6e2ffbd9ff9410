#pragma once

#include "providers/KeyedAdapter.h"

struct HttpResponse;

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
};
