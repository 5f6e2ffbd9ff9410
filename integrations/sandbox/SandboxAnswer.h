#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

// One HTTP answer of the sandbox, before it is written to the socket.
struct SandboxAnswer
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};
