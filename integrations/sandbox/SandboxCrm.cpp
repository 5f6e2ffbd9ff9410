#include "sandbox/SandboxCrm.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace {
QString isoNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}
} // namespace

SandboxCrm::SandboxCrm()
{
    m_clock.start();
}

void SandboxCrm::setRateLimit(int perInterval, int intervalMs, int perSecond)
{
    m_perInterval = perInterval;
    m_intervalMs = qMax(1, intervalMs);
    m_perSecond = perSecond;
}

bool SandboxCrm::admit()
{
    const qint64 now = m_clock.elapsed();
    while (!m_recent.empty() && m_recent.front() <= now - m_intervalMs)
        m_recent.pop_front();
    if (m_perInterval > 0 && qsizetype(m_recent.size()) >= m_perInterval)
        return false;
    if (m_perSecond > 0) {
        const auto inLastSecond
            = std::count_if(m_recent.cbegin(), m_recent.cend(), [now](qint64 t) { return t > now - 1000; });
        if (inLastSecond >= m_perSecond)
            return false;
    }
    m_recent.push_back(now);
    return true;
}

void SandboxCrm::addRateHeaders(SandboxAnswer &answer) const
{
    if (m_perInterval <= 0)
        return;
    const qint64 now = m_clock.elapsed();
    const auto inLastSecond
        = std::count_if(m_recent.cbegin(), m_recent.cend(), [now](qint64 t) { return t > now - 1000; });
    answer.headers << qMakePair(QByteArray("X-HubSpot-RateLimit-Max"), QByteArray::number(m_perInterval))
                   << qMakePair(QByteArray("X-HubSpot-RateLimit-Remaining"),
                          QByteArray::number(qMax<qsizetype>(0, m_perInterval - qsizetype(m_recent.size()))))
                   << qMakePair(
                          QByteArray("X-HubSpot-RateLimit-Interval-Milliseconds"), QByteArray::number(m_intervalMs));
    if (m_perSecond > 0)
        answer.headers << qMakePair(QByteArray("X-HubSpot-RateLimit-Secondly"), QByteArray::number(m_perSecond))
                       << qMakePair(QByteArray("X-HubSpot-RateLimit-Secondly-Remaining"),
                              QByteArray::number(qMax<qsizetype>(0, m_perSecond - inLastSecond)));
}

SandboxAnswer SandboxCrm::error(int status, const QString &category, const QString &message)
{
    return SandboxAnswer::json(status,
        { { QStringLiteral("status"), QStringLiteral("error") }, { QStringLiteral("message"), message },
            { QStringLiteral("correlationId"), QStringLiteral("sandbox-%1").arg(QDateTime::currentMSecsSinceEpoch()) },
            { QStringLiteral("category"), category } });
}

SandboxAnswer SandboxCrm::rateLimited()
{
    return SandboxAnswer::json(429,
        { { QStringLiteral("status"), QStringLiteral("error") },
            { QStringLiteral("message"), QStringLiteral("You have reached your secondly limit.") },
            { QStringLiteral("errorType"), QStringLiteral("RATE_LIMIT") },
            { QStringLiteral("policyName"), QStringLiteral("SECONDLY") } });
}

SandboxAnswer SandboxCrm::handle(const QHttpServerRequest &request)
{
    if (!admit()) {
        ++m_throttled;
        SandboxAnswer answer = rateLimited();
        addRateHeaders(answer);
        return answer;
    }
    SandboxAnswer answer = route(request);
    addRateHeaders(answer);
    return answer;
}

QString SandboxCrm::addContact(const QJsonObject &properties)
{
    const qint64 id = m_nextId++;
    QJsonObject props = properties;
    props.insert(QStringLiteral("hs_object_id"), QString::number(id));
    props.insert(QStringLiteral("createdate"), isoNow());
    props.insert(QStringLiteral("lastmodifieddate"), isoNow());
    m_contacts.insert(id,
        QJsonObject { { QStringLiteral("id"), QString::number(id) }, { QStringLiteral("properties"), props },
            { QStringLiteral("createdAt"), isoNow() }, { QStringLiteral("updatedAt"), isoNow() },
            { QStringLiteral("archived"), false } });
    announce(id, QStringLiteral("contact.creation"), properties);
    return QString::number(id);
}

void SandboxCrm::announce(qint64 id, const QString &type, const QJsonObject &changed)
{
    if (!m_onChange)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto event = [&](const QString &subscription) {
        return QJsonObject { { QStringLiteral("eventId"), m_nextEventId++ }, { QStringLiteral("subscriptionId"), 4711 },
            { QStringLiteral("portalId"), 62515 }, { QStringLiteral("appId"), 54321 },
            { QStringLiteral("occurredAt"), now }, { QStringLiteral("subscriptionType"), subscription },
            { QStringLiteral("attemptNumber"), 0 }, { QStringLiteral("objectId"), id },
            { QStringLiteral("changeSource"), QStringLiteral("CRM") } };
    };
    QJsonArray batch;
    if (type == QLatin1String("contact.creation"))
        batch.append(event(type));
    for (auto it = changed.begin(); it != changed.end(); ++it) {
        QJsonObject e = event(QStringLiteral("contact.propertyChange"));
        e.insert(QStringLiteral("propertyName"), it.key());
        e.insert(QStringLiteral("propertyValue"), it.value().toVariant().toString());
        batch.append(e);
    }
    if (!batch.isEmpty())
        m_onChange(batch);
}

void SandboxCrm::changeContact(const QString &id, const QJsonObject &properties)
{
    auto it = m_contacts.find(id.toLongLong());
    if (it == m_contacts.end())
        return;
    QJsonObject props = it->value(QStringLiteral("properties")).toObject();
    QJsonObject changed; // HubSpot announces only what actually changed
    for (auto p = properties.begin(); p != properties.end(); ++p) {
        if (props.value(p.key()) != p.value())
            changed.insert(p.key(), p.value());
        props.insert(p.key(), p.value());
    }
    props.insert(QStringLiteral("lastmodifieddate"), isoNow());
    it->insert(QStringLiteral("properties"), props);
    it->insert(QStringLiteral("updatedAt"), isoNow());
    announce(it.key(), QStringLiteral("contact.propertyChange"), changed);
}

SandboxAnswer SandboxCrm::route(const QHttpServerRequest &request)
{
    const QString path = request.url().path();
    const QString base = QStringLiteral("/crm/v3/objects/contacts");
    const auto method = request.method();
    QMap<QString, QString> query;
    for (const auto &[k, v] : QUrlQuery(request.url()).queryItems(QUrl::FullyDecoded))
        query.insert(k, v);
    QJsonParseError parseError;
    const QJsonObject body = QJsonDocument::fromJson(request.body(), &parseError).object();
    const bool hasBody = !request.body().isEmpty();
    if (hasBody && parseError.error != QJsonParseError::NoError)
        return error(400, QStringLiteral("VALIDATION_ERROR"), QStringLiteral("Invalid input JSON on line 1"));

    if (path == base && method == QHttpServerRequest::Method::Get)
        return list(query);
    if (path == base + QStringLiteral("/search") && method == QHttpServerRequest::Method::Post)
        return search(body);
    if (path == base && method == QHttpServerRequest::Method::Post) {
        const QJsonObject props = body.value(QStringLiteral("properties")).toObject();
        const QString email = props.value(QStringLiteral("email")).toString();
        for (auto it = m_contacts.cbegin(); it != m_contacts.cend(); ++it) {
            if (!email.isEmpty()
                && it->value(QStringLiteral("properties"))
                        .toObject()
                        .value(QStringLiteral("email"))
                        .toString()
                        .compare(email, Qt::CaseInsensitive)
                    == 0)
                return error(409, QStringLiteral("CONFLICT"),
                    QStringLiteral("Contact already exists. Existing ID: %1").arg(it.key()));
        }
        return SandboxAnswer::json(201, m_contacts.value(addContact(props).toLongLong()));
    }
    if (path.startsWith(base + QLatin1Char('/'))) {
        const qint64 id = path.mid(base.size() + 1).toLongLong();
        if (!m_contacts.contains(id))
            return error(404, QStringLiteral("OBJECT_NOT_FOUND"),
                QStringLiteral("Object not found.  objectId are usually numeric."));
        if (method == QHttpServerRequest::Method::Get)
            return SandboxAnswer::json(200, m_contacts.value(id));
        if (method == QHttpServerRequest::Method::Patch) {
            changeContact(QString::number(id), body.value(QStringLiteral("properties")).toObject());
            return SandboxAnswer::json(200, m_contacts.value(id));
        }
    }
    return error(404, QStringLiteral("OBJECT_NOT_FOUND"), QStringLiteral("Unknown path %1").arg(path));
}

SandboxAnswer SandboxCrm::list(const QMap<QString, QString> &query) const
{
    const int limit = qBound(1, query.value(QStringLiteral("limit"), QStringLiteral("10")).toInt(), 100);
    const qint64 after = query.value(QStringLiteral("after")).toLongLong();
    QJsonArray results;
    auto it = m_contacts.upperBound(after);
    for (; it != m_contacts.cend() && results.size() < limit; ++it)
        results.append(*it);
    QJsonObject page { { QStringLiteral("results"), results } };
    if (it != m_contacts.cend()) {
        const QString next = QString::number(std::prev(it).key());
        page.insert(QStringLiteral("paging"),
            QJsonObject { { QStringLiteral("next"),
                QJsonObject { { QStringLiteral("after"), next },
                    { QStringLiteral("link"), QStringLiteral("/crm/v3/objects/contacts?after=") + next } } } });
    }
    return SandboxAnswer::json(200, page);
}

SandboxAnswer SandboxCrm::search(const QJsonObject &body) const
{
    QJsonArray results;
    for (const QJsonValue &group : body.value(QStringLiteral("filterGroups")).toArray()) {
        for (const QJsonValue &filter : group.toObject().value(QStringLiteral("filters")).toArray()) {
            const QJsonObject f = filter.toObject();
            if (f.value(QStringLiteral("operator")).toString() != QLatin1String("EQ"))
                return error(
                    400, QStringLiteral("VALIDATION_ERROR"), QStringLiteral("The sandbox supports only EQ filters."));
            const QString property = f.value(QStringLiteral("propertyName")).toString();
            const QString value = f.value(QStringLiteral("value")).toString();
            for (const QJsonObject &c : m_contacts) {
                if (c.value(QStringLiteral("properties"))
                        .toObject()
                        .value(property)
                        .toString()
                        .compare(value, Qt::CaseInsensitive)
                    == 0)
                    results.append(c);
            }
        }
    }
    return SandboxAnswer::json(
        200, { { QStringLiteral("total"), results.size() }, { QStringLiteral("results"), results } });
}
