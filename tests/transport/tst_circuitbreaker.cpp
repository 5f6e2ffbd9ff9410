// The per-provider circuit breaker, driven by an injected clock: every transition and its event.
#include "transport/CircuitBreaker.h"

#include <QList>
#include <QTest>

using State = CircuitBreaker::State;

namespace {
// Ten requests, half failing, trip it; a ten-second window and a five-second cool-down.
BreakerSettings settings()
{
    BreakerSettings s;
    s.windowMs = 10000;
    s.minimumRequests = 10;
    s.failureRate = 0.5;
    s.openMs = 5000;
    return s;
}

// A breaker on a clock the test moves, recording every change it announces.
struct Fixture
{
    qint64 now = 1'000'000;
    QList<CircuitBreaker::Change> changes;
    CircuitBreaker breaker { settings(), [this] { return now; } };

    Fixture()
    {
        breaker.onChange = [this](const CircuitBreaker::Change &c) { changes << c; };
    }
    // `count` requests through the breaker, each `stepMs` after the last.
    void send(int count, bool failure, qint64 stepMs = 10)
    {
        for (int i = 0; i < count; ++i) {
            now += stepMs;
            QVERIFY(breaker.allowRequest());
            breaker.record(failure);
        }
    }
    void trip()
    {
        send(5, false);
        send(5, true);
    }
};
} // namespace

class TestCircuitBreaker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void closedUnderTheMinimum()
    {
        Fixture f;
        f.send(9, true); // every one failed, but nine requests say little
        QCOMPARE(f.breaker.state(), State::Closed);
        QCOMPARE(f.breaker.requestsInWindow(), 9);
        QCOMPARE(f.breaker.failureRateInWindow(), 1.0);
        QCOMPARE(f.breaker.openUntil(), 0);
        QVERIFY(f.changes.isEmpty());
    }

    void closedBelowTheRate()
    {
        Fixture f;
        f.send(6, false);
        f.send(4, true);
        f.send(1, false);
        QCOMPARE(f.breaker.state(), State::Closed);
        QCOMPARE(f.breaker.requestsInWindow(), 11);
        QVERIFY(f.changes.isEmpty());
    }

    void tripsAtTheRate()
    {
        Fixture f;
        f.send(5, false);
        f.send(4, true);
        QCOMPARE(f.breaker.state(), State::Closed);
        f.send(1, true); // the tenth request: 5 of 10 failed
        QCOMPARE(f.breaker.state(), State::Open);
        QCOMPARE(f.breaker.openUntil(), f.now + 5000);
        QCOMPARE(f.changes.size(), 1);
        QCOMPARE(f.changes[0].from, State::Closed);
        QCOMPARE(f.changes[0].to, State::Open);
        QCOMPARE(f.changes[0].at, f.now);
        QCOMPARE(f.changes[0].reason, QStringLiteral("5 of 10 requests failed in the last 10 s"));
    }

    void openRefusesUntilTheCoolDownEnds()
    {
        Fixture f;
        f.trip();
        const qint64 until = f.breaker.openUntil();
        f.now = until - 1;
        QVERIFY(!f.breaker.allowRequest());
        QVERIFY(!f.breaker.allowRequest());
        QCOMPARE(f.breaker.state(), State::Open);
        QCOMPARE(f.changes.size(), 1);
        f.breaker.record(true); // a late answer from before the trip moves nothing
        QCOMPARE(f.breaker.openUntil(), until);
    }

    void halfOpenAllowsExactlyOneProbe()
    {
        Fixture f;
        f.trip();
        const qint64 until = f.breaker.openUntil();
        f.now = until + 1234;
        QCOMPARE(f.breaker.state(), State::HalfOpen); // read without a request
        QCOMPARE(f.breaker.openUntil(), 0);
        QVERIFY(f.breaker.allowRequest());
        QCOMPARE(f.changes.size(), 2);
        QCOMPARE(f.changes[1].from, State::Open);
        QCOMPARE(f.changes[1].to, State::HalfOpen);
        QCOMPARE(f.changes[1].at, until); // when the cool-down ended, not when someone asked
        QVERIFY(!f.changes[1].reason.isEmpty());
        f.now += 100;
        QVERIFY(!f.breaker.allowRequest()); // the probe is out
        QVERIFY(!f.breaker.allowRequest());
        QCOMPARE(f.breaker.state(), State::HalfOpen);
        QCOMPARE(f.changes.size(), 2);
    }

    void probeSuccessCloses()
    {
        Fixture f;
        f.trip();
        f.now = f.breaker.openUntil();
        QVERIFY(f.breaker.allowRequest());
        f.now += 200;
        f.breaker.record(false);
        QCOMPARE(f.breaker.state(), State::Closed);
        QCOMPARE(f.breaker.requestsInWindow(), 0); // the outage's failures are forgotten
        QCOMPARE(f.changes.size(), 3);
        QCOMPARE(f.changes[2].from, State::HalfOpen);
        QCOMPARE(f.changes[2].to, State::Closed);
        QCOMPARE(f.changes[2].reason, QStringLiteral("the probe succeeded"));
        QCOMPARE(f.changes[2].at, f.now);
        QVERIFY(f.breaker.allowRequest());
        QVERIFY(f.breaker.allowRequest());
        f.breaker.record(true); // one failure after closing is not a trip
        QCOMPARE(f.breaker.state(), State::Closed);
    }

    void probeFailureReopensWithANewCoolDown()
    {
        Fixture f;
        f.trip();
        f.now = f.breaker.openUntil() + 50;
        QVERIFY(f.breaker.allowRequest());
        f.now += 300;
        f.breaker.record(true);
        QCOMPARE(f.breaker.state(), State::Open);
        QCOMPARE(f.breaker.openUntil(), f.now + 5000);
        QCOMPARE(f.changes.size(), 3);
        QCOMPARE(f.changes[2].from, State::HalfOpen);
        QCOMPARE(f.changes[2].to, State::Open);
        QCOMPARE(f.changes[2].reason, QStringLiteral("the probe failed"));
        QVERIFY(!f.breaker.allowRequest());
        f.now += 4999;
        QVERIFY(!f.breaker.allowRequest());
        f.now += 1;
        QVERIFY(f.breaker.allowRequest()); // the next probe
        QCOMPARE(f.changes.size(), 4);
        QCOMPARE(f.changes[3].to, State::HalfOpen);
    }

    // A caller that never records its probe must not hold the breaker half-open for good.
    void lostProbeIsReplacedAfterACoolDown()
    {
        Fixture f;
        f.trip();
        f.now = f.breaker.openUntil();
        QVERIFY(f.breaker.allowRequest());
        f.now += 4999;
        QVERIFY(!f.breaker.allowRequest());
        f.now += 1;
        QVERIFY(f.breaker.allowRequest());
        QVERIFY(!f.breaker.allowRequest());
    }

    void oldOutcomesLeaveTheWindow()
    {
        Fixture f;
        f.send(9, true);
        QCOMPARE(f.breaker.requestsInWindow(), 9);
        f.now += 10000; // all nine are now older than the window
        QCOMPARE(f.breaker.requestsInWindow(), 0);
        QCOMPARE(f.breaker.failureRateInWindow(), 0.0);
        f.send(1, true); // would be the tenth failure, were the old ones still counted
        QCOMPARE(f.breaker.state(), State::Closed);
        QCOMPARE(f.breaker.requestsInWindow(), 1);
        QVERIFY(f.changes.isEmpty());
    }

    void slidesRatherThanResets()
    {
        Fixture f;
        f.send(5, true, 1000); // at +1 s … +5 s
        f.send(4, false, 1000); // at +6 s … +9 s
        f.now += 2500; // +11.5 s: the first failure has left, the rest are in
        QCOMPARE(f.breaker.requestsInWindow(), 8);
        QCOMPARE(f.breaker.failureRateInWindow(), 0.5);
    }

    void providerFailuresOnly_data()
    {
        QTest::addColumn<ErrorClass>("errorClass");
        QTest::addColumn<bool>("counts");
        QTest::newRow("network") << ErrorClass::Network << true;
        QTest::newRow("timeout") << ErrorClass::Timeout << true;
        QTest::newRow("server") << ErrorClass::Server << true;
        QTest::newRow("rate limited") << ErrorClass::RateLimited << true;
        QTest::newRow("client") << ErrorClass::Client << false;
        QTest::newRow("auth") << ErrorClass::Auth << false;
        QTest::newRow("conflict") << ErrorClass::Conflict << false;
        QTest::newRow("certificate") << ErrorClass::Certificate << false;
        QTest::newRow("none") << ErrorClass::None << false;
    }

    void providerFailuresOnly()
    {
        QFETCH(ErrorClass, errorClass);
        QFETCH(bool, counts);
        QCOMPARE(CircuitBreaker::countsAsFailure(errorClass), counts);

        // Ten requests that all end in this class: only a provider failure trips the breaker.
        Fixture f;
        f.send(10, CircuitBreaker::countsAsFailure(errorClass));
        QCOMPARE(f.breaker.state(), counts ? State::Open : State::Closed);
        QCOMPARE(f.changes.size(), counts ? 1 : 0);
    }

    void stateNames()
    {
        QCOMPARE(CircuitBreaker::stateName(State::Closed), QStringLiteral("closed"));
        QCOMPARE(CircuitBreaker::stateName(State::Open), QStringLiteral("open"));
        QCOMPARE(CircuitBreaker::stateName(State::HalfOpen), QStringLiteral("half_open"));
    }

    void defaultClockIsWallTime()
    {
        CircuitBreaker breaker;
        QVERIFY(breaker.allowRequest());
        breaker.record(true);
        QCOMPARE(breaker.requestsInWindow(), 1);
        QCOMPARE(breaker.state(), State::Closed);
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuitbreaker.moc"
