#include "records/RecordImporter.h"

#include "operations/OperationStore.h"
#include "records/CustomerStore.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace {
const QString kCustomer = QStringLiteral("customer"); // the entity type external ids use

QString quoted(const QString &value)
{
    return QStringLiteral("'%1'").arg(value);
}

QString fieldChange(const QString &field, const QString &before, const QString &after)
{
    return QStringLiteral("%1 %2 → %3").arg(field, quoted(before), quoted(after));
}

QString statusOf(OperationState state)
{
    if (state == OperationState::Succeeded)
        return QStringLiteral("succeeded");
    if (state == OperationState::FailedPermanent)
        return QStringLiteral("failed");
    return OperationStates::name(state);
}
} // namespace

QString ImportOutcome::summary() const
{
    return QStringLiteral("%1 new, %2 changed, %3 unchanged").arg(added).arg(changed).arg(unchanged);
}

struct RecordImporter::Run
{
    const ImportFile &file;
    AuditEntry audit;
    ImportOutcome outcome;
    QList<ImportProblem> problems;

    QString columnOf(const QString &field) const
    {
        for (const auto &entry : file.mapping) {
            if (entry.first == field)
                return entry.second;
        }
        return field;
    }
    void problem(const ImportRow &row, const QString &field, const QString &message)
    {
        problems << ImportProblem { file.fileName, row.line, columnOf(field), message };
    }
    // `entityId`: the record diff's id for it when that is not our id (a payment's operation).
    void record(
        const ImportRow &row, const QString &id, const QStringList &changes, bool added, const QString &entityId = {})
    {
        if (added) {
            ++outcome.added;
            outcome.changes << QStringLiteral("%1 (line %2): new").arg(id).arg(row.line);
        } else if (!changes.isEmpty()) {
            ++outcome.changed;
            outcome.changes
                << QStringLiteral("%1 (line %2): %3").arg(id).arg(row.line).arg(changes.join(QStringLiteral(", ")));
        } else {
            ++outcome.unchanged;
            return;
        }
        outcome.entityIds << (entityId.isEmpty() ? id : entityId);
    }
};

RecordImporter::RecordImporter(const Database &db)
    : m_db(db)
{ }

Result<ImportOutcome> RecordImporter::apply(const ImportFile &file, AuditEntry audit, bool dryRun)
{
    if (!file.ok())
        return failure(ErrorClass::Input, file.problemText());
    Run run { file, audit, {}, {} };
    run.outcome.target = file.target;
    run.outcome.fileName = file.fileName;
    run.outcome.dryRun = dryRun;
    run.audit.action = QStringLiteral("records.import");
    run.audit.target = QStringLiteral("records:%1").arg(file.target);

    Transaction tx(m_db.connection());
    const bool payments = file.target == QLatin1String("payments");
    for (const ImportRow &row : file.rows) {
        Status done = payments ? importPayment(run, row) : importCustomer(run, row);
        if (!done)
            return done.error(); // the database's own failure; the transaction rolls back
        if (run.problems.size() >= 50)
            break;
    }
    if (!run.problems.isEmpty()) {
        ImportFile refused = file;
        refused.problems = run.problems;
        return failure(ErrorClass::Input, refused.problemText());
    }
    if (dryRun)
        return run.outcome; // `tx` rolls everything back
    run.audit.reason = run.audit.reason.isEmpty() ? QStringLiteral("%1: %2").arg(file.fileName, run.outcome.summary())
                                                  : run.audit.reason;
    run.audit.after = QString::fromUtf8(QJsonDocument(
        QJsonObject { { QStringLiteral("file"), file.fileName }, { QStringLiteral("new"), run.outcome.added },
            { QStringLiteral("changed"), run.outcome.changed },
            { QStringLiteral("unchanged"),
                run.outcome.unchanged } }).toJson(QJsonDocument::Compact));
    Status committed = AuditLog(m_db).commitWith(tx, run.audit, QStringLiteral("the import of %1").arg(file.fileName));
    if (!committed)
        return committed.error();
    return run.outcome;
}

Status RecordImporter::importCustomer(Run &run, const ImportRow &row)
{
    CustomerStore customers(m_db);
    const QString id = row.id();
    auto existing = customers.get(id);
    if (!existing && existing.error().errorClass != ErrorClass::Input)
        return existing.error();
    const bool added = !existing;
    QJsonObject record = existing.value_or(QJsonObject { { QStringLiteral("email"), QString() },
        { QStringLiteral("first_name"), QString() }, { QStringLiteral("last_name"), QString() },
        { QStringLiteral("phone"), QString() }, { QStringLiteral("access"), QStringLiteral("basic") } });
    QStringList changes;
    for (const QString &field : RecordImport::fieldsOf(run.file.target)) {
        if (field == QLatin1String("id") || !row.values.contains(field))
            continue; // a field the file does not give keeps what we have
        const QString value = row.values.value(field);
        if (field == QLatin1String("access") && value.isEmpty())
            continue;
        const QString before = record.value(field).toString();
        if (value != before) {
            changes << fieldChange(field, before, value);
            record.insert(field, value);
        }
    }
    if (added || !changes.isEmpty()) {
        Status stored = customers.upsert(id, record);
        if (!stored)
            return stored;
    }
    for (auto it = row.values.cbegin(); it != row.values.cend(); ++it) {
        const QString system = RecordImport::systemOf(it.key());
        if (system.isEmpty() || it.value().isEmpty())
            continue; // no id at that system on this line: the ones we have stay
        auto owner = customers.byExternalId(kCustomer, system, it.value());
        if (!owner)
            return owner.error();
        if (!owner->isEmpty() && owner.value() != id) {
            run.problem(row, it.key(),
                QStringLiteral("expected an id no other customer of ours has at %1, got %2 (customer %3 has it)")
                    .arg(system, quoted(it.value()), owner.value()));
            continue;
        }
        auto before = customers.externalId(kCustomer, id, system);
        if (!before)
            return before.error();
        if (before.value() == it.value())
            continue;
        Status linked = customers.linkExternal(kCustomer, id, system, it.value());
        if (!linked)
            return linked;
        changes << fieldChange(it.key(), before.value(), it.value());
    }
    run.record(row, id, changes, added);
    return success();
}

Status RecordImporter::importPayment(Run &run, const ImportRow &row)
{
    OperationStore store(m_db);
    const QString id = row.id();
    QString field; // the one external_id:<provider> the reader resolved
    for (const auto &entry : run.file.mapping) {
        if (!RecordImport::systemOf(entry.first).isEmpty())
            field = entry.first;
    }
    const QString provider = RecordImport::systemOf(field);
    const QString externalId = row.values.value(field);

    // Another payment of ours already created that provider object: the file mixes two up.
    auto holders = store.byExternalIds(provider, { externalId });
    if (!holders)
        return holders.error();
    for (const Operation &holder : holders.value()) {
        if (holder.entityId != id) {
            run.problem(row, field,
                QStringLiteral("expected an id no other payment of ours has at %1, got %2 (%3 %4 has it)")
                    .arg(provider, quoted(externalId), holder.entityType, holder.entityId));
            return success();
        }
    }

    QSqlQuery q(m_db.connection());
    q.prepare(QStringLiteral("SELECT id FROM operations WHERE action = 'capture_payment' AND provider_id = ? AND "
                             "entity_id = ? ORDER BY id LIMIT 1"));
    q.addBindValue(provider);
    q.addBindValue(id);
    if (!q.exec())
        return storageError(QStringLiteral("Cannot look up payment %1").arg(id), q);
    const QString status = row.values.value(QStringLiteral("status"));
    const OperationState wanted
        = status == QLatin1String("failed") ? OperationState::FailedPermanent : OperationState::Succeeded;

    if (!q.next()) {
        Operation op;
        op.action = QStringLiteral("capture_payment");
        op.entityType = QStringLiteral("order");
        op.entityId = id;
        op.providerId = provider;
        op.payload = { { QStringLiteral("amount"), row.values.value(QStringLiteral("amount")).toLongLong() },
            { QStringLiteral("currency"), row.values.value(QStringLiteral("currency")) } };
        if (row.values.contains(QStringLiteral("description")))
            op.payload.insert(QStringLiteral("description"), row.values.value(QStringLiteral("description")));
        // Made outside Reconsole: the key only has to be ours and stable for the same payment.
        op.idempotencyKey = QStringLiteral("import-%1-%2").arg(provider, id);
        op.externalId = externalId;
        op.state = wanted;
        op.createdAt = op.updatedAt = nowMs();
        auto inserted = store.insert(op);
        if (!inserted)
            return inserted.error();
        run.outcome.operationIds << inserted.value();
        run.record(row, id, {}, true, QString::number(inserted.value()));
        return success();
    }

    auto op = store.get(q.value(0).toLongLong());
    if (!op)
        return op.error();
    QStringList changes;
    QJsonObject payload = op->payload;
    const qint64 amount = row.values.value(QStringLiteral("amount")).toLongLong();
    if (payload.value(QStringLiteral("amount")).toInteger() != amount) {
        changes << fieldChange(QStringLiteral("amount"), payload.value(QStringLiteral("amount")).toVariant().toString(),
            QString::number(amount));
        payload.insert(QStringLiteral("amount"), amount);
    }
    for (const char *name : { "currency", "description" }) {
        const QString key = QLatin1String(name);
        if (!row.values.contains(key) || payload.value(key).toString() == row.values.value(key))
            continue;
        changes << fieldChange(key, payload.value(key).toString(), row.values.value(key));
        payload.insert(key, row.values.value(key));
    }
    if (op->externalId != externalId)
        changes << fieldChange(field, op->externalId, externalId);
    AuditEntry audit = run.audit;
    audit.action = QStringLiteral("records.import");
    audit.target = QStringLiteral("operation:%1").arg(op->id);
    audit.reason = QStringLiteral("%1 line %2").arg(run.file.fileName).arg(row.line);
    if (!changes.isEmpty()) {
        Status amended = store.amend(op.value(), payload, externalId, audit);
        if (!amended)
            return amended;
    }
    if (!status.isEmpty() && op->state != wanted) {
        if (!OperationStates::canTransition(op->state, wanted)) {
            run.problem(row, QStringLiteral("status"),
                QStringLiteral("expected a status payment %1 can take from %2, got %3 (%4)")
                    .arg(id, statusOf(op->state), quoted(status), OperationStates::refusal(op->state, wanted)));
            return success();
        }
        auto current = store.get(op->id); // amended above: the row the transition compares with
        if (!current)
            return current.error();
        auto moved = store.transition(op->id, current->state, wanted, {}, audit);
        if (!moved)
            return moved.error();
        changes << fieldChange(QStringLiteral("status"), statusOf(op->state), status);
    }
    if (!changes.isEmpty())
        run.outcome.operationIds << op->id;
    run.record(row, id, changes, false, QString::number(op->id));
    return success();
}
