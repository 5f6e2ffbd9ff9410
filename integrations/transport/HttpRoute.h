#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QUrl>

#include <functional>

// One request as the agent's listener hands it to a route: complete, and within the route's
// limits (the listener refuses oversized or malformed requests before any route sees them).
struct HttpExchange
{
    QByteArray method; // "POST"
    QUrl url; // path and query as sent
    QHash<QByteArray, QByteArray> headers; // names lower-cased
    QByteArray body;
    QHostAddress peer;

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

struct HttpReply
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers; // besides Content-Type and Content-Length

    static HttpReply json(int status, const QJsonObject &object)
    {
        return { status, QJsonDocument(object).toJson(QJsonDocument::Compact), "application/json", {} };
    }
};

// Answers an exchange exactly once. It may be called later than handle() returns, for
// example after the group commit that makes a batch of webhooks durable.
using HttpReplier = std::function<void(const HttpReply &)>;

// What the agent serves on its one port (webhooks, the intake API, /metrics): the listener
// asks its routes in order which one serves a path.
class HttpRoute
{
public:
    virtual ~HttpRoute() = default;

    virtual bool serves(const QString &path) const = 0;
    // The largest body this route takes; bigger ones are refused (413) before they are read.
    virtual qint64 bodyLimit(const QString &path) const
    {
        Q_UNUSED(path);
        return qint64(1) << 20;
    }
    virtual void handle(const HttpExchange &exchange, HttpReplier reply) = 0;
};
