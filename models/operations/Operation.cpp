#include "operations/Operation.h"

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

QString Attempt::kindName(Kind kind)
{
    return kind == Kind::Lookup ? QStringLiteral("lookup") : QStringLiteral("send");
}

Attempt::Kind Attempt::kindFromName(const QString &name)
{
    return name == QLatin1String("lookup") ? Kind::Lookup : Kind::Send;
}

Attempt::Status Attempt::statusFromName(const QString &name)
{
    if (name == QLatin1String("succeeded"))
        return Status::Succeeded;
    if (name == QLatin1String("failed"))
        return Status::Failed;
    return Status::InFlight;
}
