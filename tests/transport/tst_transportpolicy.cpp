// The transport's policy: the token bucket that keeps us under a provider's rate limit.
// (The retry schedule is tst_retrypolicy's.)
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
};

QTEST_GUILESS_MAIN(TestTransportPolicy)
#include "tst_transportpolicy.moc"
