#pragma once

#include "Operation.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

// Which system is trusted for a field (the seed's "source of truth").
enum class FieldOwner { Ours, Provider };

// One field as each system names it, and who owns it.
struct FieldRule
{
    QString field;        // the name people see
    QString ourPath;      // dotted path in our record
    QString providerPath; // dotted path in the provider's object (and webhook payloads)
    FieldOwner owner = FieldOwner::Provider;
};

// The field map of one entity type against one kind of provider, with shipped defaults.
struct FieldMap
{
    QString entityType; // "payment", "contact"
    QList<FieldRule> rules;

    static FieldMap defaults(const QString &entityType); // empty rules for an unknown type
};

struct FieldDiff
{
    enum class Verdict {
        InSync,
        OursIsWrong,     // the provider owns the field and we differ: accept its value
        ProviderIsWrong, // we own it and the provider differs: push ours
        Conflict,        // both moved away from what we last heard; no rule may settle it silently
    };

    QString field;
    QJsonValue ours;
    QJsonValue provider;
    QJsonValue lastWebhook; // undefined when no webhook carried the object
    FieldOwner owner = FieldOwner::Provider;
    Verdict verdict = Verdict::InSync;

    QString verdictText() const;
};

// Our record beside the provider's live object and the last webhook's copy, field by field.
namespace RecordDiff {
QJsonValue valueAt(const QJsonObject &object, const QString &dottedPath);
QList<FieldDiff> compare(const FieldMap &map, const QJsonObject &ours, const QJsonObject &provider,
                         const QJsonObject &lastWebhook = {});
QString ownerName(FieldOwner owner);
// Our side of a payment, in the provider's vocabulary where states have names there.
QJsonObject paymentRecordOf(const Operation &operation);
} // namespace RecordDiff
