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

Attempt::Status Attempt::statusFromName(const QString &name)
{
    if (name == QLatin1String("succeeded"))
        return Status::Succeeded;
    if (name == QLatin1String("failed"))
        return Status::Failed;
    return Status::InFlight;
}
