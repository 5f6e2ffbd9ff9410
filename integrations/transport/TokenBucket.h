#pragma once

#include <QElapsedTimer>

// A provider's request budget: `burst` requests at once, refilled at `ratePerSecond`.
class TokenBucket
{
public:
    TokenBucket(double ratePerSecond = 25, int burst = 25);

    // Takes a token and returns how many milliseconds the caller must wait before using it.
    qint64 reserve();
    // The provider said its budget is spent: nothing leaves for `ms`.
    void holdFor(qint64 ms);
    // The provider advertises a lower limit than configured (HubSpot's secondly limit): pace to it.
    void lowerTo(double ratePerSecond);
    // Whether the bucket paces to a limit the provider advertised.
    bool isLowered() const { return m_lowered; }
    double ratePerSecond() const { return m_configuredRate; } // as configured, whatever was advertised
    int burst() const { return static_cast<int>(m_burst); }

private:
    void refill();

    double m_configuredRate;
    double m_rate;
    double m_burst;
    double m_tokens;
    QElapsedTimer m_clock;
    qint64 m_lastMs = 0;
    bool m_lowered = false;
};
