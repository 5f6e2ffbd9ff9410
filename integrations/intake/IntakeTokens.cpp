#include "intake/IntakeTokens.h"

#include "credentials/CredentialStore.h"
#include "keychain/Keychain.h"
#include "store/Database.h"

#include <QCryptographicHash>

#include <memory>

namespace {
constexpr char kKind[] = "intake-token";

QByteArray hashOf(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}
} // namespace

IntakeTokens::IntakeTokens(const Database &db, Keychain &keychain, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_keychain(keychain)
{ }

QStringList IntakeTokens::unread() const
{
    QStringList ids;
    for (const Credential &c : CredentialStore(m_db).all().value_or({}))
        if (c.kind == QLatin1String(kKind) && !c.isRevoked() && !m_read.contains(c.id))
            ids << c.id;
    return ids;
}

void IntakeTokens::load(std::function<void(QStringList)> done)
{
    const QStringList ids = unread();
    if (ids.isEmpty()) {
        done({});
        return;
    }
    m_loading = true;
    struct Pending
    {
        int left = 0;
        QStringList problems;
    };
    auto pending = std::make_shared<Pending>();
    pending->left = static_cast<int>(ids.size());
    for (const QString &id : ids) {
        m_keychain.read(id, [this, id, pending, done](Result<QString> secret) {
            if (secret) {
                m_byHash.insert(hashOf(secret->toUtf8()), id);
                m_read.insert(id);
            } else {
                pending->problems << QStringLiteral("intake token %1: %2").arg(id, secret.message());
            }
            if (--pending->left > 0)
                return;
            m_loading = false;
            const auto waiting = std::exchange(m_waiting, {});
            for (const auto &resume : waiting)
                resume();
            done(pending->problems);
        });
    }
}

Result<QString> IntakeTokens::lookUp(const QByteArray &hash) const
{
    const QString id = m_byHash.value(hash);
    if (id.isEmpty())
        return failure(ErrorClass::Auth, QStringLiteral("Invalid intake token."));
    const qint64 now = nowMs();
    if (auto known = m_verdicts.constFind(id); known != m_verdicts.cend() && now - known->checkedAt <= 1000)
        return known->result;
    auto credential = CredentialStore(m_db).get(id);
    if (!credential)
        return credential.error(); // not kept: the next request asks again
    Result<QString> verdict = credential->isRevoked()
        ? Result<QString>(failure(ErrorClass::Revoked, QStringLiteral("This intake token was revoked.")))
        : Result<QString>(id);
    m_verdicts.insert(id, Verdict { now, verdict });
    return verdict;
}

void IntakeTokens::check(const QByteArray &authorization, std::function<void(Result<QString>)> done)
{
    const QByteArray scheme = "bearer ";
    if (authorization.size() <= scheme.size() || authorization.left(scheme.size()).toLower() != scheme) {
        done(failure(ErrorClass::Auth,
            QStringLiteral("No intake token: send it as 'Authorization: Bearer rci_…' (docs/intake.md).")));
        return;
    }
    const QByteArray hash = hashOf(authorization.mid(scheme.size()).trimmed());
    auto found = lookUp(hash);
    if (found || found.error().errorClass != ErrorClass::Auth) {
        done(found);
        return;
    }
    // Not one we know: perhaps made since we read them (another process, `intake-token create`).
    auto again = [this, hash, done] { done(lookUp(hash)); };
    if (m_loading) {
        m_waiting << again;
        return;
    }
    if (unread().isEmpty()) {
        done(found);
        return;
    }
    load([again](QStringList) { again(); });
}
