#include "keychain/SystemKeychain.h"

#include <qt6keychain/keychain.h>

namespace {
Error keychainError(QKeychain::Error code, const QString &detail, const QString &credentialId)
{
    switch (code) {
    case QKeychain::NoBackendAvailable:
        return failure(ErrorClass::Keychain,
            QStringLiteral("No OS keychain is available (%1). Start your desktop's keyring (GNOME Keyring, "
                           "KWallet) or unlock it, then try again. Reconsole never stores secrets anywhere "
                           "else.")
                .arg(detail));
    case QKeychain::EntryNotFound:
        return failure(ErrorClass::Keychain,
            QStringLiteral("The keychain has no secret for credential '%1'. Add it again in the "
                           "Credentials workspace (or `reconsolectl demo` for the sandbox).")
                .arg(credentialId));
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return failure(ErrorClass::Keychain,
            QStringLiteral("The keychain refused access to credential '%1' (%2). Unlock the keychain and "
                           "allow Reconsole, then try again.")
                .arg(credentialId, detail));
    default:
        return failure(ErrorClass::Keychain,
            QStringLiteral("The keychain failed for credential '%1': %2").arg(credentialId, detail));
    }
}

template <typename Job> Job *makeJob(const QString &credentialId)
{
    auto *job = new Job(QString::fromLatin1(SystemKeychain::kService));
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(SystemKeychain::keyFor(credentialId));
    return job;
}
} // namespace

QString SystemKeychain::keyFor(const QString &credentialId)
{
    return QStringLiteral("credential/") + credentialId;
}

void SystemKeychain::read(const QString &credentialId, SecretCallback done)
{
    auto *job = makeJob<QKeychain::ReadPasswordJob>(credentialId);
    QObject::connect(job, &QKeychain::Job::finished, [job, credentialId, done](QKeychain::Job *) {
        if (job->error() != QKeychain::NoError)
            done(keychainError(job->error(), job->errorString(), credentialId));
        else
            done(job->textData());
    });
    job->start();
}

void SystemKeychain::write(const QString &credentialId, const QString &secret, StatusCallback done)
{
    auto *job = makeJob<QKeychain::WritePasswordJob>(credentialId);
    job->setTextData(secret);
    QObject::connect(job, &QKeychain::Job::finished, [job, credentialId, done](QKeychain::Job *) {
        if (job->error() != QKeychain::NoError)
            done(keychainError(job->error(), job->errorString(), credentialId));
        else
            done(success());
    });
    job->start();
}

void SystemKeychain::remove(const QString &credentialId, StatusCallback done)
{
    auto *job = makeJob<QKeychain::DeletePasswordJob>(credentialId);
    QObject::connect(job, &QKeychain::Job::finished, [job, credentialId, done](QKeychain::Job *) {
        if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
            done(keychainError(job->error(), job->errorString(), credentialId));
        else
            done(success());
    });
    job->start();
}
