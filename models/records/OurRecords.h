#pragma once

#include "access/AuditLog.h"
#include "core/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>

class Database;

// Our side of a record the diff compares, in the field map's "ours" vocabulary.
struct OurRecord
{
    QString entityType; // contact, payment
    QString entityId; // a customer id; an operation id for payments
    QString providerId; // the system the record is compared with
    QString externalId; // that system's id for it
    QJsonObject fields;
};

// Finds our record of a contact or a payment by any id it goes by, and changes one field of it
// when a person accepts the owning system's value. Payments are our operations: their status
// is the operation's state, moved only along the state machine's edges.
class OurRecords
{
public:
    explicit OurRecords(const Database &db);

    // `id`: our id, the provider's id (pi_…, a CRM contact id) or, for contacts, an e-mail.
    // `providerId` picks the system for a contact known to several (empty: the first linked).
    Result<OurRecord> find(const QString &entityType, const QString &id, const QString &providerId = {}) const;
    // The record an operation is about, as (entity type, id) for find(): a CRM operation's
    // contact, any other operation's payment.
    Result<QPair<QString, QString>> recordOfOperation(qint64 operationId) const;
    // Our records a provider knows by these ids (its id → ours): a drift scan's page at once.
    Result<QHash<QString, OurRecord>> findByExternalIds(
        const QString &entityType, const QString &providerId, const QStringList &externalIds) const;
    // The provider's object as the last webhook (or synced event) about the record carried it;
    // empty when none did. The diff's third column, and what tells a conflict from drift.
    QJsonObject lastWebhookCopy(const OurRecord &record) const;
    // The same for many records of one type (entity id → object), in one query.
    QHash<QString, QJsonObject> lastWebhookCopies(const QList<OurRecord> &records) const;
    // How many of our records of the type the provider should know: a scan's expected length.
    Result<int> countLinked(const QString &entityType, const QString &providerId) const;
    // Sets `ourPath` to `value`, with `audit` committed in the same transaction.
    Status write(const OurRecord &record, const QString &ourPath, const QJsonValue &value, const AuditEntry &audit);

private:
    Result<OurRecord> findContact(const QString &id, const QString &providerId) const;
    Result<OurRecord> findPayment(const QString &id) const;
    Status writeContact(
        const OurRecord &record, const QString &ourPath, const QJsonValue &value, const AuditEntry &audit);
    Status writePayment(
        const OurRecord &record, const QString &ourPath, const QJsonValue &value, const AuditEntry &audit);

    const Database &m_db;
};
