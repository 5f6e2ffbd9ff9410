#include "providers/PaymentsAdapter.h"

#include "core/Redactor.h"
#include "transport/HttpTransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace {
QByteArray formEncode(const QList<QPair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &[key, value] : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(key, "[]") + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

QString jsonText(const QJsonValue &v)
{
    return v.isDouble() ? QString::number(v.toInteger()) : v.toString();
}

// A PaymentIntent's own status as an operation state.
LookupOutcome fromPaymentIntent(const QJsonObject &pi)
{
    LookupOutcome l;
    l.found = true;
    l.externalId = pi.value(QStringLiteral("id")).toString();
    const QString status = pi.value(QStringLiteral("status")).toString();
    if (status == QLatin1String("succeeded")) {
        l.state = OperationState::Succeeded;
        l.message = QStringLiteral("The provider had already made this charge (%1).").arg(l.externalId);
    } else if (status == QLatin1String("requires_payment_method") || status == QLatin1String("canceled")) {
        const QJsonObject err = pi.value(QStringLiteral("last_payment_error")).toObject();
        l.state = OperationState::FailedPermanent;
        l.message = PaymentsAdapter::declineMessage(
            err.value(QStringLiteral("decline_code")).toString(), err.value(QStringLiteral("message")).toString());
    } else {
        l.state = OperationState::UnknownOutcome;
        l.message
            = QStringLiteral("The provider is still processing %1 (%2); check again later.").arg(l.externalId, status);
    }
    return l;
}
} // namespace

PaymentsAdapter::Call PaymentsAdapter::callFor(const Operation &op) const
{
    const QJsonObject &p = op.payload;
    QList<QPair<QString, QString>> fields;
    Call call { "POST", {}, {} };
    if (op.action == QLatin1String("update_payment")) {
        // Corrects fields we own on an existing object ("push our value" from a record diff).
        // Its metadata keeps the key of the operation that created it: that is how it is found.
        call.path = QStringLiteral("/v1/payment_intents/") + p.value(QStringLiteral("payment_intent")).toString();
        const QJsonObject changes = p.value(QStringLiteral("fields")).toObject();
        for (auto it = changes.begin(); it != changes.end(); ++it) {
            QStringList parts = it.key().split(QLatin1Char('.'));
            QString key = parts.takeFirst();
            for (const QString &part : parts)
                key += QLatin1Char('[') + part + QLatin1Char(']'); // metadata.x → metadata[x]
            fields << qMakePair(key, jsonText(it.value()));
        }
        call.body = formEncode(fields);
        return call;
    }
    if (op.action == QLatin1String("refund")) {
        call.path = QStringLiteral("/v1/refunds");
        fields << qMakePair(QStringLiteral("payment_intent"), p.value(QStringLiteral("payment_intent")).toString());
        if (p.contains(QStringLiteral("amount")))
            fields << qMakePair(QStringLiteral("amount"), jsonText(p.value(QStringLiteral("amount"))));
    } else {
        call.path = QStringLiteral("/v1/payment_intents");
        fields << qMakePair(QStringLiteral("amount"), jsonText(p.value(QStringLiteral("amount"))))
               << qMakePair(QStringLiteral("currency"), p.value(QStringLiteral("currency")).toString())
               << qMakePair(QStringLiteral("payment_method"), p.value(QStringLiteral("payment_method")).toString())
               << qMakePair(QStringLiteral("confirm"), QStringLiteral("true"));
        if (p.contains(QStringLiteral("description")))
            fields << qMakePair(QStringLiteral("description"), p.value(QStringLiteral("description")).toString());
    }
    // Metadata lets us find the object again when the answer is lost.
    fields << qMakePair(QStringLiteral("metadata[reconsole_key]"), op.idempotencyKey)
           << qMakePair(QStringLiteral("metadata[entity]"), op.entityType + QLatin1Char(':') + op.entityId);
    call.body = formEncode(fields);
    return call;
}

QString PaymentsAdapter::describeRequest(const Operation &op) const
{
    const Call call = callFor(op);
    return Redactor::redact(
        QStringLiteral("%1 %2\nIdempotency-Key: %3\n\n%4")
            .arg(QString::fromLatin1(call.method), call.path, op.idempotencyKey, QString::fromUtf8(call.body)));
}

QString PaymentsAdapter::declineMessage(const QString &declineCode, const QString &providerMessage)
{
    static const QHash<QString, QString> reasons {
        { QStringLiteral("insufficient_funds"), QStringLiteral("insufficient funds") },
        { QStringLiteral("lost_card"), QStringLiteral("card reported lost") },
        { QStringLiteral("stolen_card"), QStringLiteral("card reported stolen") },
        { QStringLiteral("expired_card"), QStringLiteral("card expired") },
        { QStringLiteral("incorrect_cvc"), QStringLiteral("incorrect CVC") },
        { QStringLiteral("generic_decline"), QStringLiteral("generic_decline") },
    };
    const QString reason = reasons.value(declineCode, declineCode.isEmpty() ? providerMessage : declineCode);
    return QStringLiteral("Card declined (%1): retrying will not help; contact the customer.").arg(reason);
}

ProviderOutcome PaymentsAdapter::classify(const HttpResponse &r)
{
    ProviderOutcome o;
    o.httpStatus = r.status;
    o.latencyMs = r.latencyMs;
    o.retryAfterSeconds = r.retryAfterSeconds;
    o.response = Redactor::redact(QString::fromUtf8(r.body.left(4000)));

    if (r.transportError != ErrorClass::None) {
        o.errorClass = r.transportError;
        if (r.transportError == ErrorClass::Certificate) {
            o.state = OperationState::NeedsAttention; // nothing left; a person must fix trust first
            o.message = r.transportMessage;
        } else if (r.mayHaveArrived) {
            o.state = OperationState::UnknownOutcome;
            o.message = QStringLiteral("No answer from the provider (%1) after the request was sent: it may have "
                                       "acted. Retry asks the provider first, then resends with the same key.")
                            .arg(r.transportMessage);
        } else {
            o.state = OperationState::RetryScheduled;
            o.message = QStringLiteral("The provider could not be reached (%1): nothing was sent; safe to retry.")
                            .arg(r.transportMessage);
        }
        return o;
    }

    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(r.body, &parseError).object();
    const bool parsed = parseError.error == QJsonParseError::NoError;
    const QJsonObject error = json.value(QStringLiteral("error")).toObject();
    const QString type = error.value(QStringLiteral("type")).toString();
    const QString providerMessage = Redactor::redact(error.value(QStringLiteral("message")).toString());

    if (r.status >= 200 && r.status < 300) {
        if (!parsed || json.value(QStringLiteral("id")).toString().isEmpty()) {
            o.state = OperationState::UnknownOutcome;
            o.errorClass = ErrorClass::Server;
            o.message = QStringLiteral("The provider answered %1 with a body Reconsole cannot read: it may have acted. "
                                       "Retry asks the provider first.")
                            .arg(r.status);
            return o;
        }
        const QString status = json.value(QStringLiteral("status")).toString();
        o.externalId = json.value(QStringLiteral("id")).toString();
        if (status == QLatin1String("succeeded") || status == QLatin1String("pending")) {
            o.state = OperationState::Succeeded;
            o.message = QStringLiteral("Done (%1).").arg(o.externalId);
        } else {
            o.state = OperationState::NeedsAttention;
            o.errorClass = ErrorClass::Client;
            o.message
                = QStringLiteral("The provider left %1 in status '%2'; it needs a person.").arg(o.externalId, status);
        }
        return o;
    }
    if (r.status == 429) {
        o.state = OperationState::RetryScheduled;
        o.errorClass = ErrorClass::RateLimited;
        o.message = QStringLiteral("Rate limited by the provider%1: safe to retry.")
                        .arg(r.retryAfterSeconds >= 0 ? QStringLiteral(" (Retry-After %1 s)").arg(r.retryAfterSeconds)
                                                      : QString());
        return o;
    }
    if (r.status >= 500) {
        o.state = OperationState::RetryScheduled;
        o.errorClass = ErrorClass::Server;
        o.message = QStringLiteral("Provider error (%1%2): safe to retry with the same idempotency key.")
                        .arg(r.status)
                        .arg(providerMessage.isEmpty() ? QString() : QStringLiteral(", ") + providerMessage);
        return o;
    }
    if (r.status == 401 || r.status == 403) {
        o.state = OperationState::NeedsAttention;
        o.errorClass = ErrorClass::Auth;
        o.message
            = QStringLiteral("The provider rejected the credential (%1): %2 Check or rotate it in the Credentials "
                             "workspace, then retry.")
                  .arg(r.status)
                  .arg(providerMessage);
        return o;
    }
    if (type == QLatin1String("idempotency_error")) {
        o.state = OperationState::NeedsAttention;
        o.errorClass = ErrorClass::Conflict;
        o.message
            = QStringLiteral("The provider saw this idempotency key with other parameters: the operation's payload "
                             "changed after it was first sent. Check it, then resolve.");
        return o;
    }
    o.state = OperationState::FailedPermanent;
    o.errorClass = ErrorClass::Client;
    if (type == QLatin1String("card_error")) {
        o.message = declineMessage(error.value(QStringLiteral("decline_code")).toString(), providerMessage);
        // A declined charge still made a PaymentIntent at the provider: ours is linked to it, so
        // a drift scan sees the pair rather than a stranger "not in our records".
        o.externalId = error.value(QStringLiteral("payment_intent")).toObject().value(QStringLiteral("id")).toString();
    } else
        o.message = QStringLiteral("The provider refused the request (%1): %2 Retrying will not help; correct the "
                                   "operation or resolve it.")
                        .arg(r.status)
                        .arg(providerMessage.isEmpty() ? QStringLiteral("no reason given.") : providerMessage);
    return o;
}

void PaymentsAdapter::execute(const Operation &op, Callback<ProviderOutcome> done)
{
    const Call call = callFor(op);
    HttpRequest req = authorized(call.method, call.path, call.body);
    req.headers.append(qMakePair(QByteArray("Idempotency-Key"), op.idempotencyKey.toUtf8()));
    req.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
    const bool update = op.action == QLatin1String("update_payment");
    m_transport.send(req, [done, update](const HttpResponse &r) {
        ProviderOutcome o = classify(r);
        if (update && r.status == 200) {
            // The object's own status (maybe a decline long ago) is not this update's outcome.
            o.state = OperationState::Succeeded;
            o.errorClass = ErrorClass::None;
            o.message = QStringLiteral("%1 updated.").arg(o.externalId);
        }
        done(o);
    });
}

PaymentsAdapter::Call PaymentsAdapter::lookupFor(const Operation &op) const
{
    if (op.action == QLatin1String("update_payment"))
        return {}; // an update sent again with its idempotency key changes nothing twice
    QUrlQuery query;
    if (op.action == QLatin1String("refund")) {
        query.addQueryItem(
            QStringLiteral("payment_intent"), op.payload.value(QStringLiteral("payment_intent")).toString());
        query.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
        return { "GET", QStringLiteral("/v1/refunds?") + query.toString(QUrl::FullyEncoded), {} };
    }
    query.addQueryItem(
        QStringLiteral("query"), QStringLiteral("metadata['reconsole_key']:'%1'").arg(op.idempotencyKey));
    return { "GET", QStringLiteral("/v1/payment_intents/search?") + query.toString(QUrl::FullyEncoded), {} };
}

QString PaymentsAdapter::describeLookup(const Operation &op) const
{
    const Call call = lookupFor(op);
    return call.path.isEmpty() ? QString()
                               : Redactor::redact(QString::fromLatin1(call.method) + QLatin1Char(' ')
                                   + QUrl::fromPercentEncoding(call.path.toUtf8()));
}

void PaymentsAdapter::findExisting(const Operation &op, Callback<LookupOutcome> done)
{
    const Call call = lookupFor(op);
    if (call.path.isEmpty()) {
        done(LookupOutcome {});
        return;
    }
    const HttpRequest req = authorized(call.method, call.path);
    const bool refund = op.action == QLatin1String("refund");
    const QString key = op.idempotencyKey;
    m_transport.send(req, [done, refund, key](const HttpResponse &r) {
        const ProviderOutcome answer = classify(r);
        LookupOutcome l;
        l.httpStatus = r.status;
        l.latencyMs = r.latencyMs;
        l.response = answer.response;
        if (r.transportError != ErrorClass::None || r.status != 200) {
            l.errorClass = answer.errorClass == ErrorClass::None ? ErrorClass::Server : answer.errorClass;
            // A refused certificate says what to fix; anything else passes with time.
            l.message = QStringLiteral("Could not ask the provider what became of the operation: %1 Nothing was "
                                       "resent%2")
                            .arg(answer.message,
                                l.errorClass == ErrorClass::Certificate ? QStringLiteral(".")
                                                                        : QStringLiteral("; try again later."));
            done(l);
            return;
        }
        QJsonParseError parseError;
        const QJsonObject list = QJsonDocument::fromJson(r.body, &parseError).object();
        if (parseError.error != QJsonParseError::NoError) {
            l.errorClass = ErrorClass::Server;
            l.message = QStringLiteral("The provider's answer to the lookup is not JSON; nothing was resent. Try "
                                       "again later.");
            done(l);
            return;
        }
        for (const QJsonValue &item : list.value(QStringLiteral("data")).toArray()) {
            const QJsonObject obj = item.toObject();
            if (obj.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("reconsole_key")).toString()
                != key)
                continue;
            LookupOutcome found = refund ? LookupOutcome {} : fromPaymentIntent(obj);
            if (refund) {
                found.found = true;
                found.externalId = obj.value(QStringLiteral("id")).toString();
                const QString status = obj.value(QStringLiteral("status")).toString();
                found.state
                    = status == QLatin1String("failed") ? OperationState::FailedPermanent : OperationState::Succeeded;
                found.message
                    = QStringLiteral("The provider already has this refund (%1, %2).").arg(found.externalId, status);
            }
            found.httpStatus = l.httpStatus;
            found.latencyMs = l.latencyMs;
            found.response = l.response;
            done(found);
            return;
        }
        l.message = QStringLiteral("The provider has no record of it: nothing was done; resending with the same key.");
        done(l); // not found: safe to send, with the same key
    });
}

void PaymentsAdapter::verifyCredential(const QString &secret, Callback<Result<QString>> done)
{
    // GET /v1/balance: Stripe's cheapest authenticated read, with no side effects.
    checkSecret(authorized("GET", QStringLiteral("/v1/balance")), secret, classify, done);
}

void PaymentsAdapter::getList(
    const QString &path, const QString &startingAfter, int limit, std::function<void(Result<QJsonObject>)> done)
{
    HttpRequest req = authorized("GET", path);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(qBound(1, limit, 100)));
    if (!startingAfter.isEmpty())
        query.addQueryItem(QStringLiteral("starting_after"), startingAfter);
    req.url.setQuery(query);
    getJson(req, classify, {}, done);
}

void PaymentsAdapter::listEvents(const QString &startingAfter, int limit, Callback<Result<EventPage>> done)
{
    getList(QStringLiteral("/v1/events"), startingAfter, limit, [done](Result<QJsonObject> list) {
        if (!list) {
            done(list.error());
            return;
        }
        EventPage page;
        for (const QJsonValue &v : list->value(QStringLiteral("data")).toArray())
            page.events << v.toObject();
        page.hasMore = list->value(QStringLiteral("has_more")).toBool();
        done(page);
    });
}

void PaymentsAdapter::fetchRecord(const QString &externalId, Callback<Result<QJsonObject>> done)
{
    const QString collection
        = externalId.startsWith(QLatin1String("re_")) ? QStringLiteral("refunds") : QStringLiteral("payment_intents");
    const HttpRequest req = authorized(
        "GET", QStringLiteral("/v1/%1/%2").arg(collection, QString::fromLatin1(QUrl::toPercentEncoding(externalId))));
    getJson(req, classify, QStringLiteral("The provider has no object %1.").arg(externalId), done);
}

void PaymentsAdapter::listRecords(const QString &after, int limit, Callback<Result<RecordPage>> done)
{
    getList(QStringLiteral("/v1/payment_intents"), after, limit, [done](Result<QJsonObject> list) {
        if (!list) {
            done(list.error());
            return;
        }
        RecordPage page;
        for (const QJsonValue &v : list->value(QStringLiteral("data")).toArray())
            page.records << v.toObject();
        if (list->value(QStringLiteral("has_more")).toBool() && !page.records.isEmpty())
            page.nextAfter = page.records.last().value(QStringLiteral("id")).toString();
        done(page);
    });
}

Result<ListPage> PaymentsAdapter::readList(const QJsonObject &answer, const QString &request)
{
    const auto wrong = [&request](const QString &what) {
        return failure(ErrorClass::Server,
            QStringLiteral("The provider's answer to %1 is not a Stripe list: %2. Nothing of it was used; try again "
                           "later, or check that the provider's address is a Stripe-compatible API.")
                .arg(request, what));
    };
    if (answer.value(QStringLiteral("object")).toString() != QLatin1String("list"))
        return wrong(QStringLiteral("its `object` is not \"list\""));
    if (!answer.value(QStringLiteral("data")).isArray())
        return wrong(QStringLiteral("it has no `data` array"));
    if (!answer.value(QStringLiteral("has_more")).isBool())
        return wrong(QStringLiteral("it has no `has_more` true or false"));
    ListPage page;
    page.request = request;
    page.hasMore = answer.value(QStringLiteral("has_more")).toBool();
    const QJsonArray data = answer.value(QStringLiteral("data")).toArray();
    for (qsizetype i = 0; i < data.size(); ++i) {
        const QJsonObject item = data.at(i).toObject();
        if (item.value(QStringLiteral("id")).toString().isEmpty())
            return wrong(QStringLiteral("item %1 of `data` has no `id`").arg(i + 1));
        page.data << item;
    }
    if (page.hasMore && page.data.isEmpty())
        return wrong(QStringLiteral("it says has_more but its `data` is empty, so there is no cursor to go on from"));
    return page;
}

void PaymentsAdapter::getPage(const QString &path, const ListQuery &q, Callback<Result<ListPage>> done)
{
    HttpRequest req = authorized("GET", path);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(qBound(1, q.limit, 100)));
    if (!q.startingAfter.isEmpty())
        query.addQueryItem(QStringLiteral("starting_after"), q.startingAfter);
    if (!q.endingBefore.isEmpty())
        query.addQueryItem(QStringLiteral("ending_before"), q.endingBefore);
    if (!q.payout.isEmpty())
        query.addQueryItem(QStringLiteral("payout"), q.payout);
    if (!q.type.isEmpty())
        query.addQueryItem(QStringLiteral("type"), q.type);
    if (q.createdGte >= 0)
        query.addQueryItem(QStringLiteral("created[gte]"), QString::number(q.createdGte));
    req.url.setQuery(query);
    const QString request = QStringLiteral("GET ") + path + QLatin1Char('?') + query.toString(QUrl::PrettyDecoded);
    getJson(req, classify, {}, [done, request](Result<QJsonObject> answer) {
        if (!answer)
            done(failure(answer.error().errorClass, QStringLiteral("%1 (%2)").arg(answer.message(), request)));
        else
            done(readList(answer.value(), request));
    });
}

void PaymentsAdapter::listBalanceTransactions(const ListQuery &query, Callback<Result<ListPage>> done)
{
    getPage(QStringLiteral("/v1/balance_transactions"), query, std::move(done));
}

void PaymentsAdapter::listPayouts(const ListQuery &query, Callback<Result<ListPage>> done)
{
    getPage(QStringLiteral("/v1/payouts"), query, std::move(done));
}
