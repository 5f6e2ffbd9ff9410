#include "reconciliation/ReconciliationPeriod.h"

#include <algorithm>

namespace {
QString iso(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

template <typename E, size_t N> std::optional<E> fromName(const QString &name, const char *const (&names)[N])
{
    for (size_t i = 0; i < N; ++i)
        if (name == QLatin1String(names[i]))
            return E(i);
    return std::nullopt;
}

const char *const kKinds[] = { "fee", "fx", "rounding", "write_off" };
const char *const kAdjustmentStates[] = { "pending", "approved", "rejected", "reversed" };
const char *const kExceptionStates[] = { "open", "investigating", "resolved" };
} // namespace

QString rowSideName(RowSide side)
{
    return side == RowSide::Ledger ? QStringLiteral("ledger") : QStringLiteral("statement");
}

QString ReconciliationPeriod::label() const
{
    return QStringLiteral("%1 %2 %3 to %4").arg(account, currency, iso(from), iso(to));
}

QString Adjustment::kindName(Kind kind)
{
    return QLatin1String(kKinds[int(kind)]);
}

std::optional<Adjustment::Kind> Adjustment::kindFromName(const QString &name)
{
    return fromName<Kind>(name, kKinds);
}

QString Adjustment::stateName(State state)
{
    return QLatin1String(kAdjustmentStates[int(state)]);
}

Adjustment::State Adjustment::stateFromName(const QString &name)
{
    return fromName<State>(name, kAdjustmentStates).value_or(State::Pending);
}

QString RowException::stateName(State state)
{
    return QLatin1String(kExceptionStates[int(state)]);
}

std::optional<RowException::State> RowException::stateFromName(const QString &name)
{
    return fromName<State>(name, kExceptionStates);
}

namespace PeriodRules {

std::optional<ReconciliationPeriod> previous(const QList<ReconciliationPeriod> &existing, const QDate &from)
{
    std::optional<ReconciliationPeriod> best;
    for (const ReconciliationPeriod &p : existing)
        if (p.to < from && (!best || p.to > best->to))
            best = p;
    return best;
}

Status fits(const QList<ReconciliationPeriod> &existing, const QDate &from, const QDate &to)
{
    if (!from.isValid() || !to.isValid() || from > to)
        return failure(ErrorClass::Input,
            QStringLiteral("A period runs from its first day to its last, the first not after the last (from %1 to "
                           "%2).")
                .arg(iso(from), iso(to)));
    for (const ReconciliationPeriod &p : existing)
        if (p.from <= to && p.to >= from)
            return failure(ErrorClass::Input,
                QStringLiteral("%1 to %2 overlaps period %3 (%4 to %5). Periods of an account do not overlap: "
                               "start the new one on %6, or reopen and correct period %3.")
                    .arg(iso(from), iso(to))
                    .arg(p.id)
                    .arg(iso(p.from), iso(p.to), iso(p.to.addDays(1))));
    if (auto before = previous(existing, from); before && before->to.addDays(1) != from)
        return failure(ErrorClass::Input,
            QStringLiteral("%1 leaves a gap after period %2, which ends on %3: the days from %4 to %5 would belong "
                           "to no period. Start the new period on %4.")
                .arg(iso(from))
                .arg(before->id)
                .arg(iso(before->to), iso(before->to.addDays(1)), iso(from.addDays(-1))));
    // A period before the first must end the day before it, for the same reason.
    const auto after = std::min_element(
        existing.begin(), existing.end(), [&](const ReconciliationPeriod &a, const ReconciliationPeriod &b) {
            return (a.from > to ? a.from.toJulianDay() : LLONG_MAX) < (b.from > to ? b.from.toJulianDay() : LLONG_MAX);
        });
    if (after != existing.end() && after->from > to && after->from != to.addDays(1))
        return failure(ErrorClass::Input,
            QStringLiteral("%1 leaves a gap before period %2, which starts on %3: end the new period on %4.")
                .arg(iso(to))
                .arg(after->id)
                .arg(iso(after->from), iso(after->from.addDays(-1))));
    return success();
}

Result<qint64> difference(qint64 openingMinor, qint64 closingMinor, qint64 clearedMinor)
{
    qint64 moved = 0, out = 0;
    if (__builtin_sub_overflow(closingMinor, openingMinor, &moved) || __builtin_sub_overflow(moved, clearedMinor, &out))
        return failure(ErrorClass::Input,
            QStringLiteral("The balances and the cleared total are too large to subtract (more than 2^63 minor "
                           "units); check the balances typed in."));
    return out;
}

} // namespace PeriodRules
