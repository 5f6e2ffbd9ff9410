// The transport's policies: the token bucket that keeps us under a provider's rate limit,
// and the backoff that spreads retries and never undercuts Retry-After.
#include "transport/RetryPolicy.h"
#include "transport/TokenBucket.h"

#include <QTest>

class TestTransportPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bucketAllowsBurstThenPaces()
    {
        TokenBucket bucket(10, 3); // 10 per second, 3 at once
        QCOMPARE(bucket.reserve(), 0);
        QCOMPARE(bucket.reserve(), 0);
        QCOMPARE(bucket.reserve(), 0);
        const qint64 fourth = bucket.reserve();
        QVERIFY2(fourth > 50 && fourth <= 100, qPrintable(QString::number(fourth)));
        const qint64 fifth = bucket.reserve(); // queues behind the fourth
        QVERIFY2(fifth > 150 && fifth <= 200, qPrintable(QString::number(fifth)));
    }

    void bucketRefills()
    {
        TokenBucket bucket(100, 1);
        QCOMPARE(bucket.reserve(), 0);
        QTest::qWait(30);
        QCOMPARE(bucket.reserve(), 0);
    }

    void retryableClasses()
    {
        QVERIFY(RetryPolicy::isRetryable(ErrorClass::RateLimited));
        QVERIFY(RetryPolicy::isRetryable(ErrorClass::Server));
        QVERIFY(RetryPolicy::isRetryable(ErrorClass::Network));
        QVERIFY(!RetryPolicy::isRetryable(ErrorClass::Timeout)); // unknown outcome: ask first
        QVERIFY(!RetryPolicy::isRetryable(ErrorClass::Client));
        QVERIFY(!RetryPolicy::isRetryable(ErrorClass::Auth));
        QVERIFY(!RetryPolicy::isRetryable(ErrorClass::Conflict));
        QVERIFY(!RetryPolicy::isRetryable(ErrorClass::Certificate)); // a person must fix trust first
    }

    void backoffGrowsWithJitterAndHonoursRetryAfter()
    {
        RetryPolicy policy;
        policy.baseDelayMs = 100;
        policy.maxDelayMs = 1000;
        for (int i = 0; i < 50; ++i) {
            const qint64 second = policy.delayMs(2, -1);
            QVERIFY(second >= 50 && second <= 100);
            const qint64 fourth = policy.delayMs(4, -1);
            QVERIFY(fourth >= 200 && fourth <= 400);
            QVERIFY(policy.delayMs(20, -1) <= 1000); // capped
            QVERIFY(policy.delayMs(2, 3) >= 3000); // Retry-After wins
        }
        const qint64 now = 1'000'000;
        QVERIFY(policy.scheduleAt(now, 1, -1) - now >= 30000);
        QVERIFY(policy.scheduleAt(now, 3, -1) > policy.scheduleAt(now, 2, -1));
        QVERIFY(policy.scheduleAt(now, 1, 600) - now >= 600000);
    }
};

QTEST_GUILESS_MAIN(TestTransportPolicy)
#include "tst_transportpolicy.moc"
