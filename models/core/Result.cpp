#include "operations/Operation.h"
#include "core/Result.h"

namespace {
struct ClassName
{
    ErrorClass errorClass;
    const char *name;
};
const ClassName kNames[] = {
    {ErrorClass::None, ""},
    {ErrorClass::Network, "network"},
    {ErrorClass::Timeout, "timeout"},
    {ErrorClass::RateLimited, "rate_limited"},
    {ErrorClass::Server, "server"},
    {ErrorClass::Client, "client"},
    {ErrorClass::Auth, "auth"},
    {ErrorClass::Conflict, "conflict"},
    {ErrorClass::Storage, "storage"},
    {ErrorClass::Keychain, "keychain"},
    {ErrorClass::Input, "input"},
    {ErrorClass::State, "state"},
    {ErrorClass::Revoked, "credential_revoked"},
};
} // namespace

QString errorClassName(ErrorClass errorClass)
{
    return QString::fromLatin1(kNames[static_cast<int>(errorClass)].name);
}

ErrorClass errorClassFromName(const QString &name)
{
    for (const ClassName &c : kNames) {
        if (name == QLatin1String(c.name))
            return c.errorClass;
    }
    return ErrorClass::None;
}

QString Attempt::statusName(Status status)
{
    switch (status) {
    case Status::InFlight:
        return QStringLiteral("in_flight");
    case Status::Succeeded:
        return QStringLiteral("succeeded");
    case Status::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

Attempt::Status Attempt::statusFromName(const QString &name)
{
    if (name == QLatin1String("succeeded"))
        return Status::Succeeded;
    if (name == QLatin1String("failed"))
        return Status::Failed;
    return Status::InFlight;
}
