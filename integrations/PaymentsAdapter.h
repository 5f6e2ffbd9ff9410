#pragma once

#include "ProviderAdapter.h"
#include "ProviderStore.h"

class CredentialStore;
class HttpTransport;
struct HttpResponse;

// A payments provider compatible with Stripe's API v1: PaymentIntents with confirm=true for
// capture_payment, Refunds for refund; form-encoded bodies, Bearer key, Idempotency-Key.
class PaymentsAdapter : public ProviderAdapter
{
public:
    PaymentsAdapter(ProviderConfig provider, HttpTransport &transport, CredentialStore &credentials);

    int requestTimeoutMs() const override { return m_provider.timeoutMs; }
    void prepare(Callback<Status> done) override;
    QString describeRequest(const Operation &operation) const override;
    void execute(const Operation &operation, Callback<ProviderOutcome> done) override;
    void findExisting(const Operation &operation, Callback<Result<LookupOutcome>> done) override;
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

    ProviderConfig m_provider;
    HttpTransport &m_transport;
    CredentialStore &m_credentials;
    QString m_secret;
};
