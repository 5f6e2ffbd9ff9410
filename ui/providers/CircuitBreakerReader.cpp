#include "providers/CircuitBreakerReader.h"

#include "providers/ProviderService.h"

#include <QDateTime>
#include <QLocale>

namespace {
// The time alone today, the date too before: a breaker open since yesterday reads as old news.
// To the minute, in the locale's order (some short formats carry seconds).
QString timeOf(qint64 at)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(at);
    const QLocale locale;
    const bool today = when.date() == QDate::currentDate();
    QString format = today ? locale.timeFormat(QLocale::ShortFormat) : locale.dateTimeFormat(QLocale::ShortFormat);
    format.remove(QLatin1String(":ss"));
    return locale.toString(when, format);
}
} // namespace

CircuitBreakerReader::Breaker CircuitBreakerReader::Breaker::from(
    const QString &providerId, const RecordedChange &latest)
{
    Breaker b;
    b.providerId = providerId;
    if (latest.type.isEmpty())
        return b;
    const QString state = latest.type.section(QLatin1Char('.'), 1);
    b.state = state == QLatin1String("open")  ? State::Open
        : state == QLatin1String("half_open") ? State::HalfOpen
                                              : State::Closed;
    b.since = latest.occurredAt;
    b.note = latest.note;
    return b;
}

QString CircuitBreakerReader::Breaker::describe() const
{
    if (since == 0)
        return tr("closed — no trips recorded");
    const QString state = this->state == State::Open ? tr("open")
        : this->state == State::HalfOpen             ? tr("half-open")
                                                     : tr("closed");
    const QString line = tr("%1 since %2").arg(state, timeOf(since));
    return note.isEmpty() ? line : tr("%1 — %2").arg(line, note);
}

QString CircuitBreakerReader::Breaker::warning() const
{
    switch (state) {
    case State::Open:
        return tr("⚠ %1: circuit breaker open since %2 — nothing is sent until a probe succeeds")
            .arg(providerId, timeOf(since));
    case State::HalfOpen:
        return tr("⚠ %1: circuit breaker half-open since %2 — one probe is out; the rest wait for its answer")
            .arg(providerId, timeOf(since));
    case State::Closed:
        break;
    }
    return {};
}

CircuitBreakerReader::CircuitBreakerReader(const ProviderService &providers, LatestChange latest)
    : m_providers(providers)
    , m_latest(std::move(latest))
{ }

Result<CircuitBreakerReader::Breaker> CircuitBreakerReader::of(const QString &providerId) const
{
    auto latest = m_latest(providerId);
    if (!latest)
        return latest.error();
    return Breaker::from(providerId, latest.value());
}

Result<QList<CircuitBreakerReader::Breaker>> CircuitBreakerReader::tripped() const
{
    auto providers = m_providers.all();
    if (!providers)
        return providers.error();
    QList<Breaker> tripped;
    for (const ProviderConfig &p : providers.value()) {
        auto breaker = of(p.id);
        if (!breaker)
            return breaker.error();
        if (breaker->isTripped())
            tripped << breaker.value();
    }
    return tripped;
}
