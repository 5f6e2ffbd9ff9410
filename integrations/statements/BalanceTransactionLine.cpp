#include "statements/BalanceTransactionLine.h"

#include "core/Money.h"

#include <QDateTime>
#include <QRegularExpression>

namespace {
bool isWhole(const QJsonValue &v)
{
    return v.isDouble() && v.toDouble() == double(v.toInteger());
}

QDate utcDate(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).date();
}
} // namespace

namespace BalanceTransactionLine {

Result<StatementLine> fromJson(const QJsonObject &txn, const QString &where)
{
    const QString id = txn.value(QStringLiteral("id")).toString();
    const auto refuse = [&](const QString &field, const QString &expected) {
        return failure(ErrorClass::Server,
            QStringLiteral("Balance transaction %1 in %2: `%3` %4. Nothing of that page was stored; check that the "
                           "provider speaks Stripe's API, or try again later.")
                .arg(id.isEmpty() ? QStringLiteral("(no id)") : id, where, field, expected));
    };
    if (id.isEmpty())
        return refuse(QStringLiteral("id"), QStringLiteral("is missing"));
    if (txn.contains(QStringLiteral("object"))
        && txn.value(QStringLiteral("object")).toString() != QLatin1String("balance_transaction"))
        return refuse(QStringLiteral("object"), QStringLiteral("must be \"balance_transaction\""));
    for (const char *field : { "amount", "fee", "created" }) {
        if (!isWhole(txn.value(QLatin1String(field))))
            return refuse(
                QLatin1String(field), QStringLiteral("must be a whole number (minor units, or unix seconds)"));
    }
    static const QRegularExpression iso4217(QStringLiteral("^[A-Za-z]{3}$"));
    const QString currency = txn.value(QStringLiteral("currency")).toString().toUpper();
    if (!iso4217.match(currency).hasMatch())
        return refuse(QStringLiteral("currency"), QStringLiteral("must be a three-letter ISO 4217 code"));
    if (txn.value(QStringLiteral("type")).toString().isEmpty())
        return refuse(QStringLiteral("type"), QStringLiteral("is missing (charge, refund, payout, …)"));
    const qint64 amount = txn.value(QStringLiteral("amount")).toInteger();
    const qint64 fee = txn.value(QStringLiteral("fee")).toInteger();
    if (txn.contains(QStringLiteral("net"))
        && (!isWhole(txn.value(QStringLiteral("net"))) || txn.value(QStringLiteral("net")).toInteger() != amount - fee))
        return refuse(QStringLiteral("net"), QStringLiteral("must be amount − fee (%1)").arg(amount - fee));
    const QJsonValue available = txn.value(QStringLiteral("available_on"));
    if (!available.isUndefined() && !available.isNull() && !isWhole(available))
        return refuse(QStringLiteral("available_on"), QStringLiteral("must be unix seconds"));

    StatementLine line;
    line.bankEntryId = id;
    line.direction = amount < 0 ? Direction::Debit : Direction::Credit;
    line.amountMinor = amount < 0 ? -amount : amount;
    line.currency = currency;
    line.exponent = Money::exponent(currency);
    line.feeMinor = fee;
    line.bookingDate = utcDate(txn.value(QStringLiteral("created")).toInteger());
    line.valueDate = isWhole(available) ? utcDate(available.toInteger()) : line.bookingDate;
    // reporting_category is Stripe's grouping for reports; older answers only have the type.
    line.category = txn.value(QStringLiteral("reporting_category")).toString();
    if (line.category.isEmpty())
        line.category = txn.value(QStringLiteral("type")).toString();
    const QJsonValue source = txn.value(QStringLiteral("source"));
    const QString sourceId
        = source.isObject() ? source.toObject().value(QStringLiteral("id")).toString() : source.toString();
    if (!sourceId.isEmpty())
        line.references << sourceId;
    if (line.category == QLatin1String("payout"))
        line.payoutId = sourceId; // a payout's own transaction is carried by the payout it is
    line.description = txn.value(QStringLiteral("description")).toString();
    return line;
}

} // namespace BalanceTransactionLine
