#include "intake/IntakeOutbox.h"

#include "intake/IntakeService.h"
#include "operations/OperationRequestStore.h"
#include "store/Database.h"

IntakeOutbox::IntakeOutbox(const Database &db, IntakeService &service)
    : m_db(db)
    , m_service(service)
{ }

Result<IntakeOutbox::Drained> IntakeOutbox::drainOnce(const QString &claimant, int limit)
{
    Drained drained;
    OperationRequestStore outbox(m_db);
    if (!outbox.available())
        return drained;
    Transaction tx(m_db.connection());
    auto rows = outbox.claimNew(limit);
    if (!rows)
        return rows.error();
    for (const OperationRequest &row : rows.value()) {
        IntakeOutcome outcome;
        if (!row.payloadIsObject) {
            outcome.refusal = IntakeRefusal { 400, QStringLiteral("invalid_request_error"), QStringLiteral("payload"),
                QStringLiteral("payload must be a JSON object.") };
        } else {
            IntakeRecord request;
            request.operation.action = row.action.trimmed();
            request.operation.providerId = row.providerId.trimmed();
            request.operation.entityType = row.entityType.trimmed();
            request.operation.entityId = row.entityId.trimmed();
            request.operation.payload = row.payload;
            request.clientKey = row.idempotencyKey.trimmed();
            request.notBefore = row.notBefore;
            if (request.clientKey.isEmpty() || request.clientKey.size() > IntakeService::kMaxKeyLength)
                outcome.refusal = IntakeRefusal { 400, QStringLiteral("invalid_request_error"),
                    QStringLiteral("idempotency_key"),
                    QStringLiteral("idempotency_key must be 1 to %1 characters.").arg(IntakeService::kMaxKeyLength) };
            else
                outcome = m_service.submit(request);
        }
        if (outcome.refusal && outcome.refusal->status >= 500)
            return failure(ErrorClass::Storage, outcome.refusal->message); // rolled back: the rows stay new
        Status marked = outcome
            ? outbox.markAccepted(row.id, outcome.record.operation.id, claimant)
            : outbox.markRejected(
                row.id, QStringLiteral("%1: %2").arg(outcome.refusal->param, outcome.refusal->message), claimant);
        if (!marked)
            return marked.error();
        ++(outcome ? drained.accepted : drained.rejected);
    }
    if (!tx.commit())
        return failure(ErrorClass::Storage, QStringLiteral("Cannot commit the claimed operation requests."));
    return drained;
}
