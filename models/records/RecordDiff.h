#pragma once

#include "operations/Operation.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// Which system is trusted for a field (the seed's "source of truth").
enum class FieldOwner
{
    Ours,
    Provider
};

// One field as each system names it, and who owns it.
struct FieldRule
{
    QString field; // the name people see
    QString ourPath; // dotted path in our record
    QString providerPath; // dotted path in the provider's object (and webhook payloads)
    FieldOwner owner = FieldOwner::Provider;
};

// The field map of one entity type against one kind of provider, with shipped defaults.
struct FieldMap
{
    QString entityType; // "payment", "contact"
    QList<FieldRule> rules;

    static FieldMap defaults(const QString &entityType); // empty rules for an unknown type
    static QStringList entityTypes(); // the types with shipped defaults
    const FieldRule *rule(const QString &field) const; // nullptr when unmapped

    QJsonArray toJson() const;
    static FieldMap fromJson(const QString &entityType, const QJsonArray &rules);
    // What makes the map unusable, in words a person can act on; empty when it is fine.
    QString problem() const;
};

struct FieldDiff
{
    enum class Verdict
    {
        InSync,
        OursIsWrong, // the provider owns the field and we differ: accept its value
        ProviderIsWrong, // we own it and the provider differs: push ours
        Conflict, // both moved away from what we last heard; no rule may settle it silently
    };

    QString field;
    QJsonValue ours;
    QJsonValue provider;
    QJsonValue lastWebhook; // undefined when no webhook carried the object
    FieldOwner owner = FieldOwner::Provider;
    Verdict verdict = Verdict::InSync;
    QString ignoredBecause; // set when someone chose to ignore exactly these two values

    bool differs() const { return verdict != Verdict::InSync; }
    bool needsAction() const { return differs() && ignoredBecause.isEmpty(); }
    QString verdictText() const;
    QString verdictName() const; // in_sync, ours_is_wrong, provider_is_wrong, conflict

    QJsonObject toJson() const;
    static FieldDiff fromJson(const QJsonObject &object);
};

// One record whose fields disagree between us and a provider.
struct DriftedRecord
{
    QString entityId; // ours; empty when we have no such record
    QString externalId; // the provider's
    QList<FieldDiff> fields; // only the ones that differ
    bool hasConflict() const;
};

// Our record beside the provider's live object and the last webhook's copy, field by field.
namespace RecordDiff {
QJsonValue valueAt(const QJsonObject &object, const QString &dottedPath);
QList<FieldDiff> compare(
    const FieldMap &map, const QJsonObject &ours, const QJsonObject &provider, const QJsonObject &lastWebhook = {});
QString ownerName(FieldOwner owner);
std::optional<FieldOwner> ownerFromName(const QString &name);
// Values as the diff compares them: numbers and strings by value, case and padding ignored.
QString normalized(const QJsonValue &value);
bool same(const QJsonValue &a, const QJsonValue &b);
// A value for people: "—" when the side has no such field.
QString shown(const QJsonValue &value);
// Our side of a payment, in the provider's vocabulary where states have names there.
QJsonObject paymentRecordOf(const Operation &operation);
} // namespace RecordDiff
