#include "sandbox/SandboxFaults.h"

namespace {
struct KindName
{
    SandboxFault::Kind kind;
    const char *name;
};
const KindName kKinds[] = {
    { SandboxFault::Kind::RateLimit, "rate_limit" },
    { SandboxFault::Kind::ServerError, "server_error" },
    { SandboxFault::Kind::Unavailable, "unavailable" },
    { SandboxFault::Kind::Slow, "slow" },
    { SandboxFault::Kind::TimeoutAfterCharge, "timeout_after_charge" },
    { SandboxFault::Kind::DropAfterCharge, "drop_after_charge" },
    { SandboxFault::Kind::Reset, "reset" },
    { SandboxFault::Kind::Malformed, "malformed" },
    { SandboxFault::Kind::ListWithoutData, "list_without_data" },
    { SandboxFault::Kind::Pass, "pass" },
};
} // namespace

QString SandboxFault::kindName(Kind kind)
{
    for (const KindName &k : kKinds) {
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    }
    return {};
}

QStringList SandboxFault::kindNames()
{
    QStringList names;
    for (const KindName &k : kKinds)
        names << QString::fromLatin1(k.name);
    return names;
}

Result<QList<SandboxFault>> SandboxFault::parse(const QString &spec)
{
    QList<SandboxFault> faults;
    for (const QString &raw : spec.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        QString item = raw.trimmed();
        int count = 1;
        if (const qsizetype star = item.indexOf(QLatin1Char('*')); star >= 0) {
            bool ok = false;
            count = item.mid(star + 1).toInt(&ok);
            if (!ok || count < 1 || count > 100000)
                return failure(ErrorClass::Input,
                    QStringLiteral("Fault '%1': the count after * must be a number from 1 "
                                   "to 100000.")
                        .arg(raw));
            item.truncate(star);
        }
        SandboxFault fault;
        if (const qsizetype pct = item.indexOf(QLatin1Char('%')); pct >= 0) {
            bool ok = false;
            fault.percent = item.mid(pct + 1).toInt(&ok);
            if (!ok || fault.percent < 1 || fault.percent > 100 || count != 1)
                return failure(ErrorClass::Input,
                    QStringLiteral("Fault '%1': the share after %% must be a percentage from 1 to 100, without *.")
                        .arg(raw));
            item.truncate(pct);
        }
        if (const qsizetype eq = item.indexOf(QLatin1Char('=')); eq >= 0) {
            bool ok = false;
            fault.arg = item.mid(eq + 1).toInt(&ok);
            if (!ok || fault.arg < 0)
                return failure(ErrorClass::Input,
                    QStringLiteral("Fault '%1': the value after = must be a whole number.").arg(raw));
            item.truncate(eq);
        }
        bool known = false;
        for (const KindName &k : kKinds) {
            if (item == QLatin1String(k.name)) {
                fault.kind = k.kind;
                known = true;
            }
        }
        if (!known)
            return failure(ErrorClass::Input,
                QStringLiteral("Unknown fault '%1'; known faults: %2.")
                    .arg(item, kindNames().join(QStringLiteral(", "))));
        for (int i = 0; i < count; ++i)
            faults << fault;
    }
    return faults;
}
