#include "intake/IntakeApi.h"

#include "core/Redactor.h"
#include "intake/IntakeTokens.h"
#include "intake/LedgerIntake.h"
#include "operations/IntakeStore.h"
#include "store/Database.h"

#include <QLoggingCategory>
#include <QTimer>
#include <QUrlQuery>

Q_LOGGING_CATEGORY(lcIntake, "reconsole.intake")

namespace {
const QString kCollection = QStringLiteral("/v1/operations");
const QString kLedger = QStringLiteral("/v1/ledger_entries");

HttpReply withRetryAfter(HttpReply reply)
{
    if (reply.status == 503)
        reply.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("1")));
    return reply;
}
} // namespace

const QList<IntakeApi::Endpoint> &IntakeApi::endpoints()
{
    static const QList<Endpoint> list {
        { "POST", kCollection, { 202, 400, 401, 409, 413, 422, 503 } },
        { "GET", kCollection, { 200, 400, 401, 404, 503 } },
        { "GET", kCollection + QStringLiteral("/{id}"), { 200, 401, 404, 503 } },
        { "POST", kLedger, { 201, 400, 401, 409, 413, 503 } },
        { "GET", kLedger + QStringLiteral("/{id}"), { 200, 401, 404, 503 } },
    };
    return list;
}

IntakeApi::IntakeApi(const Database &db, IntakeService &service, IntakeTokens &tokens)
    : m_db(db)
    , m_service(service)
    , m_tokens(tokens)
    , m_ledger(std::make_unique<LedgerIntake>(db))
{ }

IntakeApi::~IntakeApi() = default;

bool IntakeApi::serves(const QString &path) const
{
    return path == kCollection || path.startsWith(kCollection + QLatin1Char('/')) || path == kLedger
        || path.startsWith(kLedger + QLatin1Char('/'));
}

qint64 IntakeApi::bodyLimit(const QString &path) const
{
    Q_UNUSED(path);
    return kBodyLimit;
}

void IntakeApi::refuse(const HttpReplier &reply, const QString &outcome, int status, const QString &type,
    const QString &param, const QString &message)
{
    if (Status counted = IntakeStore(m_db).countRefusal(outcome); !counted)
        qCWarning(lcIntake).noquote() << counted.message();
    qCInfo(lcIntake).noquote() << QStringLiteral("refused (%1, %2): %3").arg(status).arg(outcome, message);
    reply(withRetryAfter(HttpReply::json(status, IntakeRefusal { status, type, param, message }.json())));
}

void IntakeApi::handle(const HttpExchange &exchange, HttpReplier reply)
{
    const QString path = exchange.url.path();
    if (exchange.body.size() > kBodyLimit) {
        // The listener refuses this from Content-Length already; a caller that hands over a
        // bigger body anyway gets the same answer, and nothing is parsed.
        refuse(reply, QStringLiteral("too_large"), 413, QStringLiteral("invalid_request_error"), QStringLiteral("body"),
            QStringLiteral("The body is larger than %1 bytes.").arg(kBodyLimit));
        return;
    }
    m_tokens.check(exchange.header("authorization"), [this, exchange, path, reply](Result<QString> token) {
        if (!token) {
            const bool revoked = token.error().errorClass == ErrorClass::Revoked;
            if (token.error().errorClass == ErrorClass::Storage) {
                reply(withRetryAfter(HttpReply::json(
                    503, IntakeRefusal { 503, QStringLiteral("api_error"), {}, token.message() }.json())));
                return;
            }
            HttpReplier challenge = [reply](const HttpReply &r) {
                HttpReply answer = r;
                answer.headers.append(
                    qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer realm=\"reconsole-intake\"")));
                reply(answer);
            };
            refuse(challenge, revoked ? QStringLiteral("revoked_token") : QStringLiteral("unauthorized"), 401,
                QStringLiteral("authentication_error"), {}, token.message());
            return;
        }
        if (path == kLedger || path.startsWith(kLedger + QLatin1Char('/'))) {
            ledger(exchange, token.value(), reply);
        } else if (exchange.method == "POST" && path == kCollection) {
            submit(exchange, reply);
        } else if (exchange.method == "GET" && path == kCollection) {
            find(exchange, reply);
        } else if (exchange.method == "GET" && path.count(QLatin1Char('/')) == 3) {
            bool numeric = false;
            const qint64 id = path.mid(kCollection.size() + 1).toLongLong(&numeric);
            if (numeric && id > 0)
                get(id, reply);
            else
                refuse(reply, QStringLiteral("not_found"), 404, QStringLiteral("invalid_request_error"),
                    QStringLiteral("id"),
                    QStringLiteral("No such operation: '%1'.").arg(path.mid(kCollection.size() + 1)));
        } else {
            refuse(reply, QStringLiteral("not_found"), 404, QStringLiteral("invalid_request_error"), {},
                QStringLiteral("No such endpoint: %1 %2.").arg(QString::fromLatin1(exchange.method), path));
        }
    });
}

void IntakeApi::submit(const HttpExchange &exchange, const HttpReplier &reply)
{
    IntakeOutcome parsed = IntakeService::parse(exchange.body);
    if (!parsed) {
        answer(parsed, reply);
        return;
    }
    m_group << Waiting { parsed.record, reply };
    if (m_group.size() >= kMaxGroup)
        commitGroup();
    else if (m_group.size() == 1) // after the requests already read in this pass
        QTimer::singleShot(kGroupWindowMs, &m_context, [this] { commitGroup(); });
}

void IntakeApi::commitGroup()
{
    if (m_group.isEmpty())
        return;
    const QList<Waiting> group = std::exchange(m_group, {});
    QList<IntakeRecord> requests;
    requests.reserve(group.size());
    for (const Waiting &w : group)
        requests << w.request;
    const QList<IntakeOutcome> outcomes = m_service.submitAll(requests);
    ++m_commits;
    for (qsizetype i = 0; i < group.size(); ++i)
        answer(outcomes.at(i), group.at(i).reply);
}

void IntakeApi::answer(const IntakeOutcome &outcome, const HttpReplier &reply)
{
    if (!outcome) {
        const IntakeRefusal &r = *outcome.refusal;
        if (r.status == 503) {
            reply(withRetryAfter(HttpReply::json(503, r.json())));
            return;
        }
        refuse(reply, r.status == 409 ? QStringLiteral("conflict") : QStringLiteral("invalid"), r.status, r.type,
            r.param, Redactor::redact(r.message));
        return;
    }
    HttpReply reply202 = HttpReply::json(202, IntakeService::describe(outcome.record));
    const QByteArray location = kCollection.toLatin1() + '/' + QByteArray::number(outcome.record.operation.id);
    reply202.headers.append(qMakePair(QByteArray("Location"), location));
    if (outcome.replayed)
        reply202.headers.append(qMakePair(QByteArray("Idempotent-Replayed"), QByteArray("true"))); // Stripe's header
    reply(reply202);
}

void IntakeApi::get(qint64 id, const HttpReplier &reply)
{
    auto record = IntakeStore(m_db).get(id);
    if (!record) {
        if (record.error().errorClass == ErrorClass::Storage)
            reply(withRetryAfter(
                HttpReply::json(503, IntakeRefusal { 503, QStringLiteral("api_error"), {}, record.message() }.json())));
        else
            refuse(reply, QStringLiteral("not_found"), 404, QStringLiteral("invalid_request_error"),
                QStringLiteral("id"), QStringLiteral("No such operation: %1.").arg(id));
        return;
    }
    reply(HttpReply::json(200, IntakeService::describe(record.value())));
}

void IntakeApi::find(const HttpExchange &exchange, const HttpReplier &reply)
{
    const QString key = QUrlQuery(exchange.url).queryItemValue(QStringLiteral("idempotency_key"), QUrl::FullyDecoded);
    if (key.isEmpty()) {
        refuse(reply, QStringLiteral("invalid"), 400, QStringLiteral("invalid_request_error"),
            QStringLiteral("idempotency_key"),
            QStringLiteral("Missing required param: idempotency_key (GET /v1/operations?idempotency_key=…)."));
        return;
    }
    auto record = IntakeStore(m_db).byClientKey(key);
    if (!record) {
        if (record.error().errorClass == ErrorClass::Storage)
            reply(withRetryAfter(
                HttpReply::json(503, IntakeRefusal { 503, QStringLiteral("api_error"), {}, record.message() }.json())));
        else
            refuse(reply, QStringLiteral("not_found"), 404, QStringLiteral("invalid_request_error"),
                QStringLiteral("idempotency_key"),
                QStringLiteral("No operation has the idempotency key '%1'.").arg(key));
        return;
    }
    reply(HttpReply::json(200, IntakeService::describe(record.value())));
}

void IntakeApi::ledger(const HttpExchange &exchange, const QString &tokenId, const HttpReplier &reply)
{
    const QString path = exchange.url.path(QUrl::FullyEncoded); // an id's own '/' stays %2F
    LedgerIntakeOutcome outcome;
    int okStatus = 200;
    if (exchange.method == "POST" && path == kLedger) {
        outcome = m_ledger->submit(exchange.body, tokenId);
        okStatus = 201;
    } else if (exchange.method == "GET" && path.count(QLatin1Char('/')) == 3 && path.size() > kLedger.size() + 1) {
        outcome = m_ledger->get(QUrl::fromPercentEncoding(path.mid(kLedger.size() + 1).toLatin1()));
    } else {
        refuse(reply, QStringLiteral("not_found"), 404, QStringLiteral("invalid_request_error"), {},
            QStringLiteral("No such endpoint: %1 %2.").arg(QString::fromLatin1(exchange.method), path));
        return;
    }
    if (!outcome) {
        const IntakeRefusal &r = *outcome.refusal;
        if (r.status == 503) {
            reply(withRetryAfter(HttpReply::json(503, r.json())));
            return;
        }
        refuse(reply,
            r.status == 409       ? QStringLiteral("conflict")
                : r.status == 404 ? QStringLiteral("not_found")
                                  : QStringLiteral("invalid"),
            r.status, r.type, r.param, Redactor::redact(r.message));
        return;
    }
    HttpReply answer = HttpReply::json(okStatus, LedgerIntake::describe(outcome.entry));
    if (okStatus == 201) {
        answer.headers.append(qMakePair(
            QByteArray("Location"), kLedger.toLatin1() + '/' + QUrl::toPercentEncoding(outcome.entry.entryId)));
        if (outcome.replayed)
            answer.headers.append(qMakePair(QByteArray("Idempotent-Replayed"), QByteArray("true")));
    }
    reply(answer);
}
