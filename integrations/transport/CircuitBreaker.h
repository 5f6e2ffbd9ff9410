#pragma once

#include "core/Result.h"

#include <QString>

#include <deque>
#include <functional>

struct BreakerSettings
{
    int windowMs = 60000; // how far back the failure rate looks
    int minimumRequests = 20; // fewer requests than this say nothing about the provider
    double failureRate = 0.5; // trips at this share of failures, 0..1
    int openMs = 30000; // how long nothing is sent once tripped
};

// A provider's circuit breaker: when most of its recent requests fail, stop sending for a while
// instead of piling retries on an outage, then let one probe find out whether it is back.
class CircuitBreaker
{
public:
    enum class State
    {
        Closed,
        Open,
        HalfOpen,
    };
    // A change of state, for the caller to store and announce as an event.
    struct Change
    {
        State from;
        State to;
        QString reason; // "12 of 20 requests failed in the last 60 s", "the probe succeeded"
        qint64 at = 0; // epoch ms
    };
    using Clock = std::function<qint64()>; // epoch ms

    explicit CircuitBreaker(BreakerSettings settings = {}, Clock clock = {});

    // Whether a request may leave now. Open refuses until the cool-down ends; then, half-open,
    // exactly one probe is let through until its outcome is recorded (or, never recorded, for openMs).
    [[nodiscard]] bool allowRequest();
    // The outcome of a request allowRequest() let through; `failure` as countsAsFailure() says.
    void record(bool failure);

    State state() const; // Open reads as HalfOpen once the cool-down has ended
    qint64 openUntil() const; // when Open: epoch ms the cool-down ends; else 0
    double failureRateInWindow() const;
    int requestsInWindow() const;

    // Whether an error says the provider is unwell (network, timeout, 5xx, 429). A decline, a bad
    // credential or a conflict is about the request, not the provider's health.
    static bool countsAsFailure(ErrorClass errorClass);
    static QString stateName(State state); // "closed", "open", "half_open"

    std::function<void(const Change &)> onChange;

private:
    struct Outcome
    {
        qint64 at;
        bool failure;
    };

    void advance(qint64 now);
    void moveTo(State to, const QString &reason, qint64 at);
    int failuresInWindow(qint64 now) const;
    int countInWindow(qint64 now) const;

    BreakerSettings m_settings;
    Clock m_clock;
    State m_state = State::Closed;
    qint64 m_openUntil = 0;
    qint64 m_probeSentAt = -1; // -1: no probe out
    std::deque<Outcome> m_window; // oldest first; only Closed fills it, a trip empties it
};
