#pragma once

#include <QElapsedTimer>

// A provider's request budget: `burst` requests at once, refilled at `ratePerSecond`.
class TokenBucket
{
public:
    TokenBucket(double ratePerSecond = 25, int burst = 25);

    // Takes a token and returns how many milliseconds the caller must wait before using it.
    qint64 reserve();
    double ratePerSecond() const { return m_rate; }
    int burst() const { return static_cast<int>(m_burst); }

private:
    void refill();

    double m_rate;
    double m_burst;
    double m_tokens;
    QElapsedTimer m_clock;
    qint64 m_lastMs = 0;
};
