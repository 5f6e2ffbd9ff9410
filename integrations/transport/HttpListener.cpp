#include "transport/HttpListener.h"

#include "transport/HttpConnection.h"

#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

using HttpWire::monotonicMs;
using HttpWire::serialize;

HttpListener::HttpListener(QObject *parent)
    : HttpListener(Options(), parent)
{ }

HttpListener::HttpListener(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    connect(&m_sweep, &QTimer::timeout, this, &HttpListener::sweep);
}

HttpListener::~HttpListener()
{
    // Connections are children; they must not report back to a listener being torn down.
    const QList<HttpConnection *> connections = m_connections;
    m_connections.clear();
    qDeleteAll(connections);
}

quint16 HttpListener::listen(quint16 port)
{
    if (!m_server) {
        m_server = new QTcpServer(this);
        m_server->setMaxPendingConnections(qMax(30, m_options.maxConnections));
        // A burst of connections waits in the kernel's queue instead of being refused there.
        m_server->setListenBacklogSize(qMax(1024, m_options.maxConnections));
        connect(m_server, &QTcpServer::newConnection, this, &HttpListener::acceptPending);
    }
    if (!m_server->isListening() && !m_server->listen(m_options.address, port))
        return 0;
    const int shortest = qMin(m_options.idleTimeoutMs, m_options.readTimeoutMs);
    m_sweep.start(qBound(10, shortest / 4, 1000));
    return m_server->serverPort();
}

quint16 HttpListener::port() const
{
    return m_server && m_server->isListening() ? m_server->serverPort() : 0;
}

QString HttpListener::baseUrl() const
{
    if (!port())
        return {};
    const QHostAddress a = m_options.address;
    const QString host = a == QHostAddress::Any || a == QHostAddress::AnyIPv4 || a == QHostAddress::LocalHost
        ? QStringLiteral("127.0.0.1")
        : a.protocol() == QAbstractSocket::IPv6Protocol ? QLatin1Char('[') + a.toString() + QLatin1Char(']')
                                                        : a.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(port());
}

HttpRoute *HttpListener::routeFor(const QString &path) const
{
    for (HttpRoute *route : m_routes) {
        if (route->serves(path))
            return route;
    }
    return nullptr;
}

void HttpListener::acceptPending()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (m_connections.size() >= m_options.maxConnections) {
            // Full: the stalest connection with nothing in a route makes room, so a flood of
            // half-open connections cannot keep a real sender out.
            HttpConnection *stalest = nullptr;
            for (HttpConnection *c : std::as_const(m_connections)) {
                if (!c->busy() && (!stalest || c->lastActivity() < stalest->lastActivity()))
                    stalest = c;
            }
            if (!stalest) {
                socket->write(serialize(HttpReply::json(503,
                                            QJsonObject { { QStringLiteral("error"),
                                                QStringLiteral("too many connections; try again shortly") } }),
                    true));
                socket->disconnectFromHost();
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                continue;
            }
            stalest->drop();
        }
        m_connections << new HttpConnection(*this, socket);
    }
}

void HttpListener::forget(HttpConnection *connection)
{
    m_connections.removeOne(connection);
}

bool HttpListener::reserveBody(qint64 bytes)
{
    if (m_bufferedBodyBytes + bytes > m_options.maxBufferedBodyBytes)
        return false;
    m_bufferedBodyBytes += bytes;
    return true;
}

void HttpListener::countRefusal(const QHostAddress &peer)
{
    const qint64 now = monotonicMs();
    Refusals &r = m_refusals[peer.toString()];
    if (now - r.windowStart > m_options.refusalWindowMs) {
        r.windowStart = now;
        r.count = 0;
    }
    ++r.count;
}

int HttpListener::heldOff(const QHostAddress &peer) const
{
    const auto r = m_refusals.constFind(peer.toString());
    if (r == m_refusals.cend() || r->count < m_options.refusalLimit)
        return 0;
    const qint64 left = r->windowStart + m_options.refusalWindowMs - monotonicMs();
    return left > 0 ? int((left + 999) / 1000) : 0;
}

void HttpListener::sweep()
{
    const qint64 now = monotonicMs();
    const QList<HttpConnection *> connections = m_connections; // checkTime may drop some
    for (HttpConnection *c : connections)
        c->checkTime(now);
    // Many sources (or spoofed ones) must not grow the table without end.
    if (m_refusals.size() > 4096) {
        for (auto it = m_refusals.begin(); it != m_refusals.end();)
            it = now - it->windowStart > m_options.refusalWindowMs ? m_refusals.erase(it) : std::next(it);
        if (m_refusals.size() > 65536)
            m_refusals.clear();
    }
}
