#pragma once

#include "core/Result.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <functional>

class ProviderService;

// The providers' circuit breakers as the console sees them. They live in the agent's process
// (OperationRunner), which records each change of state as a circuit_breaker.* event of the
// provider, so the newest one is the state, read alike in solo and team mode. The composition
// root reads that event (EventStore::latest): no widget reaches the store.
class CircuitBreakerReader
{
    Q_DECLARE_TR_FUNCTIONS(CircuitBreakerReader)

public:
    // A provider's newest circuit_breaker.* event, as much of it as says the state.
    struct RecordedChange
    {
        QString type; // "circuit_breaker.open"; empty: none recorded
        qint64 occurredAt = 0; // epoch ms
        QString note;
    };
    struct Breaker
    {
        enum class State
        {
            Closed,
            Open,
            HalfOpen,
        };
        QString providerId;
        State state = State::Closed;
        qint64 since = 0; // epoch ms of the change; 0: none recorded
        QString note; // "closed → open: 20 of 20 requests failed in the last 60 s"

        bool isTripped() const { return state != State::Closed; }
        // "open since 14:02 — closed → open: …", "closed — no trips recorded"
        QString describe() const;
        // One line for people who handle failures: what the state means for the operations.
        QString warning() const;
        static Breaker from(const QString &providerId, const RecordedChange &latest);
    };
    using LatestChange = std::function<Result<RecordedChange>(const QString &providerId)>;

    CircuitBreakerReader(const ProviderService &providers, LatestChange latest);

    Result<Breaker> of(const QString &providerId) const;
    // Every provider whose breaker is open or half-open, in the providers' order.
    Result<QList<Breaker>> tripped() const;

private:
    const ProviderService &m_providers;
    LatestChange m_latest;
};
