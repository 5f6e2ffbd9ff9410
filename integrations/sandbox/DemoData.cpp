#include "sandbox/DemoData.h"

#include "access/AuditLog.h"
#include "events/EventStore.h"
#include "records/CustomerStore.h"

#include "operations/OperationStore.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QRandomGenerator>

struct DemoFailure
{
    OperationState state; // what the runs leave it in
    ErrorClass errorClass;
    const char *paymentMethod; // Stripe's test payment method that declines, or a good card
    const char *message; // for rows only: the runs write the real one
    const char *faults; // the sandbox's fault for each run (the agent's scheduled retries), ';'-separated
};

namespace {
// The failure mix of the demo: what happened to each, as the sandbox is told to make it happen.
const DemoFailure kFailures[] = {
    { OperationState::FailedPermanent, ErrorClass::Client, "pm_card_chargeDeclined",
        "Card declined (generic_decline): retrying will not help; contact the customer.", "" },
    { OperationState::FailedPermanent, ErrorClass::Client, "pm_card_chargeDeclinedInsufficientFunds",
        "Card declined (insufficient funds): retrying will not help; contact the customer.", "" },
    { OperationState::RetryScheduled, ErrorClass::RateLimited, "pm_card_visa",
        "Rate limited by the provider (Retry-After 30 s): safe to retry.", "rate_limit=30" },
    { OperationState::UnknownOutcome, ErrorClass::Timeout, "pm_card_visa",
        "No answer from the provider after the request was sent: it may have acted. Retry asks the provider first.",
        "lost" },
    { OperationState::RetryScheduled, ErrorClass::Server, "pm_card_visa",
        "Provider unavailable (503): safe to retry with the same idempotency key.", "unavailable;unavailable" },
    { OperationState::NeedsAttention, ErrorClass::Server, "pm_card_visa",
        "Provider error (500) on 5 attempts: automatic retries stopped; retry by hand or resolve.",
        "server_error;server_error;server_error;server_error;server_error" },
};

const char *kFirstNames[] = { "anna", "ben", "chloe", "david", "emma", "felix", "greta", "hugo", "ines", "jonas" };
} // namespace

DemoData::DemoData(quint32 seed)
    : m_seed(seed)
    , m_state(seed)
{ }

DemoStory DemoData::story(int index, qint64 createdAt) const
{
    QRandomGenerator rng(m_seed + static_cast<quint32>(index));
    DemoStory story;
    Operation &op = story.operation;
    op.providerId = QString::fromLatin1(kProviderId);
    op.entityType = QStringLiteral("order");
    op.entityId = QStringLiteral("ORD-%1").arg(100000 + index);
    op.createdAt = createdAt;
    op.updatedAt = createdAt;
    const bool refund = rng.bounded(100) < 12;
    const int amount = 500 + static_cast<int>(rng.bounded(24000));
    const QString customer = QString::fromLatin1(kFirstNames[rng.bounded(10)]);
    op.idempotencyKey = QStringLiteral("rc-%1-%2").arg(m_seed, 0, 36).arg(index, 8, 10, QLatin1Char('0'));
    story.runs = { QString() };
    if (refund) {
        // Half of an earlier order's payment; which payment intent it is becomes known when that
        // order has run (runs fill it in), the rows name one.
        op.action = QStringLiteral("refund");
        story.refundOf = qMax(0, index - 7);
        op.payload = { { QStringLiteral("payment_intent"), QStringLiteral("pi_demo%1").arg(100000 + index - 7) },
            { QStringLiteral("amount"), amount / 2 }, { QStringLiteral("currency"), QStringLiteral("eur") } };
        return story; // refunds of payments that went through do not fail in the demo
    }
    op.action = QStringLiteral("capture_payment");
    op.payload = { { QStringLiteral("amount"), amount }, { QStringLiteral("currency"), QStringLiteral("eur") },
        { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") },
        { QStringLiteral("customer_email"), customer + QStringLiteral("@example.com") },
        { QStringLiteral("description"), QStringLiteral("Order %1").arg(op.entityId) } };
    if (rng.bounded(1000) < 50) { // about 5 % fail
        story.failure = &kFailures[rng.bounded(static_cast<quint32>(std::size(kFailures)))];
        op.payload[QStringLiteral("payment_method")] = QString::fromLatin1(story.failure->paymentMethod);
        story.runs = QString::fromLatin1(story.failure->faults).split(QLatin1Char(';'));
        for (QString &fault : story.runs) {
            if (fault == QLatin1String("lost")) // every other lost answer came after the charge was made
                fault = lostAfterCharge(index) ? QStringLiteral("drop_after_charge") : QStringLiteral("reset");
        }
    } else if (completedLater(index)) {
        // Our client gave up while 3-D Secure was pending; the customer completed it later (the
        // provider's copy, mirrored into the sandbox, says succeeded).
        op.payload[QStringLiteral("payment_method")] = QStringLiteral("pm_card_threeDSecure2Required");
    }
    return story;
}

Operation DemoData::asRow(const DemoStory &planned)
{
    Operation op = planned.operation;
    const qint64 createdAt = op.createdAt;
    const bool refund = op.action == QLatin1String("refund");
    if (const DemoFailure *f = planned.failure) {
        op.state = f->state;
        op.lastErrorClass = f->errorClass;
        op.lastError = QString::fromLatin1(f->message);
        op.attempts = static_cast<int>(planned.runs.size());
        op.nextAttemptAt = f->state == OperationState::RetryScheduled ? createdAt + 60000 : 0;
        return op;
    }
    op.state = OperationState::Succeeded;
    op.attempts = 1;
    const int index = indexOf(op);
    op.externalId = (refund ? QStringLiteral("re_demo%1") : QStringLiteral("pi_demo%1")).arg(100000 + index);
    if (!refund && completedLater(index)) {
        op.state = OperationState::NeedsAttention;
        op.lastErrorClass = ErrorClass::Client;
        op.lastError
            = QStringLiteral("The provider left %1 in status 'requires_action'; it needs a person.").arg(op.externalId);
    }
    return op;
}

QList<DemoStory> DemoData::crmStories()
{
    // CRM updates wait in the workbench like payments: rate limited a moment ago, due in turn.
    QList<DemoStory> list;
    const QList<QJsonObject> people = customers();
    for (int i = 0; i < 4; ++i) {
        const QJsonObject &c = people.at(40 + i * 17);
        DemoStory story;
        Operation &op = story.operation;
        op.action = QStringLiteral("upsert_contact");
        op.entityType = QStringLiteral("customer");
        op.entityId = c.value(QStringLiteral("id")).toString();
        op.providerId = QString::fromLatin1(kCrmProviderId);
        op.payload = { { QStringLiteral("email"), c.value(QStringLiteral("email")) },
            { QStringLiteral("firstname"), c.value(QStringLiteral("first_name")) },
            { QStringLiteral("lastname"), c.value(QStringLiteral("last_name")) },
            { QStringLiteral("phone"), c.value(QStringLiteral("phone")) } };
        op.idempotencyKey = QStringLiteral("rc-crm-demo-%1").arg(i);
        op.createdAt = op.updatedAt = nowMs() - 5000;
        story.runs = { QStringLiteral("rate_limit=%1").arg(20 * (i + 1)) };
        list << story;
    }
    return list;
}

QList<DemoStory> DemoData::stories(int count, int days) const
{
    QList<DemoStory> list;
    list.reserve(count);
    const qint64 now = nowMs();
    const qint64 span = qint64(days) * 86400000;
    for (int i = 0; i < count; ++i)
        list << story(i, now - span + span * i / qMax(count, 1));
    return list;
}

QList<Operation> DemoData::operations(int count, int days)
{
    QList<Operation> list;
    list.reserve(count);
    for (const DemoStory &planned : stories(count, days))
        list << asRow(planned);
    return list;
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
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the demo customers."));
    return success();
}
