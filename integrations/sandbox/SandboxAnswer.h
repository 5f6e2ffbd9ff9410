#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>

// One HTTP answer of the sandbox, before it is written to the socket.
struct SandboxAnswer
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    // Compact, as the providers send it.
    static SandboxAnswer json(int status, const QJsonObject &body)
    {
        return SandboxAnswer { status, QJsonDocument(body).toJson(QJsonDocument::Compact), {} };
    }
};
