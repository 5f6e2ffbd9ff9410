#include "timeline/Timeline.h"

#include "access/AuditLog.h"
#include "core/Csv.h"
#include "events/EventStore.h"
#include "operations/OperationStore.h"
#include "store/Database.h"
#include "store/SqlDialect.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace Timeline {

Result<QList<TimelineEntry>> forEntity(const Database &db, const QString &entityId)
{
    QSqlQuery q(db.connection());
    // An order, a provider object, one operation's key — or a customer, through the orders'
    // payloads (payload is compact JSON, so the match is exact).
    q.prepare(QStringLiteral(
        "SELECT id, entity_id, external_id FROM operations WHERE entity_id = ? OR "
        "(external_id = ? AND external_id <> '') OR idempotency_key = ? OR payload LIKE ? ESCAPE '!' ORDER BY id"));
    q.addBindValue(entityId);
    q.addBindValue(entityId);
    q.addBindValue(entityId);
    q.addBindValue(entityId.contains(QLatin1Char('"'))
            ? QStringLiteral("\x01")
            : QStringLiteral("%\"customer_email\":\"%1\"%").arg(SqlDialect::likeEscaped(entityId)));
    if (!q.exec())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot find the entity: %1").arg(q.lastError().text()));
    QList<qint64> operationIds;
    QStringList entityIds { entityId };
    while (q.next()) {
        operationIds << q.value(0).toLongLong();
        for (int c : { 1, 2 }) {
            const QString id = q.value(c).toString();
            if (!id.isEmpty() && !entityIds.contains(id))
                entityIds << id;
        }
    }

    QList<TimelineEntry> entries;
    auto events = EventStore(db).forOperations(operationIds, entityIds);
    if (!events)
        return events.error();
    for (const Event &e : events.value()) {
        TimelineEntry t { e.occurredAt, e.source, e.channel, e.type, e.note, e.source, e.operationId, e.payload, {} };
        if (e.note.contains(QLatin1String("out of order")) || e.note.contains(QLatin1String("contradicts")))
            t.anomaly = e.note;
        else if (e.deliveries > 1)
            t.anomaly = QStringLiteral("delivered %1 times (stored once)").arg(e.deliveries);
        entries << t;
    }
    OperationStore operations(db);
    AuditLog audit(db);
    for (qint64 id : operationIds) {
        auto op = operations.get(id);
        if (!op)
            return op.error();
        entries << TimelineEntry { op->createdAt, QStringLiteral("reconsole"), QStringLiteral("internal"),
            QStringLiteral("operation.created"),
            QStringLiteral("%1 %2 %3").arg(op->action, op->entityType, op->entityId), QStringLiteral("reconsole"), id,
            {}, {} };
        auto attempts = operations.attempts(id);
        if (!attempts)
            return attempts.error();
        for (const Attempt &a : attempts.value()) {
            const QString kind = a.kind == Attempt::Kind::Lookup ? QStringLiteral("lookup") : QStringLiteral("attempt");
            QString summary;
            if (a.kind == Attempt::Kind::Lookup)
                summary = QStringLiteral("lookup %1 before resending: %2").arg(a.number).arg(a.errorMessage);
            else if (a.status == Attempt::Status::Succeeded)
                summary = QStringLiteral("attempt %1 succeeded (HTTP %2, %3 ms)")
                              .arg(a.number)
                              .arg(a.httpStatus)
                              .arg(a.latencyMs);
            else
                summary = QStringLiteral("attempt %1 %2: %3")
                              .arg(a.number)
                              .arg(Attempt::statusName(a.status), a.errorMessage);
            // Lookups are journal lines too: the Attempts channel shows both.
            entries << TimelineEntry { a.startedAt, QStringLiteral("reconsole"), QStringLiteral("attempt"),
                QStringLiteral("%1.%2").arg(kind, Attempt::statusName(a.status)), summary, QStringLiteral("reconsole"),
                id, a.request + QStringLiteral("\n\n") + a.response, {} };
        }
        auto actions = audit.entriesFor(QStringLiteral("operation:%1").arg(id));
        if (!actions)
            return actions.error();
        for (const AuditEntry &a : actions.value()) {
            QString summary = a.before.isEmpty() ? a.reason : QStringLiteral("%1 → %2").arg(a.before, a.after);
            if (!a.reason.isEmpty() && !a.before.isEmpty())
                summary += QStringLiteral(": ") + a.reason;
            entries << TimelineEntry { a.at, QStringLiteral("people"), QStringLiteral("audit"), a.action, summary,
                a.actor, id, {}, {} };
        }
        // The provider says one thing, we another: worth a look.
        for (TimelineEntry &t : entries) {
            if (t.operationId == id && t.anomaly.isEmpty() && t.channel == QLatin1String("webhook")
                && ((t.type == QLatin1String("payment_intent.payment_failed") && op->state == OperationState::Succeeded)
                    || (t.type == QLatin1String("payment_intent.succeeded")
                        && op->state == OperationState::FailedPermanent)))
                t.anomaly
                    = QStringLiteral("contradicts the operation's state (%1)").arg(OperationStates::name(op->state));
        }
    }
    std::stable_sort(
        entries.begin(), entries.end(), [](const TimelineEntry &a, const TimelineEntry &b) { return a.at < b.at; });
    return entries;
}

QString toCsv(const QList<TimelineEntry> &entries)
{
    using Csv::field;
    QString csv = QStringLiteral("time,source,channel,type,summary,actor,operation,anomaly\n");
    for (const TimelineEntry &t : entries) {
        csv += QStringList { QDateTime::fromMSecsSinceEpoch(t.at, Qt::UTC).toString(Qt::ISODateWithMs), field(t.source),
            field(t.channel), field(t.type), field(t.summary), field(t.actor),
            t.operationId ? QString::number(t.operationId) : QString(), field(t.anomaly) }
                   .join(QLatin1Char(','))
            + QLatin1Char('\n');
    }
    return csv;
}

} // namespace Timeline
