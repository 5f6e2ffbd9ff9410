#pragma once

#include "transport/HttpRoute.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

#include <deque>

class HttpListener;
class QTcpSocket;

// One TCP connection: an incremental HTTP/1.1 parser that holds at most one request's head and
// (within the route's limit) body, and the queue of answers that keeps them in request order.
class HttpConnection : public QObject
{
public:
    HttpConnection(HttpListener &listener, QTcpSocket *socket);
    ~HttpConnection() override { releaseAll(); }

    // Something is in a route: dropping the connection would throw away an answer.
    bool busy() const { return !m_answers.empty(); }
    qint64 lastActivity() const { return m_lastActivity; }

    void drop();

    void checkTime(qint64 now);

    void pump();

    void answer(quint64 sequence, const HttpReply &reply);

private:
    enum class State
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailers,
    };

    struct Answer
    {
        quint64 sequence = 0;
        bool ready = false;
        bool close = false;
        qint64 reserved = 0; // body bytes counted against the listener's budget until answered
        QByteArray bytes;
    };

    void parse();

    bool readHead();

    bool startRequest(const QByteArray &head);

    bool reserve(qint64 bytes);

    bool readChunkSize();

    bool readTrailer();

    void dispatch();

    // Answers in order after whatever is still in a route, then closes: what follows on the
    // connection is not read, so a refusal never leaves the parser mid-request.
    void refuse(int status, const QString &why, const QList<QPair<QByteArray, QByteArray>> &headers = {},
        bool close = true, bool counted = true);

    void stopReading();

    void flush();

    void releaseAll();

    HttpListener &m_listener;
    QTcpSocket *m_socket;
    QHostAddress m_peer;
    QByteArray m_in;
    State m_state = State::Head;
    HttpExchange m_exchange;
    HttpRoute *m_route = nullptr;
    qint64 m_bodyLimit = 0;
    qint64 m_remaining = 0;
    qint64 m_reserved = 0;
    qint64 m_trailerBytes = 0;
    qint64 m_requestStarted = 0; // when the request being read began; 0 between requests
    qint64 m_lastActivity = 0;
    qint64 m_closingSince = 0;
    bool m_keepAlive = true;
    bool m_closing = false; // nothing more is read
    bool m_dropped = false;
    quint64 m_nextSequence = 0;
    std::deque<Answer> m_answers;
};

// What a connection and its listener both write and time by.
namespace HttpWire {
qint64 monotonicMs();
QByteArray serialize(const HttpReply &reply, bool close);
} // namespace HttpWire
