#pragma once

#include "transport/HttpRoute.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTimer>

class QTcpServer;
class HttpConnection;

// The agent's port: HTTP/1.1 over QTcpServer, serving HttpRoutes. It reads a request only as
// far as its limits allow, so an unauthenticated sender cannot make it hold more than a few
// kilobytes per connection (QAbstractHttpServer buffers whole bodies before anyone looks).
// Keep-alive and pipelining: answers leave each connection in request order, whenever the
// routes give them. Every refusal is a status with a JSON error, and the connection closes.
class HttpListener : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address = QHostAddress::LocalHost;
        int maxHeaderBytes = 16 * 1024; // request line and headers together; more: 431
        int maxHeaderCount = 64; // more: 431
        int maxConnections = 2048; // past it the stalest connection with nothing in a route is dropped
        int idleTimeoutMs = 30000; // a connection with no request under way is closed
        int readTimeoutMs = 10000; // a request must arrive whole within this once begun; else 408
        int maxPipelined = 32; // requests read ahead of their answers on one connection
        qint64 maxBufferedBodyBytes = qint64(64) << 20; // all unanswered bodies together; more: 503
        int refusalLimit = 100; // refusals from one address within the window, then 429
        int refusalWindowMs = 60000;
    };

    explicit HttpListener(QObject *parent = nullptr);
    HttpListener(const Options &options, QObject *parent = nullptr);
    ~HttpListener() override;

    // Routes are asked in the order added; the listener does not own them.
    void addRoute(HttpRoute &route) { m_routes << &route; }
    void removeRoute(HttpRoute &route) { m_routes.removeAll(&route); }
    // Before listen(): what the limits are.
    void setOptions(const Options &options) { m_options = options; }
    // The port bound (0: none); `port` 0 picks a free one.
    quint16 listen(quint16 port = 0);
    quint16 port() const;
    QString baseUrl() const;
    const Options &options() const { return m_options; }

    int connectionCount() const { return static_cast<int>(m_connections.size()); }
    // Requests refused by the listener itself (limits, malformed, rate limited), for tests and logs.
    int refused() const { return m_refused; }

private:
    friend class HttpConnection;
    HttpRoute *routeFor(const QString &path) const;
    // Counts a refusal against `peer`; true once the address is over its limit.
    void countRefusal(const QHostAddress &peer);
    // Seconds until `peer` may be heard again; 0 when it is not being held off.
    int heldOff(const QHostAddress &peer) const;
    bool reserveBody(qint64 bytes);
    void releaseBody(qint64 bytes) { m_bufferedBodyBytes -= bytes; }
    void acceptPending();
    void sweep();
    void forget(HttpConnection *connection);

    struct Refusals
    {
        qint64 windowStart = 0;
        int count = 0;
    };

    Options m_options;
    QTcpServer *m_server = nullptr;
    QList<HttpRoute *> m_routes;
    QList<HttpConnection *> m_connections; // oldest first
    QHash<QString, Refusals> m_refusals; // by peer address
    QTimer m_sweep;
    qint64 m_bufferedBodyBytes = 0;
    int m_refused = 0;
};
