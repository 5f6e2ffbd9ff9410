#pragma once

#include "providers/KeyedAdapter.h"

struct HttpResponse;

// A CRM compatible with HubSpot's CRM v3 objects API: `upsert_contact` operations (search by
// e-mail, then update or create — HubSpot has no idempotency keys, so the search is what makes
// a retry safe), `update_contact` operations (a PATCH of named properties by contact id),
// contacts fetched by id. Its rate-limit headers are obeyed by the transport.
class CrmAdapter : public KeyedAdapter
{
public:
    using KeyedAdapter::KeyedAdapter;

    QStringList actions() const override
    {
        return { QStringLiteral("update_contact"), QStringLiteral("upsert_contact") };
    }
    QString describeRequest(const Operation &operation) const override;
    void execute(const Operation &operation, Callback<ProviderOutcome> done) override;
    void verifyCredential(const QString &secret, Callback<Result<QString>> done) override;
    void fetchRecord(const QString &externalId, Callback<Result<QJsonObject>> done) override;
    void listRecords(const QString &after, int limit, Callback<Result<RecordPage>> done) override;
    void listEvents(const QString &startingAfter, int limit, Callback<Result<EventPage>> done) override;
    QString describeLookup(const Operation &operation) const override;
    void findExisting(const Operation &operation, Callback<LookupOutcome> done) override;

    static ProviderOutcome classify(const HttpResponse &response);

private:
    HttpRequest request(const QByteArray &method, const QString &path, const QByteArray &body = {}) const;
};
