#include "reconciliation/MatchRules.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

#include <cmath>

namespace {
const QList<MatchRule::Kind> kKinds {
    MatchRule::Kind::Exact,
    MatchRule::Kind::Tolerance,
    MatchRule::Kind::Fee,
    MatchRule::Kind::Grouped,
};

// The keys each kind takes besides "rule" and "name".
QStringList keysOf(MatchRule::Kind kind)
{
    switch (kind) {
    case MatchRule::Kind::Exact:
        return {};
    case MatchRule::Kind::Tolerance:
        return { QStringLiteral("days"), QStringLiteral("amount_minor"), QStringLiteral("amount_percent"),
            QStringLiteral("text"), QStringLiteral("reference_in_text") };
    case MatchRule::Kind::Fee:
        return { QStringLiteral("days"), QStringLiteral("require_reference") };
    case MatchRule::Kind::Grouped:
        return { QStringLiteral("days"), QStringLiteral("by_payout"), QStringLiteral("subset_sum"),
            QStringLiteral("max_group_size"), QStringLiteral("max_nodes") };
    }
    return {};
}

Error bad(const QString &where, const QString &what)
{
    return failure(ErrorClass::Input, where + QStringLiteral(": ") + what);
}

// An integer key within [low, high], or an error naming it.
Result<qint64> integer(const QJsonValue &v, const QString &where, const QString &key, qint64 low, qint64 high)
{
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d) || d < double(low) || d > double(high))
        return bad(where, QStringLiteral("\"%1\" must be a whole number from %2 to %3.").arg(key).arg(low).arg(high));
    return qint64(d);
}

Result<bool> boolean(const QJsonValue &v, const QString &where, const QString &key)
{
    if (!v.isBool())
        return bad(where, QStringLiteral("\"%1\" must be true or false.").arg(key));
    return v.toBool();
}

Result<MatchRule> ruleFromJson(const QJsonObject &o, const QString &where)
{
    const QString kindName = o.value(QStringLiteral("rule")).toString();
    std::optional<MatchRule::Kind> kind;
    QStringList kindNames;
    for (MatchRule::Kind k : kKinds) {
        kindNames << MatchRule::kindName(k);
        if (MatchRule::kindName(k) == kindName)
            kind = k;
    }
    if (!kind)
        return bad(where,
            QStringLiteral("\"rule\" must be one of %1, not \"%2\".")
                .arg(kindNames.join(QStringLiteral(", ")), kindName));
    const QString at = where + QStringLiteral(" (") + kindName + QLatin1Char(')');
    const QStringList known = keysOf(*kind);
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.key() != QLatin1String("rule") && it.key() != QLatin1String("name") && !known.contains(it.key()))
            return bad(at,
                QStringLiteral("unknown key \"%1\"; a %2 rule takes %3.")
                    .arg(it.key(), kindName,
                        (QStringList { QStringLiteral("name") } + known).join(QStringLiteral(", "))));
    MatchRule r = MatchRule::ofKind(*kind);
    if (o.contains(QStringLiteral("name"))) {
        r.name = o.value(QStringLiteral("name")).toString().trimmed();
        if (r.name.isEmpty())
            return bad(at, QStringLiteral("\"name\" must be a non-empty text."));
    }
    const auto get = [&](const char *key, auto &field, qint64 low, qint64 high) -> Status {
        const QString k = QString::fromLatin1(key);
        if (!o.contains(k))
            return success();
        auto v = integer(o.value(k), at, k, low, high);
        if (!v)
            return v.error();
        field = std::remove_reference_t<decltype(field)>(v.value());
        return success();
    };
    const auto flag = [&](const char *key, bool &field) -> Status {
        const QString k = QString::fromLatin1(key);
        if (!o.contains(k))
            return success();
        auto v = boolean(o.value(k), at, k);
        if (!v)
            return v.error();
        field = v.value();
        return success();
    };
    for (const Status &s : { get("days", r.windowDays, 0, 366), get("amount_minor", r.toleranceMinor, 0, 1000000000),
             get("max_group_size", r.maxGroupSize, 2, 8), get("max_nodes", r.maxNodes, 1, 100000000),
             flag("reference_in_text", r.referenceInText), flag("require_reference", r.requireReference),
             flag("by_payout", r.byPayout), flag("subset_sum", r.subsetSum) })
        if (!s)
            return s.error();
    if (o.contains(QStringLiteral("amount_percent"))) {
        const QJsonValue v = o.value(QStringLiteral("amount_percent"));
        if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 100)
            return bad(
                at, QStringLiteral("\"amount_percent\" must be a number from 0 to 100 (0.5 is half a percent)."));
        r.toleranceBasisPoints = int(std::lround(v.toDouble() * 100));
    }
    if (o.contains(QStringLiteral("text"))) {
        if (!o.value(QStringLiteral("text")).isString())
            return bad(at, QStringLiteral("\"text\" must be a text."));
        r.requireText = o.value(QStringLiteral("text")).toString();
    }
    return r;
}
} // namespace

QString MatchRule::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Exact:
        return QStringLiteral("exact");
    case Kind::Tolerance:
        return QStringLiteral("tolerance");
    case Kind::Fee:
        return QStringLiteral("fee");
    case Kind::Grouped:
        return QStringLiteral("grouped");
    }
    return {};
}

MatchRule MatchRule::ofKind(Kind kind)
{
    MatchRule r;
    r.kind = kind;
    r.name = kindName(kind);
    return r;
}

MatchRules MatchRules::defaults()
{
    MatchRules rules;
    for (MatchRule::Kind k : kKinds)
        rules.rules.append(MatchRule::ofKind(k));
    return rules;
}

Result<MatchRules> MatchRules::fromJson(const QByteArray &json, const QString &source)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return bad(source,
            QStringLiteral("not JSON at byte %1 (%2); a rules file is {\"rules\": [{\"rule\": \"exact\"}, …]}.")
                .arg(error.offset)
                .arg(error.errorString()));
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it)
        if (it.key() != QLatin1String("rules"))
            return bad(source, QStringLiteral("unknown key \"%1\"; a rules file holds only \"rules\".").arg(it.key()));
    if (!doc.isObject() || !root.value(QStringLiteral("rules")).isArray())
        return bad(source, QStringLiteral("expected {\"rules\": [ … ]}, a list of rules in the order they run."));
    MatchRules rules;
    const QJsonArray list = root.value(QStringLiteral("rules")).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString where = QStringLiteral("%1: rule %2").arg(source).arg(i + 1);
        if (!list.at(i).isObject())
            return failure(
                ErrorClass::Input, where + QStringLiteral(": expected an object such as {\"rule\": \"exact\"}."));
        auto rule = ruleFromJson(list.at(i).toObject(), where);
        if (!rule)
            return rule.error();
        rules.rules.append(rule.value());
    }
    if (Status valid = rules.validate(); !valid)
        return failure(ErrorClass::Input, source + QStringLiteral(": ") + valid.message());
    return rules;
}

Result<MatchRules> MatchRules::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(ErrorClass::Input, QStringLiteral("%1: cannot read it (%2).").arg(path, file.errorString()));
    return fromJson(file.readAll(), path);
}

QByteArray MatchRules::toJson() const
{
    QJsonArray list;
    for (const MatchRule &r : rules) {
        QJsonObject o { { QStringLiteral("rule"), MatchRule::kindName(r.kind) } };
        if (r.name != MatchRule::kindName(r.kind))
            o.insert(QStringLiteral("name"), r.name);
        switch (r.kind) {
        case MatchRule::Kind::Exact:
            break;
        case MatchRule::Kind::Tolerance:
            o.insert(QStringLiteral("days"), r.windowDays);
            o.insert(QStringLiteral("amount_minor"), r.toleranceMinor);
            o.insert(QStringLiteral("amount_percent"), r.toleranceBasisPoints / 100.0);
            if (!r.requireText.isEmpty())
                o.insert(QStringLiteral("text"), r.requireText);
            o.insert(QStringLiteral("reference_in_text"), r.referenceInText);
            break;
        case MatchRule::Kind::Fee:
            o.insert(QStringLiteral("days"), r.windowDays);
            o.insert(QStringLiteral("require_reference"), r.requireReference);
            break;
        case MatchRule::Kind::Grouped:
            o.insert(QStringLiteral("days"), r.windowDays);
            o.insert(QStringLiteral("by_payout"), r.byPayout);
            o.insert(QStringLiteral("subset_sum"), r.subsetSum);
            o.insert(QStringLiteral("max_group_size"), r.maxGroupSize);
            o.insert(QStringLiteral("max_nodes"), r.maxNodes);
            break;
        }
        list.append(o);
    }
    return QJsonDocument(QJsonObject { { QStringLiteral("rules"), list } }).toJson(QJsonDocument::Indented);
}

Status MatchRules::save(const QString &path) const
{
    QSaveFile file(path);
    const QByteArray json = toJson();
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        return failure(ErrorClass::Input, QStringLiteral("%1: cannot write it (%2).").arg(path, file.errorString()));
    return success();
}

Status MatchRules::validate() const
{
    QSet<QString> names;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const MatchRule &r = rules.at(i);
        const QString where = QStringLiteral("rule %1 (%2)").arg(i + 1).arg(r.name);
        if (r.name.trimmed().isEmpty())
            return failure(ErrorClass::Input, QStringLiteral("rule %1 has no name.").arg(i + 1));
        if (names.contains(r.name))
            return failure(ErrorClass::Input,
                QStringLiteral("%1: another rule has that name; give each a \"name\" of its own.").arg(where));
        names.insert(r.name);
        if (r.windowDays < 0 || r.windowDays > 366 || r.toleranceMinor < 0 || r.toleranceBasisPoints < 0
            || r.toleranceBasisPoints > 10000 || r.maxGroupSize < 2 || r.maxGroupSize > 8 || r.maxNodes < 1)
            return failure(ErrorClass::Input,
                QStringLiteral("%1: days must be 0–366, tolerances 0 or more (at most 100 %), max_group_size "
                               "2–8, max_nodes 1 or more.")
                    .arg(where));
    }
    return success();
}
