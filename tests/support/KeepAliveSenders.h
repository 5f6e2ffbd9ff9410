#pragma once

#include <QByteArray>
#include <QEventLoop>
#include <QHostAddress>
#include <QList>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

// Raw HTTP/1.1 over `senders` keep-alive connections, each sending its next request once its
// last is answered, until all `count` are answered, every connection is gone (the server was
// killed) or `timeoutMs` passed. `request(i)` makes request i's bytes; `answered`, called after
// each answer with the number so far, may kill the server. Answers that never came are status 0.
struct KeepAliveAnswer
{
    int status = 0;
    QByteArray body;
};

inline QList<KeepAliveAnswer> sendKeepAlive(quint16 port, int count, int senders,
    const std::function<QByteArray(int)> &request, const std::function<void(int answeredSoFar)> &answered = {},
    int timeoutMs = 60000)
{
    QList<KeepAliveAnswer> answers(count);
    struct Sender
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray buffer;
        int current = -1;
    };
    std::vector<Sender> pool(senders);
    int next = 0;
    int open = senders;
    int done = 0;
    QEventLoop loop;
    auto sendNext = [&](Sender &s) {
        if (next >= count) {
            s.current = -1;
            return;
        }
        s.current = next++;
        s.socket->write(request(s.current));
    };
    for (Sender &s : pool) {
        s.socket = std::make_unique<QTcpSocket>();
        Sender *sender = &s;
        QObject::connect(s.socket.get(), &QTcpSocket::readyRead, &loop, [&, sender] {
            sender->buffer += sender->socket->readAll();
            for (;;) {
                const qsizetype end = sender->buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QByteArray head = sender->buffer.left(end).toLower();
                const qsizetype at = head.indexOf("content-length:");
                const int length = at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toInt();
                if (sender->buffer.size() < end + 4 + length)
                    return;
                answers[sender->current] = { head.mid(9, 3).toInt(), sender->buffer.mid(end + 4, length) };
                sender->buffer.remove(0, end + 4 + length);
                ++done;
                if (answered)
                    answered(done);
                if (done == count)
                    loop.quit();
                sendNext(*sender);
            }
        });
        QObject::connect(s.socket.get(), &QTcpSocket::disconnected, &loop, [&] {
            if (--open == 0)
                loop.quit();
        });
        s.socket->connectToHost(QHostAddress::LocalHost, port);
        if (!s.socket->waitForConnected(5000))
            return answers;
    }
    for (Sender &s : pool)
        sendNext(s);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return answers;
}
