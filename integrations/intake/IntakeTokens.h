#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <functional>

class Database;
class Keychain;

// Checks the bearer token of an intake request against the unrevoked intake-token credentials.
// The tokens are read from the keychain once (and again when one is created elsewhere, by
// `reconsolectl intake-token create`); only their SHA-256 stays in memory. Whether a token was
// revoked is read from the database again once a second, so a token revoked by any process
// stops within a second, without a lookup per request.
class IntakeTokens : public QObject
{
    Q_OBJECT
public:
    IntakeTokens(const Database &db, Keychain &keychain, QObject *parent = nullptr);

    // The credential id the Authorization header's token belongs to; an Auth failure for a
    // missing or wrong token, Revoked for a revoked one. `done` may be called later.
    void check(const QByteArray &authorization, std::function<void(Result<QString>)> done);
    // Reads the tokens not read yet; `done` gets what could not be read.
    void load(std::function<void(QStringList problems)> done);

private:
    Result<QString> lookUp(const QByteArray &hash) const;
    // Unrevoked intake tokens in the database that are not in memory yet.
    QStringList unread() const;

    const Database &m_db;
    Keychain &m_keychain;
    QHash<QByteArray, QString> m_byHash; // SHA-256 of the token → credential id
    struct Verdict
    {
        qint64 checkedAt = 0;
        Result<QString> result = QString();
    };
    mutable QHash<QString, Verdict> m_verdicts; // by credential id
    QSet<QString> m_read;
    QList<std::function<void()>> m_waiting; // checks waiting for a load under way
    bool m_loading = false;
};
