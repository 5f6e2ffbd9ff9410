#include "intake/LedgerIntake.h"

#include "core/Money.h"
#include "ledger/LedgerFields.h"
#include "store/Database.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace {
LedgerIntakeOutcome refused(int status, const QString &param, const QString &message,
    const QString &type = QStringLiteral("invalid_request_error"))
{
    LedgerIntakeOutcome o;
    o.refusal = IntakeRefusal { status, type, param, message };
    return o;
}

// The API's name of a field: the entity's are nested as in POST /v1/operations.
QString paramOf(LedgerFields::Field field)
{
    if (field == LedgerFields::EntityType)
        return QStringLiteral("entity[type]");
    if (field == LedgerFields::EntityId)
        return QStringLiteral("entity[id]");
    return LedgerFields::name(field);
}

// "booked_on: expected a date as yyyy-MM-dd, got 'x'"
LedgerIntakeOutcome invalid(const QString &param, const QString &message)
{
    return refused(400, param, QStringLiteral("%1: %2.").arg(param, message));
}
} // namespace

LedgerIntake::LedgerIntake(const Database &db)
    : m_db(db)
    , m_store(db)
{ }

LedgerIntakeOutcome LedgerIntake::parse(const QByteArray &body)
{
    using namespace LedgerFields;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return refused(400, {},
            QStringLiteral("The body is not valid JSON: %1 at byte %2.").arg(error.errorString()).arg(error.offset));
    if (!doc.isObject())
        return refused(400, {}, QStringLiteral("The body must be a JSON object."));
    const QJsonObject o = doc.object();
    Values values;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        if (key == QLatin1String("entity")) {
            if (v.isNull())
                continue;
            if (!v.isObject())
                return invalid(key, QStringLiteral("expected an object {type, id}"));
            const QJsonObject entity = v.toObject();
            for (auto e = entity.begin(); e != entity.end(); ++e) {
                const QString param = QStringLiteral("entity[%1]").arg(e.key());
                if (e.key() != QLatin1String("type") && e.key() != QLatin1String("id"))
                    return refused(400, param, QStringLiteral("Received unknown parameter: %1.").arg(param));
                if (!e.value().isString())
                    return invalid(param, QStringLiteral("expected a string"));
                values[e.key() == QLatin1String("type") ? EntityType : EntityId] = e.value().toString();
            }
            continue;
        }
        const auto field = fromName(key);
        if (!field || *field == Amount)
            return refused(400, key, QStringLiteral("Received unknown parameter: %1.").arg(key));
        if (*field == AmountMinor) {
            // Minor units, as Stripe's amounts: a JSON integer, never text or a fraction.
            if (!v.isDouble() || v.toDouble() != double(v.toInteger()))
                return invalid(key,
                    QStringLiteral("expected an integer in minor units, such as -2599 for -25.99, got %1")
                        .arg(QString::fromUtf8(QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact))
                                 .mid(1)
                                 .chopped(1)));
            values[AmountMinor] = QString::number(v.toInteger());
            continue;
        }
        if (!v.isString())
            return invalid(key, QStringLiteral("expected a string"));
        values[*field] = v.toString();
    }
    for (Field required : { Id, Account, BookedOn, AmountMinor, Currency })
        if (!values[required] || values[required]->trimmed().isEmpty())
            return refused(400, name(required), QStringLiteral("Missing required param: %1.").arg(name(required)));
    LedgerIntakeOutcome out;
    if (auto bad = read(values, Options {}, out.entry))
        return invalid(paramOf(bad->field), bad->message);
    return out;
}

LedgerIntakeOutcome LedgerIntake::submit(const QByteArray &body, const QString &tokenId)
{
    LedgerIntakeOutcome parsed = parse(body);
    if (!parsed)
        return parsed;
    LedgerEntry &e = parsed.entry;
    e.source = LedgerEntry::Source::Intake;
    e.sourceDetail = QStringLiteral("intake token %1").arg(tokenId);
    e.createdBy = QStringLiteral("intake-token:") + tokenId;
    auto stored = m_store.insert(e);
    if (!stored) {
        if (stored.error().errorClass == ErrorClass::Conflict)
            return refused(409, QStringLiteral("id"),
                QStringLiteral("Keys for idempotent requests can only be used with the same parameters they were "
                               "first used with: %1.")
                    .arg(stored.message()),
                QStringLiteral("idempotency_error"));
        return refused(503, {},
            QStringLiteral("The entry could not be stored; nothing was booked, send it again. (%1)")
                .arg(stored.message()),
            QStringLiteral("api_error"));
    }
    LedgerIntakeOutcome out = get(e.entryId); // as stored: a replay answers what the first did
    out.replayed = stored.value() == LedgerStore::Stored::Repeat;
    return out;
}

LedgerIntakeOutcome LedgerIntake::get(const QString &entryId) const
{
    auto entry = m_store.get(entryId);
    if (!entry) {
        if (entry.error().errorClass == ErrorClass::Storage)
            return refused(503, {}, entry.message(), QStringLiteral("api_error"));
        return refused(404, QStringLiteral("id"), QStringLiteral("No such ledger entry: '%1'.").arg(entryId));
    }
    LedgerIntakeOutcome out;
    out.entry = entry.value();
    return out;
}

QJsonObject LedgerIntake::describe(const LedgerEntry &e)
{
    return { { QStringLiteral("id"), e.entryId }, { QStringLiteral("object"), QStringLiteral("ledger_entry") },
        { QStringLiteral("account"), e.account }, { QStringLiteral("booked_on"), e.bookedOn.toString(Qt::ISODate) },
        { QStringLiteral("amount_minor"), e.amountMinor }, { QStringLiteral("currency"), e.currency },
        { QStringLiteral("exponent"), e.exponent }, { QStringLiteral("reference"), e.reference },
        { QStringLiteral("counterparty"), e.counterparty }, { QStringLiteral("description"), e.description },
        { QStringLiteral("entity"),
            e.entityType.isEmpty() ? QJsonValue()
                                   : QJsonValue(QJsonObject { { QStringLiteral("type"), e.entityType },
                                       { QStringLiteral("id"), e.entityId } }) },
        { QStringLiteral("source"), LedgerEntry::sourceName(e.source) },
        { QStringLiteral("created_at"),
            QDateTime::fromMSecsSinceEpoch(e.createdAt, Qt::UTC).toString(Qt::ISODateWithMs) } };
}
