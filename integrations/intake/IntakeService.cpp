#include "intake/IntakeService.h"

#include "operations/IntakeStore.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "store/Database.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

namespace {
IntakeOutcome refused(int status, const QString &param, const QString &message)
{
    IntakeOutcome o;
    o.refusal = IntakeRefusal { status, QStringLiteral("invalid_request_error"), param, message };
    return o;
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// A required, non-empty string of at most `max` characters at `name` in `object`; the error
// names the field as the caller wrote it (`param`).
std::optional<IntakeOutcome> takeText(
    const QJsonObject &object, const QString &name, const QString &param, QString *out, int max = 200)
{
    const QJsonValue v = object.value(name);
    if (v.isUndefined() || v.isNull())
        return refused(400, param, QStringLiteral("Missing required param: %1.").arg(param));
    if (!v.isString())
        return refused(400, param, QStringLiteral("%1 must be a string.").arg(param));
    const QString s = v.toString().trimmed();
    if (s.isEmpty())
        return refused(400, param, QStringLiteral("%1 must not be empty.").arg(param));
    if (s.size() > max)
        return refused(400, param, QStringLiteral("%1 is longer than %2 characters.").arg(param).arg(max));
    for (QChar c : s)
        if (c.category() == QChar::Other_Control)
            return refused(400, param, QStringLiteral("%1 must not contain control characters.").arg(param));
    *out = s;
    return std::nullopt;
}
} // namespace

QJsonObject IntakeRefusal::json() const
{
    QJsonObject error { { QStringLiteral("type"), type }, { QStringLiteral("message"), message } };
    if (!param.isEmpty())
        error.insert(QStringLiteral("param"), param);
    return { { QStringLiteral("error"), error } };
}

IntakeService::IntakeService(const Database &db, ProviderRegistry &providers, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_providers(providers)
    , m_store(std::make_unique<IntakeStore>(db))
{ }

IntakeService::~IntakeService() = default;

IntakeOutcome IntakeService::parse(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return refused(400, {},
            QStringLiteral("The body is not valid JSON: %1 at byte %2.").arg(error.errorString()).arg(error.offset));
    if (!doc.isObject())
        return refused(400, {}, QStringLiteral("The body must be a JSON object."));
    const QJsonObject o = doc.object();
    static const QStringList known { QStringLiteral("action"), QStringLiteral("provider"), QStringLiteral("entity"),
        QStringLiteral("payload"), QStringLiteral("idempotency_key"), QStringLiteral("not_before") };
    for (const QString &key : o.keys())
        if (!known.contains(key))
            return refused(400, key, QStringLiteral("Received unknown parameter: %1.").arg(key));

    IntakeOutcome out;
    IntakeRecord &r = out.record;
    if (auto bad = takeText(o, QStringLiteral("action"), QStringLiteral("action"), &r.operation.action))
        return *bad;
    if (auto bad = takeText(o, QStringLiteral("provider"), QStringLiteral("provider"), &r.operation.providerId))
        return *bad;
    const QJsonValue entity = o.value(QStringLiteral("entity"));
    if (entity.isUndefined() || entity.isNull())
        return refused(400, QStringLiteral("entity"), QStringLiteral("Missing required param: entity."));
    if (!entity.isObject())
        return refused(400, QStringLiteral("entity"), QStringLiteral("entity must be an object {type, id}."));
    for (const QString &key : entity.toObject().keys())
        if (key != QLatin1String("type") && key != QLatin1String("id"))
            return refused(400, QStringLiteral("entity[%1]").arg(key),
                QStringLiteral("Received unknown parameter: entity[%1].").arg(key));
    if (auto bad
        = takeText(entity.toObject(), QStringLiteral("type"), QStringLiteral("entity[type]"), &r.operation.entityType))
        return *bad;
    if (auto bad
        = takeText(entity.toObject(), QStringLiteral("id"), QStringLiteral("entity[id]"), &r.operation.entityId))
        return *bad;
    const QJsonValue payload = o.value(QStringLiteral("payload"));
    if (payload.isUndefined() || payload.isNull())
        return refused(400, QStringLiteral("payload"), QStringLiteral("Missing required param: payload."));
    if (!payload.isObject())
        return refused(400, QStringLiteral("payload"), QStringLiteral("payload must be a JSON object."));
    r.operation.payload = payload.toObject();
    if (auto bad = takeText(
            o, QStringLiteral("idempotency_key"), QStringLiteral("idempotency_key"), &r.clientKey, kMaxKeyLength))
        return *bad;
    const QJsonValue notBefore = o.value(QStringLiteral("not_before"));
    if (notBefore.isString()) {
        const QDateTime at = QDateTime::fromString(notBefore.toString(), Qt::ISODateWithMs);
        if (!at.isValid() || at.timeSpec() == Qt::LocalTime)
            return refused(400, QStringLiteral("not_before"),
                QStringLiteral("not_before must be an RFC 3339 time with its offset (2026-12-02T10:00:00Z) or "
                               "Unix seconds."));
        r.notBefore = at.toMSecsSinceEpoch();
    } else if (notBefore.isDouble()) {
        const double seconds = notBefore.toDouble();
        if (seconds < 0 || seconds > 253402300799.0)
            return refused(400, QStringLiteral("not_before"), QStringLiteral("not_before is out of range."));
        r.notBefore = static_cast<qint64>(seconds * 1000);
    } else if (!notBefore.isUndefined() && !notBefore.isNull()) {
        return refused(
            400, QStringLiteral("not_before"), QStringLiteral("not_before must be an RFC 3339 time or Unix seconds."));
    }
    return out;
}

QString IntakeService::fingerprint(const IntakeRecord &r)
{
    // QJsonObject keeps its keys sorted, so the same request always serialises the same way.
    const QJsonObject canonical { { QStringLiteral("action"), r.operation.action },
        { QStringLiteral("provider"), r.operation.providerId },
        { QStringLiteral("entity"),
            QJsonObject {
                { QStringLiteral("type"), r.operation.entityType }, { QStringLiteral("id"), r.operation.entityId } } },
        { QStringLiteral("payload"), r.operation.payload }, { QStringLiteral("not_before"), r.notBefore } };
    return QString::fromLatin1(
        QCryptographicHash::hash(QJsonDocument(canonical).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256)
            .toHex());
}

std::optional<IntakeRefusal> IntakeService::checkProvider(const IntakeRecord &r)
{
    const QString &id = r.operation.providerId;
    const qint64 now = nowMs();
    auto cached = m_verdicts.constFind(id);
    if (cached == m_verdicts.cend() || now - cached->checkedAt > 1000) {
        ProviderVerdict v;
        v.checkedAt = now;
        auto provider = ProviderStore(m_db).get(id);
        if (!provider && provider.error().errorClass == ErrorClass::Storage)
            return IntakeRefusal { 503, QStringLiteral("api_error"), {}, provider.message() }; // not kept
        if (!provider) {
            QStringList ids;
            for (const ProviderConfig &p : m_providers.configured().value_or({}))
                ids << p.id;
            v.refusal = IntakeRefusal { 422, QStringLiteral("invalid_request_error"), QStringLiteral("provider"),
                QStringLiteral("No such provider: '%1'. This Reconsole has: %2.")
                    .arg(id, ids.isEmpty() ? QStringLiteral("none") : ids.join(QStringLiteral(", "))) };
        } else if (!provider->enabled) {
            v.refusal = IntakeRefusal { 422, QStringLiteral("invalid_request_error"), QStringLiteral("provider"),
                QStringLiteral("Provider '%1' is disabled: an admin stopped new attempts to it.").arg(id) };
        } else if (auto adapter = m_providers.adapterFor(id); !adapter) {
            v.refusal = IntakeRefusal { 422, QStringLiteral("invalid_request_error"), QStringLiteral("provider"),
                adapter.message() };
        } else {
            v.kind = provider->kind;
            v.actions = adapter.value()->actions();
        }
        cached = m_verdicts.insert(id, v);
    }
    if (cached->refusal)
        return cached->refusal;
    if (!cached->actions.contains(r.operation.action))
        return IntakeRefusal { 422, QStringLiteral("invalid_request_error"), QStringLiteral("action"),
            QStringLiteral("Provider '%1' (%2) has no action '%3'; it has: %4.")
                .arg(id, cached->kind, r.operation.action, cached->actions.join(QStringLiteral(", "))) };
    return std::nullopt;
}

IntakeOutcome IntakeService::store(IntakeRecord request)
{
    IntakeOutcome out;
    if (auto refusal = checkProvider(request)) {
        out.refusal = refusal;
        return out;
    }
    request.requestHash = fingerprint(request);
    auto stored = m_store->accept(request);
    if (!stored) {
        if (stored.error().errorClass == ErrorClass::Conflict)
            out.refusal = IntakeRefusal { 409, QStringLiteral("idempotency_error"), QStringLiteral("idempotency_key"),
                stored.message() };
        else
            out.refusal = IntakeRefusal { 503, QStringLiteral("api_error"), {},
                QStringLiteral("The operation could not be stored; nothing was accepted, send it again. (%1)")
                    .arg(stored.message()) };
        return out;
    }
    out.record = stored->record;
    out.replayed = stored->replayed;
    return out;
}

QList<IntakeOutcome> IntakeService::submitAll(const QList<IntakeRecord> &requests)
{
    QList<IntakeOutcome> outcomes;
    outcomes.reserve(requests.size());
    Transaction tx(m_db.connection());
    for (const IntakeRecord &r : requests)
        outcomes << store(r);
    if (!tx.commit()) {
        for (IntakeOutcome &o : outcomes)
            if (o || (o.refusal && o.refusal->status == 409)) // 409s named rows that are now undone too
                o.refusal = IntakeRefusal { 503, QStringLiteral("api_error"), {},
                    QStringLiteral("The operation could not be committed; nothing was accepted, send it again.") };
        return outcomes;
    }
    // Inside a caller's transaction (the outbox's), the signal's receivers run after it: queued.
    for (const IntakeOutcome &o : outcomes)
        if (o && !o.replayed)
            Q_EMIT accepted(o.record.operation.id);
    return outcomes;
}

IntakeOutcome IntakeService::submit(IntakeRecord request)
{
    return submitAll({ request }).first();
}

QJsonObject IntakeService::describe(const IntakeRecord &r)
{
    const Operation &op = r.operation;
    QJsonObject o { { QStringLiteral("id"), op.id }, { QStringLiteral("object"), QStringLiteral("operation") },
        { QStringLiteral("state"), OperationStates::name(op.state) }, { QStringLiteral("action"), op.action },
        { QStringLiteral("provider"), op.providerId },
        { QStringLiteral("entity"),
            QJsonObject { { QStringLiteral("type"), op.entityType }, { QStringLiteral("id"), op.entityId } } },
        { QStringLiteral("idempotency_key"), r.clientKey }, { QStringLiteral("attempts"), op.attempts },
        { QStringLiteral("external_id"), op.externalId.isEmpty() ? QJsonValue() : QJsonValue(op.externalId) },
        { QStringLiteral("last_error"),
            op.lastErrorClass == ErrorClass::None && op.lastError.isEmpty()
                ? QJsonValue()
                : QJsonValue(QJsonObject { { QStringLiteral("class"), errorClassName(op.lastErrorClass) },
                    { QStringLiteral("message"), op.lastError } }) },
        { QStringLiteral("not_before"), isoTime(r.notBefore) }, { QStringLiteral("created_at"), isoTime(op.createdAt) },
        { QStringLiteral("updated_at"), isoTime(op.updatedAt) } };
    if (op.nextAttemptAt > 0 && op.state == OperationState::RetryScheduled)
        o.insert(QStringLiteral("next_attempt_at"), isoTime(op.nextAttemptAt));
    return o;
}
