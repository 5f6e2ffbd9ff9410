#include "core/Result.h"

namespace {
struct ClassName
{
    ErrorClass errorClass;
    const char *name;
};
const ClassName kNames[] = {
    { ErrorClass::None, "" },
    { ErrorClass::Network, "network" },
    { ErrorClass::Timeout, "timeout" },
    { ErrorClass::RateLimited, "rate_limited" },
    { ErrorClass::Server, "server" },
    { ErrorClass::Client, "client" },
    { ErrorClass::Auth, "auth" },
    { ErrorClass::Conflict, "conflict" },
    { ErrorClass::Storage, "storage" },
    { ErrorClass::Keychain, "keychain" },
    { ErrorClass::Input, "input" },
    { ErrorClass::State, "state" },
    { ErrorClass::Revoked, "credential_revoked" },
    { ErrorClass::Certificate, "certificate" },
};
} // namespace

QString errorClassName(ErrorClass errorClass)
{
    return QString::fromLatin1(kNames[static_cast<int>(errorClass)].name);
}

bool isTransient(ErrorClass errorClass)
{
    return errorClass == ErrorClass::Network || errorClass == ErrorClass::Timeout
        || errorClass == ErrorClass::RateLimited || errorClass == ErrorClass::Server
        || errorClass == ErrorClass::Storage;
}

ErrorClass errorClassFromName(const QString &name)
{
    for (const ClassName &c : kNames) {
        if (name == QLatin1String(c.name))
            return c.errorClass;
    }
    return ErrorClass::None;
}
