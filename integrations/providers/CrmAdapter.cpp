#include "providers/CrmAdapter.h"

#include "core/Redactor.h"
#include "transport/HttpTransport.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace {
QJsonObject contactProperties(const Operation &op)
{
    QJsonObject props;
    for (const char *key : { "email", "firstname", "lastname", "phone" }) {
        const QString k = QLatin1String(key);
        if (op.payload.contains(k))
            props.insert(k, op.payload.value(k));
    }
    return props;
}

QByteArray searchBody(const QString &email)
{
    const QJsonObject filter { { QStringLiteral("propertyName"), QStringLiteral("email") },
        { QStringLiteral("operator"), QStringLiteral("EQ") }, { QStringLiteral("value"), email } };
    return QJsonDocument(QJsonObject { { QStringLiteral("filterGroups"),
                             QJsonArray { QJsonObject { { QStringLiteral("filters"), QJsonArray { filter } } } } } })
        .toJson(QJsonDocument::Compact);
}
} // namespace

HttpRequest CrmAdapter::request(const QByteArray &method, const QString &path, const QByteArray &body) const
{
    HttpRequest req = authorized(method, path, body);
    req.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return req;
}

QString CrmAdapter::describeRequest(const Operation &op) const
{
    if (op.action == QLatin1String("update_contact"))
        return Redactor::redact(
            QStringLiteral("PATCH /crm/v3/objects/contacts/%1\n\n%2")
                .arg(op.payload.value(QStringLiteral("contact_id")).toString(),
                    QString::fromUtf8(QJsonDocument(QJsonObject { { QStringLiteral("properties"),
                                                        op.payload.value(QStringLiteral("properties")) } })
                                          .toJson(QJsonDocument::Compact))));
    return Redactor::redact(QStringLiteral("POST /crm/v3/objects/contacts/search (email), then PATCH or POST "
                                           "/crm/v3/objects/contacts\n\n%1")
                                .arg(QString::fromUtf8(QJsonDocument(
                                    QJsonObject { { QStringLiteral("properties"), contactProperties(op) } })
                                                           .toJson(QJsonDocument::Compact))));
}

ProviderOutcome CrmAdapter::classify(const HttpResponse &r)
{
    ProviderOutcome o;
    o.httpStatus = r.status;
    o.latencyMs = r.latencyMs;
    o.retryAfterSeconds = r.retryAfterSeconds;
    o.response = Redactor::redact(QString::fromUtf8(r.body.left(4000)));
    const QJsonObject json = QJsonDocument::fromJson(r.body).object();
    const QString message = json.value(QStringLiteral("message")).toString();
    if (r.transportError == ErrorClass::Certificate) {
        o.errorClass = r.transportError;
        o.state = OperationState::NeedsAttention; // nothing left; a person must fix trust first
        o.message = r.transportMessage;
    } else if (r.transportError != ErrorClass::None) {
        o.errorClass = r.transportError;
        // An update is safe to repeat and a create is found by the search first: resend.
        o.state = OperationState::RetryScheduled;
        o.message = QStringLiteral("The CRM did not answer (%1); the retry searches before it writes.")
                        .arg(r.transportMessage);
    } else if (r.status >= 200 && r.status < 300) {
        o.state = OperationState::Succeeded;
        o.externalId = json.value(QStringLiteral("id")).toString();
        o.message = QStringLiteral("Contact %1 saved.").arg(o.externalId);
    } else if (r.status == 429) {
        o.state = OperationState::RetryScheduled;
        o.errorClass = ErrorClass::RateLimited;
        o.message = QStringLiteral("Rate limited by the CRM (%1): safe to retry.")
                        .arg(json.value(QStringLiteral("policyName")).toString());
    } else if (r.status >= 500) {
        o.state = OperationState::RetryScheduled;
        o.errorClass = ErrorClass::Server;
        o.message = QStringLiteral("CRM error (%1): safe to retry.").arg(r.status);
    } else if (r.status == 401 || r.status == 403) {
        o.state = OperationState::NeedsAttention;
        o.errorClass = ErrorClass::Auth;
        o.message = QStringLiteral("The CRM rejected the token (%1). Check or rotate it, then retry.").arg(r.status);
    } else if (r.status == 409) {
        o.state = OperationState::NeedsAttention;
        o.errorClass = ErrorClass::Conflict;
        o.message = QStringLiteral("The CRM already has this contact: %1").arg(message);
    } else {
        o.state = OperationState::FailedPermanent;
        o.errorClass = ErrorClass::Client;
        o.message
            = QStringLiteral("The CRM refused the contact (%1): %2 Correct it or resolve.").arg(r.status).arg(message);
    }
    return o;
}

void CrmAdapter::execute(const Operation &op, Callback<ProviderOutcome> done)
{
    if (op.action == QLatin1String("update_contact")) {
        // "Push our value" from a record diff: a PATCH of named properties, safe to repeat.
        const QByteArray body = QJsonDocument(
            QJsonObject { { QStringLiteral("properties"), op.payload.value(QStringLiteral("properties")) } })
                                    .toJson(QJsonDocument::Compact);
        m_transport.send(
            request("PATCH",
                QStringLiteral("/crm/v3/objects/contacts/") + op.payload.value(QStringLiteral("contact_id")).toString(),
                body),
            [done](const HttpResponse &r) { done(classify(r)); });
        return;
    }
    const QJsonObject props = contactProperties(op);
    const QByteArray body
        = QJsonDocument(QJsonObject { { QStringLiteral("properties"), props } }).toJson(QJsonDocument::Compact);
    const QString email = props.value(QStringLiteral("email")).toString();
    m_transport.send(request("POST", QStringLiteral("/crm/v3/objects/contacts/search"), searchBody(email)),
        [this, body, done](const HttpResponse &found) {
            if (found.status != 200) {
                done(classify(found));
                return;
            }
            const QJsonArray results
                = QJsonDocument::fromJson(found.body).object().value(QStringLiteral("results")).toArray();
            const QString id
                = results.isEmpty() ? QString() : results.first().toObject().value(QStringLiteral("id")).toString();
            const HttpRequest write = id.isEmpty()
                ? request("POST", QStringLiteral("/crm/v3/objects/contacts"), body)
                : request("PATCH", QStringLiteral("/crm/v3/objects/contacts/") + id, body);
            m_transport.send(write, [done](const HttpResponse &r) { done(classify(r)); });
        });
}

QString CrmAdapter::describeLookup(const Operation &) const
{
    return {}; // execute() searches before it writes, so a resend is always safe
}

void CrmAdapter::findExisting(const Operation &, Callback<LookupOutcome> done)
{
    done(LookupOutcome {});
}

void CrmAdapter::verifyCredential(const QString &secret, Callback<Result<QString>> done)
{
    checkSecret(request("GET", QStringLiteral("/crm/v3/objects/contacts?limit=1")), secret, classify, done);
}

void CrmAdapter::fetchRecord(const QString &externalId, Callback<Result<QJsonObject>> done)
{
    getJson(request("GET", QStringLiteral("/crm/v3/objects/contacts/") + externalId), classify,
        QStringLiteral("The CRM has no contact %1.").arg(externalId), done);
}
void CrmAdapter::listEvents(const QString &, int, Callback<Result<EventPage>> done)
{
    done(EventPage {}); // HubSpot pushes changes by webhook; it has no event list to page
}

void CrmAdapter::listRecords(const QString &after, int limit, Callback<Result<RecordPage>> done)
{
    QString path = QStringLiteral("/crm/v3/objects/contacts?limit=%1").arg(qBound(1, limit, 100));
    if (!after.isEmpty())
        path += QStringLiteral("&after=") + after;
    getJson(request("GET", path), classify, {}, [done](Result<QJsonObject> answer) {
        if (!answer) {
            done(answer.error());
            return;
        }
        const QJsonObject &list = answer.value();
        RecordPage page;
        for (const QJsonValue &v : list.value(QStringLiteral("results")).toArray())
            page.records << v.toObject();
        page.nextAfter = list.value(QStringLiteral("paging"))
                             .toObject()
                             .value(QStringLiteral("next"))
                             .toObject()
                             .value(QStringLiteral("after"))
                             .toString();
        done(page);
    });
}
