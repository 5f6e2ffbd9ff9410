#include "transport/TokenBucket.h"

#include <QtGlobal>

#include <cmath>

TokenBucket::TokenBucket(double ratePerSecond, int burst)
    : m_configuredRate(ratePerSecond)
    , m_rate(qMax(ratePerSecond, 0.001))
    , m_burst(qMax(burst, 1))
    , m_tokens(m_burst)
{
    m_clock.start();
}

void TokenBucket::refill()
{
    const qint64 now = m_clock.elapsed();
    m_tokens = qMin(m_burst, m_tokens + (now - m_lastMs) * m_rate / 1000.0);
    m_lastMs = now;
}

qint64 TokenBucket::reserve()
{
    refill();
    m_tokens -= 1.0; // may go negative: later callers queue behind this one
    if (m_tokens >= 0)
        return 0;
    return static_cast<qint64>(std::ceil(-m_tokens * 1000.0 / m_rate));
}

void TokenBucket::holdFor(qint64 ms)
{
    refill();
    // A debt of tokens worth `ms` makes every caller wait it out, in order.
    m_tokens = qMin(m_tokens, -ms * m_rate / 1000.0);
}

void TokenBucket::lowerTo(double ratePerSecond)
{
    if (ratePerSecond <= 0 || ratePerSecond >= m_rate)
        return;
    refill();
    m_lowered = true;
    m_rate = ratePerSecond;
    // Evenly spaced: a provider counting a sliding second never sees more than its limit.
    m_burst = 1.0;
    m_tokens = qMin(m_tokens, 0.0); // the request that brought the news already used this slot
}
