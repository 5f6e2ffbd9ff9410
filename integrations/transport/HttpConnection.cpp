#include "transport/HttpConnection.h"

#include "transport/HttpListener.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>

#include <cstring>

Q_LOGGING_CATEGORY(lcListener, "reconsole.listener")

using HttpWire::monotonicMs;
using HttpWire::serialize;

namespace {
// Bytes taken from the socket ahead of the parser: enough for a whole head and a slice of body.
// Qt's own buffer is capped too, so a sender that outruns us is held back by TCP, not by memory.
constexpr qint64 kSocketBuffer = 64 * 1024;
constexpr int kChunkLineLimit = 1024;
constexpr int kClosingGraceMs = 5000;

QByteArray reason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    }
}

// What a route answers that says the sender should not have asked: counted like the
// listener's own refusals, so one address probing signatures or paths is held off too.
bool isRefusal(int status)
{
    return status == 400 || status == 401 || status == 403 || status == 404 || status == 405 || status == 413
        || status == 431;
}

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Digits only: no sign, no spaces, no hex, and small enough not to overflow.
qint64 parseLength(const QByteArray &text)
{
    if (text.isEmpty() || text.size() > 15)
        return -1;
    qint64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

qint64 parseChunkSize(QByteArrayView line)
{
    const qsizetype ext = line.indexOf(';');
    const QByteArrayView digits = (ext < 0 ? line : line.first(ext)).trimmed();
    if (digits.isEmpty() || digits.size() > 12)
        return -1;
    qint64 value = 0;
    for (char c : digits) {
        const int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f'         ? c - 'a' + 10
            : c >= 'A' && c <= 'F'         ? c - 'A' + 10
                                           : -1;
        if (d < 0)
            return -1;
        value = value * 16 + d;
    }
    return value;
}

// The URL the sender addressed: Host names it (HubSpot's v3 signature covers it), the target
// gives path and query. A Host that is not a plain host[:port] is left out rather than trusted
// to shape the path.
QUrl requestUrl(const QByteArray &target, const QByteArray &host)
{
    QUrl url = QUrl::fromEncoded(target);
    if (host.isEmpty())
        return url;
    const QUrl authority = QUrl::fromEncoded("http://" + host + '/', QUrl::StrictMode);
    if (!authority.isValid() || authority.host().isEmpty() || authority.path() != QLatin1String("/")
        || !authority.userInfo().isEmpty() || authority.hasQuery() || authority.hasFragment())
        return url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(authority.host());
    url.setPort(authority.port());
    return url;
}
} // namespace

qint64 HttpWire::monotonicMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer c;
        c.start();
        return c;
    }();
    return clock.elapsed();
}

QByteArray HttpWire::serialize(const HttpReply &reply, bool close)
{
    QByteArray out;
    out.reserve(160 + reply.body.size());
    out += "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reason(reply.status) + "\r\n";
    if (!reply.contentType.isEmpty())
        out += "Content-Type: " + reply.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
    for (const auto &[name, value] : reply.headers)
        out += name + ": " + value + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += reply.body;
    return out;
}

HttpConnection::HttpConnection(HttpListener &listener, QTcpSocket *socket)
    : QObject(&listener)
    , m_listener(listener)
    , m_socket(socket)
    , m_peer(socket->peerAddress())
    , m_lastActivity(monotonicMs())
{
    socket->setParent(this);
    socket->setReadBufferSize(kSocketBuffer);
    // Answers are small and go out whole: Nagle's algorithm would hold one back for the
    // peer's delayed ACK (tens of ms) whenever the previous answer is still unacknowledged.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::pump);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::drop);
    connect(socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (e != QAbstractSocket::RemoteHostClosedError)
            drop();
    });
}

void HttpConnection::drop()
{
    if (m_dropped)
        return;
    m_dropped = true;
    releaseAll();
    m_answers.clear();
    m_listener.forget(this);
    m_socket->abort();
    deleteLater();
}

void HttpConnection::checkTime(qint64 now)
{
    const HttpListener::Options &o = m_listener.options();
    if (m_closingSince) {
        if (now - m_closingSince > kClosingGraceMs)
            drop(); // the sender does not read its answer
    } else if (m_requestStarted && now - m_requestStarted > o.readTimeoutMs) {
        refuse(408, QStringLiteral("the request did not arrive within %1 ms").arg(o.readTimeoutMs));
    } else if (!m_requestStarted && !busy() && m_in.isEmpty() && now - m_lastActivity > o.idleTimeoutMs) {
        drop();
    }
}

void HttpConnection::pump()
{
    const qint64 cap = kSocketBuffer + m_listener.options().maxHeaderBytes;
    for (;;) {
        if (m_closing)
            return;
        if (m_in.size() < cap && m_socket->bytesAvailable() > 0) {
            m_in += m_socket->read(cap - m_in.size());
            m_lastActivity = monotonicMs();
        }
        parse();
        if (m_closing || m_socket->bytesAvailable() == 0 || m_in.size() >= cap)
            return;
        if (m_answers.size() >= size_t(m_listener.options().maxPipelined) && m_state == State::Head)
            return; // held until answers leave; flush() pumps again
    }
}

void HttpConnection::answer(quint64 sequence, const HttpReply &reply)
{
    for (Answer &a : m_answers) {
        if (a.sequence != sequence)
            continue;
        if (a.ready)
            return; // answered twice: the first one stands
        a.bytes = serialize(reply, a.close);
        a.ready = true;
        m_listener.releaseBody(a.reserved);
        a.reserved = 0;
        if (isRefusal(reply.status))
            m_listener.countRefusal(m_peer);
        flush();
        return;
    }
}

void HttpConnection::parse()
{
    while (!m_closing) {
        switch (m_state) {
        case State::Head:
            if (m_answers.size() >= size_t(m_listener.options().maxPipelined))
                return;
            if (!readHead())
                return;
            break;
        case State::Body:
        case State::ChunkData: {
            const qint64 take = qMin<qint64>(m_remaining, m_in.size());
            m_exchange.body.append(m_in.constData(), take);
            m_in.remove(0, take);
            m_remaining -= take;
            if (m_remaining > 0)
                return;
            if (m_state == State::Body)
                dispatch();
            else
                m_state = State::ChunkEnd;
            break;
        }
        case State::ChunkSize:
            if (!readChunkSize())
                return;
            break;
        case State::ChunkEnd:
            if (m_in.size() < 2)
                return;
            if (!m_in.startsWith("\r\n")) {
                refuse(400, QStringLiteral("a chunk does not end with CRLF"));
                return;
            }
            m_in.remove(0, 2);
            m_state = State::ChunkSize;
            break;
        case State::Trailers:
            if (!readTrailer())
                return;
            break;
        }
    }
}

bool HttpConnection::readHead()
{
    // Empty lines before a request are allowed (RFC 9112 §2.2).
    qsizetype skip = 0;
    while (m_in.size() >= skip + 2 && m_in.at(skip) == '\r' && m_in.at(skip + 1) == '\n')
        skip += 2;
    if (skip)
        m_in.remove(0, skip);
    if (m_in.isEmpty())
        return false;
    if (!m_requestStarted)
        m_requestStarted = monotonicMs();
    const int limit = m_listener.options().maxHeaderBytes;
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0 ? m_in.size() > limit : end + 4 > limit) {
        refuse(431, QStringLiteral("the request line and headers exceed %1 bytes").arg(limit));
        return false;
    }
    if (end < 0)
        return false;
    const QByteArray head = m_in.left(end + 2); // each line with its CRLF
    m_in.remove(0, end + 4);
    return startRequest(head);
}

bool HttpConnection::startRequest(const QByteArray &head)
{
    const HttpListener::Options &o = m_listener.options();
    QList<QByteArray> lines = head.split('\n');
    lines.removeLast(); // what follows the last line's LF
    QList<QByteArray> requestLine = lines.first().chopped(lines.first().endsWith('\r') ? 1 : 0).split(' ');
    if (!lines.first().endsWith('\r') || requestLine.size() != 3 || !isToken(requestLine.at(0))
        || !requestLine.at(1).startsWith('/') || (requestLine.at(2) != "HTTP/1.1" && requestLine.at(2) != "HTTP/1.0")) {
        refuse(400, QStringLiteral("malformed request line"));
        return false;
    }
    if (lines.size() - 1 > o.maxHeaderCount) {
        refuse(431, QStringLiteral("more than %1 header fields").arg(o.maxHeaderCount));
        return false;
    }
    HttpExchange exchange;
    exchange.method = requestLine.at(0);
    exchange.peer = m_peer;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        // Folded lines (obs-fold) and names with spaces are what request smuggling is made of.
        if (!line.endsWith('\r') || colon <= 0 || !isToken(QByteArrayView(line).first(colon))) {
            refuse(400, QStringLiteral("malformed header line %1").arg(i));
            return false;
        }
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = line.mid(colon + 1).chopped(1).trimmed();
        auto existing = exchange.headers.find(name);
        if (existing == exchange.headers.end()) {
            exchange.headers.insert(name, value);
        } else if (name == "content-length" || name == "host") {
            if (existing.value() != value) {
                refuse(400, QStringLiteral("conflicting %1 headers").arg(QString::fromLatin1(name)));
                return false;
            }
        } else {
            existing.value() += ", " + value;
        }
    }
    const bool http11 = requestLine.at(2) == "HTTP/1.1";
    const QByteArray connection = exchange.header("connection").toLower();
    m_keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");

    // Held off before anything else is looked at: a sender over its refusals is not parsed further.
    if (const int wait = m_listener.heldOff(m_peer); wait > 0) {
        refuse(429, QStringLiteral("too many refused requests from this address; try again later"),
            { { "Retry-After", QByteArray::number(wait) } });
        return false;
    }

    const QByteArray transferEncoding = exchange.header("transfer-encoding").toLower();
    const bool hasLength = exchange.headers.contains("content-length");
    qint64 length = 0;
    if (!transferEncoding.isEmpty()) {
        if (hasLength) {
            refuse(400, QStringLiteral("both Content-Length and Transfer-Encoding"));
            return false;
        }
        if (transferEncoding != "chunked") {
            refuse(501, QStringLiteral("only the chunked transfer coding is accepted"));
            return false;
        }
    } else if (hasLength) {
        length = parseLength(exchange.header("content-length"));
        if (length < 0) {
            refuse(400, QStringLiteral("malformed Content-Length"));
            return false;
        }
    }
    exchange.url = requestUrl(requestLine.at(1), exchange.header("host"));
    if (!exchange.url.isValid()) {
        refuse(400, QStringLiteral("malformed request target"));
        return false;
    }
    const QString path = exchange.url.path();
    m_route = m_listener.routeFor(path);
    if (!m_route) {
        refuse(404, QStringLiteral("nothing is served at %1").arg(path), {}, length > 0 || !transferEncoding.isEmpty());
        return false;
    }
    m_bodyLimit = m_route->bodyLimit(path);
    if (length > m_bodyLimit) {
        refuse(413, QStringLiteral("the body is %1 bytes; at most %2 are accepted here").arg(length).arg(m_bodyLimit));
        return false;
    }
    if (length > 0 && !reserve(length))
        return false;
    m_exchange = std::move(exchange);
    if (!transferEncoding.isEmpty()) {
        m_state = State::ChunkSize;
    } else if (length > 0) {
        m_state = State::Body;
        m_remaining = length;
        m_exchange.body.reserve(length);
    } else {
        dispatch();
        return true;
    }
    if (m_exchange.header("expect").toLower() == "100-continue" && m_answers.empty())
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    return true;
}

bool HttpConnection::reserve(qint64 bytes)
{
    if (m_listener.reserveBody(bytes)) {
        m_reserved += bytes;
        return true;
    }
    refuse(503, QStringLiteral("too many bodies are being received; try again shortly"), { { "Retry-After", "1" } },
        true, false);
    return false;
}

bool HttpConnection::readChunkSize()
{
    const qsizetype end = m_in.indexOf("\r\n");
    if (end < 0) {
        if (m_in.size() > kChunkLineLimit)
            refuse(400, QStringLiteral("malformed chunk size"));
        return false;
    }
    const qint64 size = parseChunkSize(QByteArrayView(m_in).first(end));
    m_in.remove(0, end + 2);
    if (size < 0) {
        refuse(400, QStringLiteral("malformed chunk size"));
        return false;
    }
    if (size == 0) {
        m_state = State::Trailers;
        m_trailerBytes = 0;
        return true;
    }
    if (m_exchange.body.size() + size > m_bodyLimit) {
        refuse(413, QStringLiteral("the body passed %1 bytes, the most accepted here").arg(m_bodyLimit));
        return false;
    }
    if (!reserve(size))
        return false;
    m_remaining = size;
    m_state = State::ChunkData;
    return true;
}

bool HttpConnection::readTrailer()
{
    const qsizetype end = m_in.indexOf("\r\n");
    const int limit = m_listener.options().maxHeaderBytes;
    if (end < 0 || m_trailerBytes + end > limit) {
        if (m_trailerBytes + m_in.size() > limit)
            refuse(431, QStringLiteral("the trailer fields exceed %1 bytes").arg(limit));
        return false;
    }
    m_in.remove(0, end + 2);
    m_trailerBytes += end + 2;
    if (end == 0)
        dispatch(); // trailers are read past, not merged: nothing a route needs comes in them
    return true;
}

void HttpConnection::dispatch()
{
    Answer slot;
    slot.sequence = m_nextSequence++;
    slot.close = !m_keepAlive;
    slot.reserved = m_reserved;
    m_answers.push_back(slot);
    m_reserved = 0;
    m_requestStarted = 0;
    m_state = State::Head;
    HttpExchange exchange = std::move(m_exchange);
    m_exchange = {};
    HttpRoute *route = m_route;
    m_route = nullptr;
    if (!m_keepAlive)
        stopReading(); // nothing after this request is read
    route->handle(
        exchange, [connection = QPointer<HttpConnection>(this), sequence = slot.sequence](const HttpReply &reply) {
            if (connection)
                connection->answer(sequence, reply);
        });
}

void HttpConnection::refuse(
    int status, const QString &why, const QList<QPair<QByteArray, QByteArray>> &headers, bool close, bool counted)
{
    if (counted && status != 429)
        m_listener.countRefusal(m_peer);
    ++m_listener.m_refused;
    qCInfo(lcListener).noquote() << QStringLiteral("refused %1 from %2: %3").arg(status).arg(m_peer.toString(), why);
    HttpReply reply = HttpReply::json(status, QJsonObject { { QStringLiteral("error"), why } });
    reply.headers = headers;
    close = close || !m_keepAlive;
    Answer slot;
    slot.sequence = m_nextSequence++;
    slot.close = close;
    slot.ready = true;
    slot.bytes = serialize(reply, close);
    m_answers.push_back(slot);
    m_listener.releaseBody(m_reserved);
    m_reserved = 0;
    m_requestStarted = 0;
    m_exchange = {};
    m_route = nullptr;
    m_state = State::Head;
    if (close)
        stopReading();
    flush();
}

void HttpConnection::stopReading()
{
    m_closing = true;
    m_in.clear();
}

void HttpConnection::flush()
{
    bool wrote = false;
    while (!m_answers.empty() && m_answers.front().ready) {
        Answer front = std::move(m_answers.front());
        m_answers.pop_front();
        m_socket->write(front.bytes);
        wrote = true;
        if (front.close) {
            releaseAll();
            m_answers.clear();
            m_closingSince = monotonicMs();
            m_socket->disconnectFromHost();
            return;
        }
    }
    if (wrote)
        m_lastActivity = monotonicMs();
    if (!m_closing && (!m_in.isEmpty() || m_socket->bytesAvailable() > 0))
        QMetaObject::invokeMethod(
            this, [this] { pump(); }, Qt::QueuedConnection);
}

void HttpConnection::releaseAll()
{
    qint64 held = m_reserved;
    for (Answer &a : m_answers) {
        held += a.reserved;
        a.reserved = 0;
    }
    m_reserved = 0;
    m_listener.releaseBody(held);
}
