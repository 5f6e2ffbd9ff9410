#include "ledger/LedgerFields.h"

#include "core/Money.h"

namespace LedgerFields {
namespace {
const char *const kNames[Count] = { "id", "account", "booked_on", "amount_minor", "amount", "currency", "reference",
    "counterparty", "description", "entity_type", "entity_id" };

QString got(const QString &value)
{
    QString shown = value.size() > 40 ? value.left(40) + QStringLiteral("…") : value;
    return value.isEmpty() ? QStringLiteral("nothing")
                           : QStringLiteral("'%1'").arg(shown.replace(QLatin1Char('\n'), QLatin1Char(' ')));
}

bool hasControl(const QString &text)
{
    for (QChar c : text)
        if (c.category() == QChar::Other_Control)
            return true;
    return false;
}

// An id-like value: one word, printable, at most 200 characters.
std::optional<QString> plainWord(const QString &value, const QString &what)
{
    if (value.isEmpty() || value.size() > 200 || hasControl(value) || value.contains(QLatin1Char(' ')))
        return QStringLiteral("expected %1 (one word, at most 200 characters), got %2").arg(what, got(value));
    return std::nullopt;
}

std::optional<Problem> readText(const Values &values, Field field, int max, QString &out)
{
    out = values[field].value_or(QString()).trimmed();
    if (out.size() > max)
        return Problem { field, QStringLiteral("expected at most %1 characters, got %2").arg(max).arg(out.size()) };
    if (hasControl(out))
        return Problem { field, QStringLiteral("expected text without control characters") };
    return std::nullopt;
}

std::optional<Problem> readAmount(const Values &values, const Options &options, LedgerEntry &e)
{
    const bool minor = values[AmountMinor].has_value();
    const bool major = values[Amount].has_value();
    if (minor && major)
        return Problem { Amount,
            QStringLiteral("expected either amount_minor (minor units) or amount (major units), not both") };
    if (!minor && !major)
        return Problem { AmountMinor,
            QStringLiteral("expected an amount: amount_minor in minor units (-2599 for -25.99), or a preset "
                           "mapping amount in major units") };
    const QString text = (minor ? *values[AmountMinor] : *values[Amount]).trimmed();
    const auto parsed
        = minor ? Money::parseMajor(text, 0) : Money::parseMajor(text, e.exponent, options.decimalSeparator);
    if (!parsed)
        return minor
            ? Problem { AmountMinor,
                  QStringLiteral("expected an amount in minor units, a whole number such as -2599 for -25.99, got %1")
                      .arg(got(text)) }
            : Problem { Amount,
                  QStringLiteral("expected an amount in %1 with at most %2 decimals, such as %3, got %4")
                      .arg(e.currency)
                      .arg(e.exponent)
                      .arg(QStringLiteral("-25") + options.decimalSeparator + QStringLiteral("99"), got(text)) };
    e.amountMinor = *parsed;
    return std::nullopt;
}
} // namespace

QString name(Field field)
{
    return QLatin1String(kNames[field]);
}

std::optional<Field> fromName(const QString &text)
{
    for (int f = 0; f < Count; ++f)
        if (text == QLatin1String(kNames[f]))
            return Field(f);
    return std::nullopt;
}

QStringList names()
{
    QStringList list;
    for (int f = 0; f < Count; ++f)
        list << QLatin1String(kNames[f]);
    return list;
}

std::optional<Problem> read(const Values &values, const Options &options, LedgerEntry &e)
{
    e.entryId = values[Id].value_or(QString()).trimmed();
    if (auto bad = plainWord(e.entryId, QStringLiteral("the entry's id in our books")))
        return Problem { Id, *bad };
    if (LedgerEntry::isBookingId(e.entryId))
        return Problem { Id,
            QStringLiteral("expected an id not starting with 'op:' (those are Reconsole's own bookings), got %1")
                .arg(got(e.entryId)) };
    e.account = values[Account].value_or(QString()).trimmed();
    if (e.account.isEmpty())
        return Problem { Account,
            QStringLiteral("expected the account the entry is booked to, got nothing (give it in the file, or "
                           "with --account)") };
    if (auto bad = plainWord(e.account, QStringLiteral("an account")))
        return Problem { Account, *bad };

    const QString date = values[BookedOn].value_or(QString()).trimmed();
    e.bookedOn = options.date(date);
    if (!e.bookedOn.isValid())
        return Problem { BookedOn,
            QStringLiteral("expected a date as %1, got %2").arg(options.dateFormatText(), got(date)) };

    const QString currency = values[Currency].value_or(QString()).trimmed();
    if (currency.size() != 3 || !currency.at(0).isLetter() || !currency.at(1).isLetter() || !currency.at(2).isLetter()
        || currency.at(0).unicode() > 127 || currency.at(1).unicode() > 127 || currency.at(2).unicode() > 127)
        return Problem { Currency,
            QStringLiteral("expected a three-letter currency code such as EUR, got %1").arg(got(currency)) };
    e.currency = currency.toUpper();
    e.exponent = Money::exponent(e.currency);
    if (auto bad = readAmount(values, options, e))
        return bad;

    for (auto [field, out, max] : { std::tuple { Reference, &e.reference, 200 },
             std::tuple { Counterparty, &e.counterparty, 200 }, std::tuple { Description, &e.description, 1000 },
             std::tuple { EntityType, &e.entityType, 100 }, std::tuple { EntityId, &e.entityId, 200 } })
        if (auto bad = readText(values, field, max, *out))
            return bad;
    if (e.entityType.isEmpty() != e.entityId.isEmpty())
        return Problem { e.entityType.isEmpty() ? EntityType : EntityId,
            QStringLiteral("expected entity_type and entity_id together (the business object, such as order "
                           "ORD-1042), or neither") };
    return std::nullopt;
}
} // namespace LedgerFields
