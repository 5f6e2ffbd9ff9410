#include "ledger/LedgerBooking.h"

#include "core/Money.h"
#include "ledger/LedgerStore.h"
#include "operations/OperationStore.h"
#include "store/Database.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcBooking, "reconsole.ledger")

namespace {
const QString kCapture = QStringLiteral("capture_payment");
const QString kRefund = QStringLiteral("refund");

// A payload amount: Stripe's integer in minor units (a JSON number or its digits as text).
std::optional<qint64> minorOf(const QJsonValue &v)
{
    if (v.isDouble() && v.toDouble() == double(v.toInteger()))
        return v.toInteger();
    if (v.isString())
        return Money::parseMajor(v.toString(), 0);
    return std::nullopt;
}

// A refund's amount and currency: its own, else the capture's it refunds (a full refund).
Result<std::optional<std::pair<qint64, QString>>> refunded(const Database &db, const Operation &refund)
{
    std::optional<qint64> amount = minorOf(refund.payload.value(QStringLiteral("amount")));
    QString currency = refund.payload.value(QStringLiteral("currency")).toString();
    if (amount && !currency.isEmpty())
        return std::optional(std::pair { *amount, currency });
    const QString intent = refund.payload.value(QStringLiteral("payment_intent")).toString();
    auto captures = OperationStore(db).byExternalIds(refund.providerId, { intent });
    if (!captures)
        return captures.error();
    for (const Operation &capture : captures.value()) {
        if (capture.action != kCapture)
            continue;
        if (!amount)
            amount = minorOf(capture.payload.value(QStringLiteral("amount")));
        if (currency.isEmpty())
            currency = capture.payload.value(QStringLiteral("currency")).toString();
        break;
    }
    if (!amount || currency.isEmpty())
        return std::optional<std::pair<qint64, QString>>();
    return std::optional(std::pair { *amount, currency });
}
} // namespace

namespace LedgerBooking {

QString entryId(qint64 operationId, const QString &action)
{
    return QStringLiteral("op:%1:%2").arg(operationId).arg(action);
}

Result<std::optional<LedgerEntry>> entryFor(const Database &db, const Operation &op)
{
    if (op.action != kCapture && op.action != kRefund)
        return std::optional<LedgerEntry>();
    std::optional<std::pair<qint64, QString>> money;
    if (op.action == kCapture) {
        const auto amount = minorOf(op.payload.value(QStringLiteral("amount")));
        const QString currency = op.payload.value(QStringLiteral("currency")).toString();
        if (amount && !currency.isEmpty())
            money = std::pair { *amount, currency };
    } else {
        auto found = refunded(db, op);
        if (!found)
            return found.error();
        money = found.value();
    }
    if (!money) {
        qCWarning(lcBooking).noquote() << QStringLiteral(
            "operation %1 (%2) succeeded but books nothing: its amount or currency is not known "
            "(payload, or for a refund the capture it refunds)")
                                              .arg(op.id)
                                              .arg(op.action);
        return std::optional<LedgerEntry>();
    }
    LedgerEntry e;
    e.entryId = entryId(op.id, op.action);
    e.account = op.providerId;
    e.bookedOn = QDateTime::fromMSecsSinceEpoch(op.updatedAt > 0 ? op.updatedAt : nowMs(), Qt::UTC).date();
    e.currency = money->second.toUpper();
    e.exponent = Money::exponent(e.currency);
    e.amountMinor = op.action == kRefund ? -qAbs(money->first) : qAbs(money->first);
    e.reference = op.externalId;
    e.description = QStringLiteral("%1 by operation %2").arg(op.action).arg(op.id);
    e.entityType = op.entityType;
    e.entityId = op.entityId;
    e.source = LedgerEntry::Source::Operation;
    e.sourceDetail = QStringLiteral("operation %1").arg(op.id);
    e.operationId = op.id;
    e.createdBy = QStringLiteral("reconsole");
    return std::optional(e);
}

Status book(const Database &db, const Operation &op)
{
    auto entry = entryFor(db, op);
    if (!entry)
        return entry.error();
    if (!entry.value())
        return success();
    auto stored = LedgerStore(db).insert(*entry.value());
    // Conflict: booked before, on another day or before an external id was known. The first
    // booking stands; only this table's own entries can hold an op: id.
    if (!stored && stored.error().errorClass != ErrorClass::Conflict)
        return stored.error();
    return success();
}

} // namespace LedgerBooking
