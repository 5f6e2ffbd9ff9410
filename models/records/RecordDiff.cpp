#include "records/RecordDiff.h"

#include <QSet>
#include <QStringList>

namespace {
// JSON has no "undefined"; a side without the field is stored as absent.
void insertDefined(QJsonObject &object, const QString &key, const QJsonValue &value)
{
    if (!value.isUndefined())
        object.insert(key, value);
}

const char *const kVerdictNames[] = { "in_sync", "ours_is_wrong", "provider_is_wrong", "conflict" };
} // namespace

FieldMap FieldMap::defaults(const QString &entityType)
{
    FieldMap map;
    map.entityType = entityType;
    if (entityType == QLatin1String("payment")) {
        // Money and status belong to the payments provider; what we asked for is ours.
        map.rules = {
            { QStringLiteral("amount"), QStringLiteral("amount"), QStringLiteral("amount"), FieldOwner::Provider },
            { QStringLiteral("currency"), QStringLiteral("currency"), QStringLiteral("currency"),
                FieldOwner::Provider },
            { QStringLiteral("status"), QStringLiteral("status"), QStringLiteral("status"), FieldOwner::Provider },
            { QStringLiteral("external id"), QStringLiteral("external_id"), QStringLiteral("id"),
                FieldOwner::Provider },
            { QStringLiteral("description"), QStringLiteral("description"), QStringLiteral("description"),
                FieldOwner::Ours },
            { QStringLiteral("idempotency key"), QStringLiteral("idempotency_key"),
                QStringLiteral("metadata.reconsole_key"), FieldOwner::Ours },
        };
    } else if (entityType == QLatin1String("contact")) {
        // Contact details belong to the CRM; subscription access to our database.
        map.rules = {
            { QStringLiteral("email"), QStringLiteral("email"), QStringLiteral("properties.email"),
                FieldOwner::Provider },
            { QStringLiteral("first name"), QStringLiteral("first_name"), QStringLiteral("properties.firstname"),
                FieldOwner::Provider },
            { QStringLiteral("last name"), QStringLiteral("last_name"), QStringLiteral("properties.lastname"),
                FieldOwner::Provider },
            { QStringLiteral("phone"), QStringLiteral("phone"), QStringLiteral("properties.phone"),
                FieldOwner::Provider },
            { QStringLiteral("subscription access"), QStringLiteral("access"),
                QStringLiteral("properties.reconsole_access"), FieldOwner::Ours },
        };
    }
    return map;
}

QStringList FieldMap::entityTypes()
{
    return { QStringLiteral("contact"), QStringLiteral("payment") };
}

const FieldRule *FieldMap::rule(const QString &field) const
{
    for (const FieldRule &r : rules) {
        if (r.field == field)
            return &r;
    }
    return nullptr;
}

QJsonArray FieldMap::toJson() const
{
    QJsonArray array;
    for (const FieldRule &r : rules)
        array.append(QJsonObject { { QStringLiteral("field"), r.field }, { QStringLiteral("ours"), r.ourPath },
            { QStringLiteral("provider"), r.providerPath },
            { QStringLiteral("owner"), RecordDiff::ownerName(r.owner) } });
    return array;
}

FieldMap FieldMap::fromJson(const QString &entityType, const QJsonArray &rules)
{
    FieldMap map;
    map.entityType = entityType;
    for (const QJsonValue &v : rules) {
        const QJsonObject o = v.toObject();
        map.rules << FieldRule { o.value(QStringLiteral("field")).toString(),
            o.value(QStringLiteral("ours")).toString(), o.value(QStringLiteral("provider")).toString(),
            RecordDiff::ownerFromName(o.value(QStringLiteral("owner")).toString()).value_or(FieldOwner::Provider) };
    }
    return map;
}

QString FieldDiff::verdictName() const
{
    return QString::fromLatin1(kVerdictNames[static_cast<int>(verdict)]);
}

QJsonObject FieldDiff::toJson() const
{
    QJsonObject o { { QStringLiteral("field"), field }, { QStringLiteral("owner"), RecordDiff::ownerName(owner) },
        { QStringLiteral("verdict"), verdictName() } };
    insertDefined(o, QStringLiteral("ours"), ours);
    insertDefined(o, QStringLiteral("provider"), provider);
    insertDefined(o, QStringLiteral("last_webhook"), lastWebhook);
    if (!ignoredBecause.isEmpty())
        o.insert(QStringLiteral("ignored"), ignoredBecause);
    return o;
}

FieldDiff FieldDiff::fromJson(const QJsonObject &o)
{
    FieldDiff d;
    d.field = o.value(QStringLiteral("field")).toString();
    d.owner = RecordDiff::ownerFromName(o.value(QStringLiteral("owner")).toString()).value_or(FieldOwner::Provider);
    const QString verdict = o.value(QStringLiteral("verdict")).toString();
    for (int i = 0; i < 4; ++i) {
        if (verdict == QLatin1String(kVerdictNames[i]))
            d.verdict = static_cast<Verdict>(i);
    }
    d.ours = o.value(QStringLiteral("ours"));
    d.provider = o.value(QStringLiteral("provider"));
    d.lastWebhook = o.value(QStringLiteral("last_webhook"));
    d.ignoredBecause = o.value(QStringLiteral("ignored")).toString();
    return d;
}

QString FieldDiff::verdictText() const
{
    switch (verdict) {
    case Verdict::InSync:
        return QStringLiteral("in sync");
    case Verdict::OursIsWrong:
        return QStringLiteral("ours is wrong (the provider owns it): accept the provider's value");
    case Verdict::ProviderIsWrong:
        return QStringLiteral("the provider is wrong (we own it): push our value");
    case Verdict::Conflict:
        return QStringLiteral("conflict: both sides changed since the last webhook; decide by hand");
    }
    return {};
}

namespace RecordDiff {

QString ownerName(FieldOwner owner)
{
    return owner == FieldOwner::Ours ? QStringLiteral("ours") : QStringLiteral("provider");
}

std::optional<FieldOwner> ownerFromName(const QString &name)
{
    if (name == QLatin1String("ours"))
        return FieldOwner::Ours;
    if (name == QLatin1String("provider"))
        return FieldOwner::Provider;
    return std::nullopt;
}

// Numbers and strings compare by value ("1099" equals 1099): systems disagree on types, not facts.
QString normalized(const QJsonValue &v)
{
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isNull() || v.isUndefined())
        return {};
    return v.toString().trimmed();
}

bool same(const QJsonValue &a, const QJsonValue &b)
{
    return normalized(a).compare(normalized(b), Qt::CaseInsensitive) == 0;
}

QString shown(const QJsonValue &v)
{
    if (v.isUndefined())
        return QStringLiteral("—");
    if (v.isNull())
        return QStringLiteral("null");
    return normalized(v);
}

QJsonObject paymentRecordOf(const Operation &op)
{
    QString status;
    switch (op.state) {
    case OperationState::Succeeded:
        status = QStringLiteral("succeeded");
        break;
    case OperationState::FailedPermanent:
        status = QStringLiteral("requires_payment_method");
        break;
    default:
        status = OperationStates::name(op.state); // no provider status means the same
    }
    QJsonObject record { { QStringLiteral("amount"), op.payload.value(QStringLiteral("amount")) },
        { QStringLiteral("currency"), op.payload.value(QStringLiteral("currency")) },
        { QStringLiteral("status"), status }, { QStringLiteral("external_id"), op.externalId },
        { QStringLiteral("idempotency_key"), op.idempotencyKey } };
    if (op.payload.contains(QStringLiteral("description")))
        record.insert(QStringLiteral("description"), op.payload.value(QStringLiteral("description")));
    return record;
}

QJsonValue valueAt(const QJsonObject &object, const QString &dottedPath)
{
    QJsonValue v = object;
    for (const QString &part : dottedPath.split(QLatin1Char('.'))) {
        if (!v.isObject())
            return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(part);
    }
    return v;
}

QList<FieldDiff> compare(
    const FieldMap &map, const QJsonObject &ours, const QJsonObject &provider, const QJsonObject &lastWebhook)
{
    QList<FieldDiff> diffs;
    for (const FieldRule &rule : map.rules) {
        FieldDiff d;
        d.field = rule.field;
        d.owner = rule.owner;
        d.ours = valueAt(ours, rule.ourPath);
        d.provider = valueAt(provider, rule.providerPath);
        d.lastWebhook
            = lastWebhook.isEmpty() ? QJsonValue(QJsonValue::Undefined) : valueAt(lastWebhook, rule.providerPath);
        if (same(d.ours, d.provider)) {
            d.verdict = FieldDiff::Verdict::InSync;
        } else if (!d.lastWebhook.isUndefined() && !same(d.lastWebhook, d.ours) && !same(d.lastWebhook, d.provider)) {
            // The last state we heard of matches neither side: both were changed since.
            d.verdict = FieldDiff::Verdict::Conflict;
        } else {
            d.verdict = rule.owner == FieldOwner::Provider ? FieldDiff::Verdict::OursIsWrong
                                                           : FieldDiff::Verdict::ProviderIsWrong;
        }
        diffs << d;
    }
    return diffs;
}

} // namespace RecordDiff

QString FieldMap::problem() const
{
    const FieldMap shipped = FieldMap::defaults(entityType);
    if (shipped.rules.isEmpty())
        return QStringLiteral("There is no record type '%1'.").arg(entityType);
    QSet<QString> ourPaths;
    for (const FieldRule &r : shipped.rules)
        ourPaths << r.ourPath;
    QSet<QString> fields;
    for (const FieldRule &r : rules) {
        if (r.field.trimmed().isEmpty() || fields.contains(r.field))
            return QStringLiteral("Every field needs a name of its own ('%1' is empty or repeated).").arg(r.field);
        fields << r.field;
        if (!ourPaths.contains(r.ourPath))
            return QStringLiteral("Field '%1': our records have no '%2'; ours are %3.")
                .arg(r.field, r.ourPath, QStringList(ourPaths.values()).join(QStringLiteral(", ")));
        const QString path = r.providerPath.trimmed();
        if (path.isEmpty() || path.startsWith(QLatin1Char('.')) || path.endsWith(QLatin1Char('.'))
            || path.contains(QLatin1String("..")) || path.contains(QLatin1Char(' ')))
            return QStringLiteral("Field '%1': '%2' is not a JSON path; write it dotted, like properties.email.")
                .arg(r.field, r.providerPath);
    }
    if (rules.isEmpty())
        return QStringLiteral("A field map needs at least one field.");
    return {};
}

bool DriftedRecord::hasConflict() const
{
    for (const FieldDiff &d : fields) {
        if (d.verdict == FieldDiff::Verdict::Conflict)
            return true;
    }
    return false;
}
