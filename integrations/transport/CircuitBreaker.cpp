#include "transport/CircuitBreaker.h"

#include <QDateTime>

#include <algorithm>
#include <utility>

CircuitBreaker::CircuitBreaker(BreakerSettings settings, Clock clock)
    : m_settings(settings)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
{ }

bool CircuitBreaker::allowRequest()
{
    const qint64 now = m_clock();
    advance(now);
    switch (m_state) {
    case State::Closed:
        return true;
    case State::Open:
        return false;
    case State::HalfOpen:
        // A probe whose outcome never came (a caller that lost it) would hold the breaker half-open
        // for good; after a cool-down's length it counts as lost and another may go.
        if (m_probeSentAt >= 0 && now - m_probeSentAt < m_settings.openMs)
            return false;
        m_probeSentAt = now;
        return true;
    }
    return false;
}

void CircuitBreaker::record(bool failure)
{
    const qint64 now = m_clock();
    advance(now);
    if (m_state == State::HalfOpen) {
        if (m_probeSentAt < 0)
            return; // no probe is out: a late answer from before the trip says nothing new
        m_probeSentAt = -1;
        if (failure) {
            m_openUntil = now + m_settings.openMs;
            moveTo(State::Open, QStringLiteral("the probe failed"), now);
        } else {
            moveTo(State::Closed, QStringLiteral("the probe succeeded"), now);
        }
        return;
    }
    if (m_state == State::Open)
        return; // sent before the trip; the breaker has already decided

    m_window.push_back({ now, failure });
    const int requests = countInWindow(now);
    const int failures = failuresInWindow(now);
    if (requests < m_settings.minimumRequests || double(failures) / requests < m_settings.failureRate)
        return;
    m_window.clear(); // the outage's failures must not trip it again once the probe closes it
    m_openUntil = now + m_settings.openMs;
    moveTo(State::Open,
        QStringLiteral("%1 of %2 requests failed in the last %3 s")
            .arg(failures)
            .arg(requests)
            .arg(QString::number(m_settings.windowMs / 1000.0)),
        now);
}

CircuitBreaker::State CircuitBreaker::state() const
{
    if (m_state == State::Open && m_clock() >= m_openUntil)
        return State::HalfOpen;
    return m_state;
}

qint64 CircuitBreaker::openUntil() const
{
    return state() == State::Open ? m_openUntil : 0;
}

double CircuitBreaker::failureRateInWindow() const
{
    const qint64 now = m_clock();
    const int requests = countInWindow(now);
    return requests == 0 ? 0.0 : double(failuresInWindow(now)) / requests;
}

int CircuitBreaker::requestsInWindow() const
{
    return countInWindow(m_clock());
}

bool CircuitBreaker::countsAsFailure(ErrorClass errorClass)
{
    switch (errorClass) {
    case ErrorClass::Network:
    case ErrorClass::Timeout:
    case ErrorClass::Server:
    case ErrorClass::RateLimited:
        return true;
    default:
        return false;
    }
}

QString CircuitBreaker::stateName(State state)
{
    switch (state) {
    case State::Closed:
        return QStringLiteral("closed");
    case State::Open:
        return QStringLiteral("open");
    case State::HalfOpen:
        return QStringLiteral("half_open");
    }
    return {};
}

void CircuitBreaker::advance(qint64 now)
{
    while (!m_window.empty() && m_window.front().at <= now - m_settings.windowMs)
        m_window.pop_front();
    // The cool-down ended at m_openUntil, whenever someone noticed: the event says so.
    if (m_state == State::Open && now >= m_openUntil)
        moveTo(State::HalfOpen,
            QStringLiteral("the cool-down of %1 s ended").arg(QString::number(m_settings.openMs / 1000.0)),
            m_openUntil);
}

void CircuitBreaker::moveTo(State to, const QString &reason, qint64 at)
{
    const State from = m_state;
    m_state = to;
    if (onChange)
        onChange({ from, to, reason, at });
}

int CircuitBreaker::countInWindow(qint64 now) const
{
    // Const readers cannot prune; they skip what advance() will drop.
    return int(std::count_if(
        m_window.begin(), m_window.end(), [&](const Outcome &o) { return o.at > now - m_settings.windowMs; }));
}

int CircuitBreaker::failuresInWindow(qint64 now) const
{
    return int(std::count_if(m_window.begin(), m_window.end(),
        [&](const Outcome &o) { return o.failure && o.at > now - m_settings.windowMs; }));
}
