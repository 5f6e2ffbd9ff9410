#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

class Database;

// One line of an entity's history, whatever system it came from.
struct TimelineEntry
{
    qint64 at = 0; // epoch ms, the source's own time
    QString source; // provider id, "reconsole" (attempts, state changes) or "people" (audit)
    QString channel; // webhook, sync, attempt, audit
    QString type;
    QString summary;
    QString actor;
    qint64 operationId = 0;
    QString payload; // redacted
    QString anomaly; // out of order, contradicts the operation, ... (empty when none)
};

// Everything that happened to an entity and the operations about it, in order: provider
// events (webhooks and syncs), our attempts, people's actions from the audit log.
namespace Timeline {
// `entityId` may be our entity id (ORD-…), an external id (pi_…), an idempotency key or a
// customer's e-mail (every order of theirs).
Result<QList<TimelineEntry>> forEntity(const Database &db, const QString &entityId);
QString toCsv(const QList<TimelineEntry> &entries);
} // namespace Timeline
