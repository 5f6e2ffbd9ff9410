// The agent's retry policies: the schedule walked with an injected clock and injected jitter
// draws (no sleeps), the stops (attempts, deadline, a class not retried), the kinds' defaults,
// the checks that name their field, and the store's levels (action, provider, defaults) on
// SQLite and PostgreSQL.
#include "TestSupport.h"
#include "providers/ProviderStore.h"
#include "providers/RetryPolicy.h"
#include "providers/RetryPolicyStore.h"

#include <QTest>

namespace {
constexpr qint64 kMinute = 60000;
constexpr qint64 kHour = 60 * kMinute;

RetryPolicy policy(int maxAttempts = 6)
{
    RetryPolicy p = RetryPolicy::defaultsFor(QStringLiteral("payments"));
    p.maxAttempts = maxAttempts;
    p.baseDelayMs = 10000;
    p.maxDelayMs = 5 * kMinute;
    p.deadlineMs = 2 * kHour;
    return p;
}
} // namespace

class TestRetryPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fullJitterStaysUnderTheCappedExponential()
    {
        QCOMPARE(fullJitterMs(1, 500, 5000, 0.999999), qint64(499));
        QCOMPARE(fullJitterMs(2, 500, 5000, 1.0), qint64(1000));
        QCOMPARE(fullJitterMs(4, 500, 5000, 1.0), qint64(4000));
        QCOMPARE(fullJitterMs(5, 500, 5000, 1.0), qint64(5000)); // capped
        QCOMPARE(fullJitterMs(60, 500, 5000, 1.0), qint64(5000)); // no overflow far out
        QCOMPARE(fullJitterMs(3, 500, 5000, 0.5), qint64(1000));
        QCOMPARE(fullJitterMs(3, 500, 5000, 0.0), qint64(0)); // full jitter reaches down to nothing
    }

    // One operation failing again and again, the clock moved to each due time by hand.
    void scheduleWalkedWithAnInjectedClock()
    {
        const RetryPolicy p = policy();
        const qint64 created = 1'700'000'000'000;
        qint64 now = created;
        const double draws[] = { 1.0, 0.5, 0.0, 1.0, 0.25 };
        const qint64 ceilings[] = { 10000, 20000, 40000, 80000, 160000 };
        for (int sends = 1; sends <= 5; ++sends) {
            const RetryPolicy::Next next = p.next(created, sends, ErrorClass::Server, -1, now, draws[sends - 1]);
            QVERIFY2(next.retry, qPrintable(next.why));
            const qint64 wait = next.at - now;
            QCOMPARE(wait, std::max<qint64>(1000, qint64(draws[sends - 1] * double(ceilings[sends - 1]))));
            now = next.at; // the agent sends when it falls due
        }
        const RetryPolicy::Next stop = p.next(created, 6, ErrorClass::Server, -1, now, 1.0);
        QVERIFY(!stop.retry);
        QCOMPARE(stop.why, QStringLiteral("Automatic retries stopped after 6 attempts (the policy's maximum)."));
    }

    void retryAfterIsNeverUndercut()
    {
        const RetryPolicy p = policy();
        const RetryPolicy::Next next = p.next(0, 1, ErrorClass::RateLimited, 30, 1000, 0.1);
        QVERIFY(next.retry);
        QCOMPARE(next.at, qint64(31000));
    }

    void theDeadlineStopsRetries()
    {
        const RetryPolicy p = policy(50);
        const qint64 created = 0;
        // A retry whose wait would cross the deadline is not scheduled.
        const RetryPolicy::Next late = p.next(created, 3, ErrorClass::Network, -1, 2 * kHour - 5000, 1.0);
        QVERIFY(!late.retry);
        QVERIFY2(late.why.contains(QLatin1String("deadline of 2 h")), qPrintable(late.why));
        QVERIFY2(late.why.contains(QLatin1String("comes before the next try")), qPrintable(late.why));
        const RetryPolicy::Next past = p.next(created, 3, ErrorClass::Network, -1, 3 * kHour, 0.0);
        QVERIFY(!past.retry);
        QVERIFY2(past.why.contains(QLatin1String("has passed")), qPrintable(past.why));
        QVERIFY(p.next(created, 3, ErrorClass::Network, -1, kHour, 1.0).retry);
    }

    void onlyTheClassesChosenAreRetried()
    {
        RetryPolicy p = policy();
        p.retriedClasses = { ErrorClass::Server };
        QVERIFY(p.next(0, 1, ErrorClass::Server, -1, 0, 0.5).retry);
        const RetryPolicy::Next refused = p.next(0, 1, ErrorClass::RateLimited, -1, 0, 0.5);
        QVERIFY(!refused.retry);
        QCOMPARE(refused.why, QStringLiteral("The retry policy does not retry rate_limited failures automatically."));
        // A decline or a certificate never reaches a policy as retryable.
        QVERIFY(!p.next(0, 1, ErrorClass::Client, -1, 0, 0.5).retry);
    }

    void defaultsFollowTheProviders()
    {
        const RetryPolicy stripe = RetryPolicy::defaultsFor(QStringLiteral("payments"));
        QVERIFY(stripe.isDefault());
        QCOMPARE(stripe.deadlineMs, 24 * kHour); // Stripe keeps an idempotency key a day
        QVERIFY(stripe.retries(ErrorClass::RateLimited) && stripe.retries(ErrorClass::Server)
            && stripe.retries(ErrorClass::Network));
        QVERIFY(!stripe.retries(ErrorClass::Timeout)); // unknown outcome: looked up, not resent
        const RetryPolicy hubspot = RetryPolicy::defaultsFor(QStringLiteral("crm"));
        QVERIFY(hubspot.retries(ErrorClass::Timeout));
        QCOMPARE(hubspot.baseDelayMs, qint64(10000)); // HubSpot's 10-second window
        QVERIFY(RetryPolicy::check(stripe));
        QVERIFY(RetryPolicy::check(hubspot));
        QCOMPARE(stripe.describe(),
            QStringLiteral("max 8 attempts, backoff 1 min … 1 h with full jitter, retries network, rate_limited, "
                           "server, deadline 24 h"));
    }

    void checksNameTheField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("attempts") << "attempts"
                                  << "Max attempts:";
        QTest::newRow("base") << "base"
                              << "Base delay:";
        QTest::newRow("cap") << "cap"
                             << "Max delay:";
        QTest::newRow("deadline") << "deadline"
                                  << "Deadline:";
        QTest::newRow("classes") << "classes"
                                 << "Retried classes: client";
    }

    void checksNameTheField()
    {
        QFETCH(QString, field);
        QFETCH(QString, prefix);
        RetryPolicy p = policy();
        if (field == QLatin1String("attempts"))
            p.maxAttempts = 0;
        else if (field == QLatin1String("base"))
            p.baseDelayMs = 10;
        else if (field == QLatin1String("cap"))
            p.maxDelayMs = 5000;
        else if (field == QLatin1String("deadline"))
            p.deadlineMs = 0;
        else
            p.retriedClasses << ErrorClass::Client;
        const Status checked = RetryPolicy::check(p);
        QVERIFY(!checked);
        QVERIFY2(checked.message().startsWith(prefix), qPrintable(checked.message()));
    }

    void storeKeepsLevels_data() { ADD_BACKEND_ROWS(); }
    void storeKeepsLevels()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        ProviderConfig provider;
        provider.id = QStringLiteral("hubspot");
        provider.kind = QStringLiteral("crm");
        provider.baseUrl = QStringLiteral("https://api.hubapi.com");
        EXPECT_OK(ProviderStore(db).upsert(provider));
        RetryPolicyStore store(db);
        const QString id = provider.id;
        const auto defaults = store.effective(id, provider.kind, QStringLiteral("upsert_contact"));
        QVERIFY2(defaults, qPrintable(defaults.message()));
        QVERIFY(defaults->isDefault());
        QCOMPARE(defaults->maxAttempts, RetryPolicy::defaultsFor(QStringLiteral("crm")).maxAttempts);

        RetryPolicy own = policy(4);
        own.providerId = id;
        own.retriedClasses = { ErrorClass::Server, ErrorClass::Timeout };
        own.updatedBy = QStringLiteral("alice");
        own.updatedAt = 1000;
        EXPECT_OK(store.upsert(own));
        RetryPolicy contacts = own;
        contacts.action = QStringLiteral("upsert_contact");
        contacts.maxAttempts = 2;
        EXPECT_OK(store.upsert(contacts));

        const RetryPolicy forContacts = store.effective(id, provider.kind, QStringLiteral("upsert_contact")).value();
        QCOMPARE(forContacts.action, QStringLiteral("upsert_contact"));
        QCOMPARE(forContacts.maxAttempts, 2);
        const RetryPolicy forOthers = store.effective(id, provider.kind, QStringLiteral("delete_contact")).value();
        QCOMPARE(forOthers.action, QString());
        QCOMPARE(forOthers.maxAttempts, 4);
        QCOMPARE(forOthers.retriedClasses, (QList<ErrorClass> { ErrorClass::Server, ErrorClass::Timeout }));
        QCOMPARE(forOthers.updatedBy, QStringLiteral("alice"));
        QCOMPARE(store.of(id)->size(), 2);

        QCOMPARE(store.remove(id, QStringLiteral("upsert_contact")).value(), true);
        QCOMPARE(store.effective(id, provider.kind, QStringLiteral("upsert_contact"))->maxAttempts, 4);
        QCOMPARE(store.remove(id, QStringLiteral("upsert_contact")).value(), false);
    }
};

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
