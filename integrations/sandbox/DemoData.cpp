#include "sandbox/DemoData.h"

#include "access/AuditLog.h"
#include "events/EventStore.h"
#include "records/CustomerStore.h"

#include "operations/OperationStore.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QRandomGenerator>

namespace {
struct Failure
{
    OperationState state;
    ErrorClass errorClass;
    const char *paymentMethod;
    int httpStatus;
    const char *message;
    const char *response;
};

// The failure mix of the demo, each as the sandbox would have answered it.
const Failure kFailures[] = {
    { OperationState::FailedPermanent, ErrorClass::Client, "pm_card_chargeDeclined", 402,
        "Card declined (generic_decline): retrying will not help; contact the customer.",
        R"({"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined."}})" },
    { OperationState::FailedPermanent, ErrorClass::Client, "pm_card_chargeDeclinedInsufficientFunds", 402,
        "Card declined (insufficient funds): retrying will not help; contact the customer.",
        R"({"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}})" },
    { OperationState::RetryScheduled, ErrorClass::RateLimited, "pm_card_visa", 429,
        "Rate limited by the provider (Retry-After 2 s): safe to retry.",
        R"({"error":{"type":"rate_limit_error","message":"Too many requests hit the API too quickly."}})" },
    { OperationState::UnknownOutcome, ErrorClass::Timeout, "pm_card_visa", 0,
        "No answer within 10 s after the request was sent: the charge may have been made. Retry asks the provider "
        "first.",
        "" },
    { OperationState::RetryScheduled, ErrorClass::Server, "pm_card_visa", 503,
        "Provider unavailable (503): safe to retry with the same idempotency key.",
        R"({"error":{"type":"api_error","message":"The service is temporarily unavailable."}})" },
    { OperationState::NeedsAttention, ErrorClass::Server, "pm_card_visa", 500,
        "Provider error (500) on 5 attempts: automatic retries stopped; retry by hand or resolve.",
        R"({"error":{"type":"api_error","message":"An unknown error occurred."}})" },
};

const char *kFirstNames[] = { "anna", "ben", "chloe", "david", "emma", "felix", "greta", "hugo", "ines", "jonas" };
} // namespace

DemoData::DemoData(quint32 seed)
    : m_seed(seed)
    , m_state(seed)
{ }

Operation DemoData::makeOperation(int index, qint64 createdAt)
{
    QRandomGenerator rng(m_seed + static_cast<quint32>(index));
    Operation op;
    op.providerId = QString::fromLatin1(kProviderId);
    op.entityType = QStringLiteral("order");
    op.entityId = QStringLiteral("ORD-%1").arg(100000 + index);
    op.createdAt = createdAt;
    op.updatedAt = createdAt;
    const bool refund = rng.bounded(100) < 12;
    const int amount = 500 + static_cast<int>(rng.bounded(24000));
    const QString customer = QString::fromLatin1(kFirstNames[rng.bounded(10)]);
    op.idempotencyKey = QStringLiteral("rc-%1-%2").arg(m_seed, 0, 36).arg(index, 8, 10, QLatin1Char('0'));
    if (refund) {
        op.action = QStringLiteral("refund");
        op.payload = { { QStringLiteral("payment_intent"), QStringLiteral("pi_demo%1").arg(100000 + index - 7) },
            { QStringLiteral("amount"), amount / 2 } };
    } else {
        op.action = QStringLiteral("capture_payment");
        op.payload = { { QStringLiteral("amount"), amount }, { QStringLiteral("currency"), QStringLiteral("eur") },
            { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") },
            { QStringLiteral("customer_email"), customer + QStringLiteral("@example.com") },
            { QStringLiteral("description"), QStringLiteral("Order %1").arg(op.entityId) } };
    }
    // About 5 % fail; refunds only fail for transient reasons (the demo refunds payments the
    // sandbox never saw, so a permanent refund failure could not be reproduced by a retry).
    if (!refund && rng.bounded(1000) < 50) {
        const Failure &f = kFailures[rng.bounded(static_cast<quint32>(std::size(kFailures)))];
        op.state = f.state;
        op.payload[QStringLiteral("payment_method")] = QString::fromLatin1(f.paymentMethod);
        op.lastErrorClass = f.errorClass;
        op.lastError = QString::fromLatin1(f.message);
        op.attempts = f.state == OperationState::NeedsAttention ? 5 : 1 + static_cast<int>(rng.bounded(2));
        op.nextAttemptAt = f.state == OperationState::RetryScheduled ? createdAt + 60000 : 0;
    } else {
        op.state = OperationState::Succeeded;
        op.attempts = 1;
        op.externalId = (refund ? QStringLiteral("re_demo%1") : QStringLiteral("pi_demo%1")).arg(100000 + index);
        if (!refund && completedLater(index)) {
            // Our client gave up while 3-D Secure was pending; the customer completed it later
            // (the provider's copy, mirrored into the sandbox, says succeeded).
            op.state = OperationState::NeedsAttention;
            op.lastErrorClass = ErrorClass::Server;
            op.lastError = QStringLiteral("The provider left %1 in status 'requires_action'; it needs a person.")
                               .arg(op.externalId);
        }
    }
    return op;
}

QList<Operation> DemoData::operations(int count, int days)
{
    QList<Operation> list;
    list.reserve(count);
    const qint64 now = nowMs();
    const qint64 span = qint64(days) * 86400000;
    for (int i = 0; i < count; ++i)
        list << makeOperation(i, now - span + span * i / qMax(count, 1));
    return list;
}

Status DemoData::seed(const Database &db, int count)
{
    OperationStore store(db);
    Transaction tx(db.connection());
    for (const Operation &op : operations(count)) {
        auto id = store.insert(op);
        if (!id)
            return id.error();
        if (!op.externalId.isEmpty()) { // the provider answered with its object
            const bool succeeded = op.state == OperationState::Succeeded;
            auto attemptId = store.beginAttempt(id.value(), Attempt::Kind::Send,
                QStringLiteral("POST /v1/%1\nIdempotency-Key: %2")
                    .arg(op.action == QLatin1String("refund") ? QStringLiteral("refunds")
                                                              : QStringLiteral("payment_intents"),
                        op.idempotencyKey),
                op.createdAt);
            if (!attemptId)
                return attemptId.error();
            Attempt a;
            a.id = attemptId->id;
            a.status = succeeded ? Attempt::Status::Succeeded : Attempt::Status::Failed;
            a.finishedAt = op.createdAt + 240;
            a.httpStatus = 200;
            a.latencyMs = 180 + id.value() % 140;
            a.errorClass = op.lastErrorClass;
            a.errorMessage = op.lastError;
            a.response
                = QStringLiteral("{\"id\":\"%1\",\"status\":\"%2\"}")
                      .arg(op.externalId, succeeded ? QStringLiteral("succeeded") : QStringLiteral("requires_action"));
            Status finished = store.finishAttempt(a);
            if (!finished)
                return finished;
            continue;
        }
        const Failure *failure = nullptr;
        for (const Failure &f : kFailures) {
            if (f.state == op.state && f.errorClass == op.lastErrorClass && op.lastError == QLatin1String(f.message))
                failure = &f;
        }
        for (int n = 1; n <= op.attempts; ++n) {
            const QString request = QStringLiteral("POST /v1/payment_intents\nIdempotency-Key: %1\n\n"
                                                   "amount=%2&currency=eur&confirm=true&payment_method=%3")
                                        .arg(op.idempotencyKey)
                                        .arg(op.payload.value(QStringLiteral("amount")).toInt())
                                        .arg(op.payload.value(QStringLiteral("payment_method")).toString());
            const qint64 started = op.createdAt + (n - 1) * 2000;
            auto attemptId = store.beginAttempt(id.value(), Attempt::Kind::Send, request, started);
            if (!attemptId)
                return attemptId.error();
            Attempt a;
            a.id = attemptId->id;
            a.status = Attempt::Status::Failed;
            a.finishedAt = started + (op.lastErrorClass == ErrorClass::Timeout ? 10000 : 300);
            a.httpStatus = failure ? failure->httpStatus : 0;
            a.latencyMs = op.lastErrorClass == ErrorClass::Timeout ? 10000 : 120 + n * 37;
            a.errorClass = op.lastErrorClass;
            a.errorMessage = op.lastError;
            a.response = failure ? QString::fromLatin1(failure->response) : QString();
            Status finished = store.finishAttempt(a);
            if (!finished)
                return finished;
        }
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the demo data."));
    return success();
}

QList<QJsonObject> DemoData::customers(int count)
{
    static const char *const lastNames[] = { "Keller", "Novak", "Laurent", "Berg", "Costa", "Fischer", "Haas", "Ito",
        "Jansen", "Kowalski", "Lindqvist", "Moreau", "Nagy", "Olsen", "Petit", "Quinn", "Rossi", "Sato", "Tanaka",
        "Ueda", "Vidal", "Weber", "Young", "Zimmer" };
    QList<QJsonObject> list;
    for (int i = 0; i < count; ++i) {
        QString first = QString::fromLatin1(kFirstNames[i % 10]);
        first[0] = first[0].toUpper();
        const QString last = QString::fromLatin1(lastNames[(i / 10) % 24]);
        list << QJsonObject { { QStringLiteral("id"), QStringLiteral("CUS-%1").arg(i + 1, 4, 10, QLatin1Char('0')) },
            { QStringLiteral("email"), QStringLiteral("%1.%2@example.com").arg(first.toLower(), last.toLower()) },
            { QStringLiteral("first_name"), first }, { QStringLiteral("last_name"), last },
            { QStringLiteral("phone"), QStringLiteral("+49 30 %1").arg(5550100 + i * 7) },
            { QStringLiteral("access"), i % 23 == 4 ? QStringLiteral("premium") : QStringLiteral("basic") } };
    }
    return list;
}

QString DemoData::conflictingDescription(const QString &entityId, bool ours)
{
    return ours ? QStringLiteral("Order %1 (gift wrapped)").arg(entityId)
                : QStringLiteral("Order %1 (paid by invoice)").arg(entityId);
}

Status DemoData::seedRecords(const Database &db)
{
    Transaction tx(db.connection());
    CustomerStore customerStore(db);
    for (const QJsonObject &c : customers()) {
        Status stored = customerStore.upsert(c.value(QStringLiteral("id")).toString(), c);
        if (!stored)
            return stored;
    }
    // A webhook told us the description of a few payments; since then both sides changed it.
    OperationStore store(db);
    const QList<Operation> ops = operations(static_cast<int>(store.count().value_or(0)));
    for (int index = 0; index < ops.size(); ++index) {
        const Operation &planned = ops.at(index);
        if (planned.action != QLatin1String("capture_payment") || planned.state != OperationState::Succeeded
            || !describedOnBothSides(index))
            continue;
        auto op = store.byIdempotencyKey(planned.idempotencyKey);
        if (!op && op.error().errorClass != ErrorClass::Input)
            return op.error();
        if (!op || op->action != planned.action || op->state != OperationState::Succeeded)
            continue; // not seeded by us, or moved on since
        AuditEntry seeded { 0, 0, QStringLiteral("demo"), QStringLiteral("demo.seed"),
            QStringLiteral("operation:%1").arg(op->id), QStringLiteral("demo story"), {}, {}, {}, {} };
        Event heard;
        heard.source = QString::fromLatin1(kProviderId);
        heard.externalId = QStringLiteral("evt_demo_desc_%1").arg(op->id);
        heard.type = QStringLiteral("payment_intent.succeeded");
        heard.entityType = op->entityType;
        heard.entityId = op->entityId;
        heard.operationId = op->id;
        heard.occurredAt = heard.receivedAt = heard.processedAt = op->createdAt + 1000;
        heard.channel = QStringLiteral("webhook");
        heard.note = QStringLiteral("demo");
        heard.payload = QString::fromUtf8(
            QJsonDocument(QJsonObject { { QStringLiteral("type"), heard.type },
                              { QStringLiteral("data"),
                                  QJsonObject { { QStringLiteral("object"),
                                      QJsonObject { { QStringLiteral("id"), op->externalId },
                                          { QStringLiteral("status"), QStringLiteral("succeeded") },
                                          { QStringLiteral("amount"), op->payload.value(QStringLiteral("amount")) },
                                          { QStringLiteral("description"),
                                              op->payload.value(QStringLiteral("description")) } } } } } })
                .toJson(QJsonDocument::Compact));
        auto inserted = EventStore(db).insertIfNew(heard);
        if (!inserted)
            return inserted.error();
        QJsonObject payload = op->payload;
        payload.insert(QStringLiteral("description"), conflictingDescription(op->entityId, true));
        Status amended = store.amend(op.value(), payload, op->externalId, seeded);
        if (!amended)
            return amended;
    }
    // CRM updates wait in the workbench like payments: rate limited a minute ago, due now.
    const QList<QJsonObject> people = customers();
    for (int i = 0; i < 4; ++i) {
        const QJsonObject &c = people.at(40 + i * 17);
        Operation op;
        op.action = QStringLiteral("upsert_contact");
        op.entityType = QStringLiteral("customer");
        op.entityId = c.value(QStringLiteral("id")).toString();
        op.providerId = QString::fromLatin1(kCrmProviderId);
        op.payload = { { QStringLiteral("email"), c.value(QStringLiteral("email")) },
            { QStringLiteral("firstname"), c.value(QStringLiteral("first_name")) },
            { QStringLiteral("lastname"), c.value(QStringLiteral("last_name")) },
            { QStringLiteral("phone"), c.value(QStringLiteral("phone")) } };
        op.idempotencyKey = QStringLiteral("rc-crm-demo-%1").arg(i);
        op.state = OperationState::RetryScheduled;
        op.attempts = 1;
        op.createdAt = op.updatedAt = nowMs() - 120000;
        op.nextAttemptAt = nowMs() + 20000 * (i + 1);
        op.lastErrorClass = ErrorClass::RateLimited;
        op.lastError = QStringLiteral("Rate limited by the CRM (TEN_SECONDLY_ROLLING): safe to retry.");
        auto id = store.insert(op);
        if (!id)
            return id.error();
        auto attempt = store.beginAttempt(id.value(), Attempt::Kind::Send,
            QStringLiteral("POST /crm/v3/objects/contacts/search (email), then "
                           "PATCH or POST /crm/v3/objects/contacts"),
            op.createdAt);
        if (!attempt)
            return attempt.error();
        Attempt a;
        a.id = attempt->id;
        a.status = Attempt::Status::Failed;
        a.finishedAt = op.createdAt + 90;
        a.httpStatus = 429;
        a.latencyMs = 90;
        a.errorClass = ErrorClass::RateLimited;
        a.errorMessage = op.lastError;
        a.response = QStringLiteral("{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\","
                                    "\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}");
        Status finished = store.finishAttempt(a);
        if (!finished)
            return finished;
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the demo customers."));
    return success();
}
