#pragma once

// What the intake suites share: request bodies, the OpenAPI document read line by line, a
// client over keep-alive connections, `reconsolectl serve` started, and IntakeFixture.
#include "CtlRunner.h"
#include "HttpClient.h"
#include "KeepAliveSenders.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "agent/Agent.h"
#include "core/Redactor.h"
#include "credentials/CredentialStore.h"
#include "intake/IntakeApi.h"
#include "intake/IntakeOutbox.h"
#include "intake/IntakeService.h"
#include "intake/IntakeTokens.h"
#include "operations/IntakeStore.h"
#include "operations/OperationStore.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>
#include <optional>

inline QByteArray paymentBody(
    const QString &key, int amount = 2599, const QString &provider = QStringLiteral("stripe-sandbox"))
{
    return QJsonDocument(QJsonObject { { QStringLiteral("action"), QStringLiteral("capture_payment") },
                             { QStringLiteral("provider"), provider },
                             { QStringLiteral("entity"),
                                 QJsonObject { { QStringLiteral("type"), QStringLiteral("order") },
                                     { QStringLiteral("id"), QStringLiteral("ORD-") + key } } },
                             { QStringLiteral("payload"),
                                 QJsonObject { { QStringLiteral("amount"), amount },
                                     { QStringLiteral("currency"), QStringLiteral("eur") },
                                     { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") } } },
                             { QStringLiteral("idempotency_key"), key } })
        .toJson(QJsonDocument::Compact);
}

inline qint64 countOf(const Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

// The paths, methods and statuses of an OpenAPI document, read line by line: enough for the
// shape docs/intake.openapi.yaml is written in (two-space indents, quoted statuses).
inline QSet<QString> documented(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QSet<QString> found;
    bool inPaths = false;
    QString path, method;
    bool inResponses = false;
    static const QRegularExpression status(QStringLiteral("^ {8}\"(\\d{3})\":"));
    for (const QString &line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1Char(' ')) && !line.isEmpty())
            inPaths = line == QLatin1String("paths:");
        if (!inPaths)
            continue;
        if (line.startsWith(QLatin1String("  /"))) {
            path = line.trimmed().chopped(1);
            method.clear();
        } else if (line.startsWith(QLatin1String("    ")) && !line.startsWith(QLatin1String("     "))) {
            method = line.trimmed().chopped(1).toUpper();
            inResponses = false;
        } else if (line == QLatin1String("      responses:")) {
            inResponses = true;
        } else if (line.startsWith(QLatin1String("      ")) && !line.startsWith(QLatin1String("       "))) {
            inResponses = false;
        } else if (inResponses) {
            if (const auto m = status.match(line); m.hasMatch())
                found << QStringLiteral("%1 %2 %3").arg(method, path, m.captured(1));
        }
    }
    return found;
}

inline QSet<QString> served()
{
    QSet<QString> s;
    for (const IntakeApi::Endpoint &e : IntakeApi::endpoints())
        for (int status : e.statuses)
            s << QStringLiteral("%1 %2 %3").arg(QString::fromLatin1(e.method), e.path).arg(status);
    return s;
}

// Whether `status` for `method path` is one the API declares (and so the document lists).
inline bool declared(const QByteArray &method, const QString &path, int status)
{
    QString templ = path.section(QLatin1Char('?'), 0, 0);
    templ.replace(QRegularExpression(QStringLiteral("^/v1/operations/[^/]+$")), QStringLiteral("/v1/operations/{id}"));
    templ.replace(
        QRegularExpression(QStringLiteral("^/v1/ledger_entries/[^/]+$")), QStringLiteral("/v1/ledger_entries/{id}"));
    for (const IntakeApi::Endpoint &e : IntakeApi::endpoints())
        if (e.method == method && e.path == templ)
            return e.statuses.contains(status);
    return false;
}

// POSTs each body in `bodies` over `senders` keep-alive connections, the next on a connection
// once the last is answered, until all are answered or the agent is gone. `answered` is called
// after each answer (it may kill the agent). Returns the status per body (0: no answer) and
// the id each 202 named.
struct Posted
{
    QList<int> status;
    QList<qint64> id;
};
inline Posted postAll(quint16 port, const QList<QByteArray> &bodies, const QByteArray &token, int senders,
    const std::function<void(int answeredSoFar)> &answered = {})
{
    const QList<KeepAliveAnswer> answers = sendKeepAlive(
        port, int(bodies.size()), senders,
        [&](int i) {
            return "POST /v1/operations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   "Authorization: Bearer "
                + token + "\r\nContent-Length: " + QByteArray::number(bodies.at(i).size()) + "\r\n\r\n" + bodies.at(i);
        },
        answered);
    Posted result;
    for (const KeepAliveAnswer &a : answers) {
        result.status << a.status;
        result.id << QJsonDocument::fromJson(a.body).object().value(u"id").toInteger();
    }
    return result;
}

inline QString startServe(QProcess &agent, const QString &db)
{
    agent.start(QStringLiteral(RECONSOLECTL),
        { QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--sync-interval"),
            QStringLiteral("0"), QStringLiteral("--database"), db });
    if (!agent.waitForReadyRead(10000))
        return {};
    return QRegularExpression(QStringLiteral("http://127\\.0\\.0\\.1:\\d+"))
        .match(QString::fromUtf8(agent.readAllStandardOutput()))
        .captured();
}

// The services the agent builds for intake, over a sandbox provider, with one token made.
struct IntakeFixture
{
    explicit IntakeFixture(const Database &db)
        : db(db)
        , fx(db)
        , service(db, *fx.registry)
        , tokens(db, fx.credentials)
        , api(db, service, tokens)
    {
        fx.credentialService->createIntakeToken(
            QStringLiteral("backend"), [this](Result<CredentialService::IntakeToken> made) {
                EXPECT_OK(made);
                if (made) {
                    token = made->token;
                    tokenId = made->credential.id;
                }
            });
    }

    HttpReply call(const QByteArray &method, const QString &path, const QByteArray &body = {},
        std::optional<QString> bearer = std::nullopt)
    {
        HttpExchange e;
        e.method = method;
        e.url = QUrl(path);
        e.body = body;
        e.headers.insert("authorization", "Bearer " + bearer.value_or(token).toUtf8());
        std::optional<HttpReply> answer;
        api.handle(e, [&answer](const HttpReply &r) { answer = r; });
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, 5000))
            return { 0, "no answer", {}, {} };
        if (!declared(method, path, answer->status))
            QTest::qFail(qPrintable(QStringLiteral("%1 %2 answered %3, which the API does not declare")
                                        .arg(QString::fromLatin1(method), path)
                                        .arg(answer->status)),
                __FILE__, __LINE__);
        return *answer;
    }

    static QJsonObject json(const HttpReply &r) { return QJsonDocument::fromJson(r.body).object(); }
    static QByteArray header(const HttpReply &r, const QByteArray &name)
    {
        for (const auto &[k, v] : r.headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }

    const Database &db;
    SandboxFixture fx;
    IntakeService service;
    IntakeTokens tokens;
    IntakeApi api;
    QString token;
    QString tokenId;
};
