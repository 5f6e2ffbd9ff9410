#pragma once

#include "core/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

class Database;

// Our own customer records, and the ids other systems know them by.
class CustomerStore
{
public:
    explicit CustomerStore(const Database &db);

    // `record` holds email, first_name, last_name, phone, access (the contact field map's paths).
    Status upsert(const QString &id, const QJsonObject &record);
    Result<QJsonObject> get(const QString &id) const; // with "id"
    Result<int> count() const;
    // Ids and e-mails of customers whose id or e-mail contains `text`, for a record picker.
    Result<QStringList> suggestions(const QString &text, int limit) const;
    Status linkExternal(
        const QString &entityType, const QString &entityId, const QString &system, const QString &externalId);
    // Our entity id for a system's external id; empty when unknown.
    Result<QString> byExternalId(const QString &entityType, const QString &system, const QString &externalId) const;
    // Our customers a system knows by these ids: its id → our record (with "id").
    Result<QHash<QString, QJsonObject>> byExternalIds(const QString &system, const QStringList &externalIds) const;
    Result<QString> externalId(const QString &entityType, const QString &entityId, const QString &system) const;

private:
    const Database &m_db;
};
