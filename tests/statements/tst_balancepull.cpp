// A payments provider's balance transactions pulled over real HTTP from the sandbox into
// statement lines, on both backends: paged, resumed from the cursor, a 429 waited out, a garbage
// page storing nothing of itself, payouts linked to what they carried, refused for a disabled
// provider or without the finance role; and `reconsolectl pull` as finance would type it.
#include "CtlRunner.h"
#include "HttpClient.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "providers/PullCursorStore.h"
#include "sandbox/DemoSetup.h"
#include "statements/BalanceTransactionLine.h"
#include "statements/BalanceTransactionPull.h"
#include "statements/StatementStore.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
const QString kProvider = QStringLiteral("stripe-sandbox");

Result<PullReport> pull(SandboxFixture &f, const Database &db, PullRequest request, const AccessPolicy *as = nullptr)
{
    if (request.providerId.isEmpty())
        request.providerId = kProvider;
    BalanceTransactionPull puller(db, *f.registry, as ? *as : f.access);
    std::optional<Result<PullReport>> result;
    QEventLoop loop;
    puller.pull(request, [&](Result<PullReport> r) {
        result = std::move(r);
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}

PullRequest paged(int pageSize)
{
    PullRequest r;
    r.pageSize = pageSize;
    return r;
}

void charge(SandboxFixture &f, int count, qint64 amount = 2000)
{
    TestHttpClient http(f.sandbox.baseUrl());
    for (int i = 0; i < count; ++i)
        http.send("POST", QStringLiteral("/v1/payment_intents"),
            "amount=" + QByteArray::number(amount) + "&currency=eur&payment_method=pm_card_visa&confirm=true");
}

QList<StatementLine> lines(const Database &db)
{
    return StatementStore(db).lines(kProvider).value_or({});
}
} // namespace

class TestBalancePull : public QObject
{
    Q_OBJECT
private slots:
    void pagesAndResumesFromTheCursor_data() { ADD_BACKEND_ROWS(); }
    void pagesAndResumesFromTheCursor()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        charge(f, 5);
        auto first = pull(f, db, paged(2));
        QVERIFY2(first, qPrintable(first.message()));
        QCOMPARE(first->fetched, 5);
        QCOMPARE(first->linesNew, 5);
        QCOMPARE(first->duplicates, 0);
        QCOMPARE(first->pages, 3); // 2 + 2 + 1
        QCOMPARE(first->stream, QStringLiteral("balance_transactions"));
        const QList<StatementLine> stored = lines(db);
        QCOMPARE(stored.size(), 5);
        for (const StatementLine &l : stored) {
            QCOMPARE(l.amountMinor, 2000);
            QCOMPARE(l.direction, Direction::Credit);
            QCOMPARE(l.feeMinor, 88);
            QCOMPARE(l.currency, QStringLiteral("EUR"));
            QCOMPARE(l.category, QStringLiteral("charge"));
            QVERIFY(l.bankEntryId.startsWith(QLatin1String("txn_")));
            QCOMPARE(l.identity, QStringLiteral("bank:stripe-sandbox:") + l.bankEntryId);
            QVERIFY(l.references.value(0).startsWith(QLatin1String("ch_")));
            QVERIFY(l.valueDate > l.bookingDate);
        }
        auto cursor = PullCursorStore(db).get(kProvider, first->stream);
        QVERIFY(cursor);
        QVERIFY(cursor->backfillAfter.isEmpty());
        QCOMPARE(first->cursor, cursor->newest);
        QCOMPARE(AuditLog(db).entriesFor(QStringLiteral("provider:stripe-sandbox")).value().size(), 3);

        const int requests = f.sandbox.requestCount();
        auto again = pull(f, db, paged(2));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->fetched, 0);
        QCOMPARE(again->linesNew, 0);
        QCOMPARE(again->pages, 1);
        QCOMPARE(f.sandbox.requestCount(), requests + 1); // one question, nothing old sent again
        QCOMPARE(again->cursor, first->cursor);

        charge(f, 3);
        auto more = pull(f, db, paged(2));
        QVERIFY2(more, qPrintable(more.message()));
        QCOMPARE(more->fetched, 3);
        QCOMPARE(more->linesNew, 3);
        QCOMPARE(more->pages, 2);
        QCOMPARE(lines(db).size(), 8);
        QVERIFY(more->cursor != first->cursor);
        QCOMPARE(pull(f, db, paged(100))->fetched, 0);
    }

    void rateLimitedMidPagingIsWaitedOut_data() { ADD_BACKEND_ROWS(); }
    void rateLimitedMidPagingIsWaitedOut()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        charge(f, 5);
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("pass,rate_limit=1")).value());
        QElapsedTimer clock;
        clock.start();
        auto pulled = pull(f, db, paged(2));
        QVERIFY2(pulled, qPrintable(pulled.message()));
        QCOMPARE(pulled->rateLimited, 1);
        QCOMPARE(pulled->linesNew, 5);
        QCOMPARE(pulled->pages, 3);
        QVERIFY2(clock.elapsed() >= 900, "the 429's Retry-After: 1 was not honoured");
        QCOMPARE(f.sandbox.pendingFaults(), 0);
    }

    void garbagePageStoresNothingOfItself_data() { ADD_BACKEND_ROWS(); }
    void garbagePageStoresNothingOfItself()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        charge(f, 5);
        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("pass,malformed")).value());
        auto broken = pull(f, db, paged(2));
        QVERIFY(!broken);
        QVERIFY2(broken.message().contains(QLatin1String("stopped at page 2")), qPrintable(broken.message()));
        QVERIFY2(broken.message().contains(QLatin1String("not JSON")), qPrintable(broken.message()));
        QVERIFY2(broken.message().contains(QLatin1String("/v1/balance_transactions")), qPrintable(broken.message()));
        QCOMPARE(lines(db).size(), 2); // page 1, with its cursor; nothing of page 2
        QVERIFY(!PullCursorStore(db).get(kProvider, QStringLiteral("balance_transactions"))->backfillAfter.isEmpty());

        f.sandbox.queueFaults(SandboxFault::parse(QStringLiteral("list_without_data")).value());
        auto noData = pull(f, db, paged(2));
        QVERIFY(!noData);
        QVERIFY2(noData.message().contains(QLatin1String("no `data` array")), qPrintable(noData.message()));
        QCOMPARE(lines(db).size(), 2);

        auto resumed = pull(f, db, paged(2)); // goes on after the last stored page
        QVERIFY2(resumed, qPrintable(resumed.message()));
        QCOMPARE(resumed->fetched, 3);
        QCOMPARE(resumed->linesNew, 3);
        QCOMPARE(resumed->duplicates, 0);
        QCOMPARE(lines(db).size(), 5);
        QVERIFY(PullCursorStore(db).get(kProvider, QStringLiteral("balance_transactions"))->backfillAfter.isEmpty());
    }

    void fieldsAreChecked()
    {
        const QJsonObject good { { QStringLiteral("id"), QStringLiteral("txn_1") },
            { QStringLiteral("object"), QStringLiteral("balance_transaction") }, { QStringLiteral("amount"), -1500 },
            { QStringLiteral("fee"), 0 }, { QStringLiteral("net"), -1500 },
            { QStringLiteral("currency"), QStringLiteral("jpy") }, { QStringLiteral("created"), 1767225600 },
            { QStringLiteral("available_on"), 1767398400 }, { QStringLiteral("type"), QStringLiteral("refund") },
            { QStringLiteral("reporting_category"), QStringLiteral("refund") },
            { QStringLiteral("source"), QStringLiteral("re_1") } };
        auto line = BalanceTransactionLine::fromJson(good, QStringLiteral("page 1"));
        QVERIFY2(line, qPrintable(line.message()));
        QCOMPARE(line->signedMinor(), -1500);
        QCOMPARE(line->exponent, 0);
        QCOMPARE(line->bookingDate, QDate(2026, 1, 1));
        QCOMPARE(line->valueDate, QDate(2026, 1, 3));
        QCOMPARE(line->references, QStringList { QStringLiteral("re_1") });

        QJsonObject noAmount = good;
        noAmount.remove(QStringLiteral("amount"));
        auto refused
            = BalanceTransactionLine::fromJson(noAmount, QStringLiteral("page 3 of GET /v1/balance_transactions"));
        QVERIFY(!refused);
        QVERIFY2(refused.message().contains(QLatin1String("txn_1")), qPrintable(refused.message()));
        QVERIFY2(refused.message().contains(QLatin1String("`amount`")), qPrintable(refused.message()));
        QVERIFY2(refused.message().contains(QLatin1String("page 3")), qPrintable(refused.message()));
        QJsonObject badNet = good;
        badNet.insert(QStringLiteral("net"), -1400);
        QVERIFY(BalanceTransactionLine::fromJson(badNet, {}).message().contains(QStringLiteral("amount − fee")));
        QJsonObject textAmount = good;
        textAmount.insert(QStringLiteral("amount"), QStringLiteral("15.00"));
        QVERIFY(!BalanceTransactionLine::fromJson(textAmount, {}));
        QJsonObject badCurrency = good;
        badCurrency.insert(QStringLiteral("currency"), QStringLiteral("euro"));
        QVERIFY(BalanceTransactionLine::fromJson(badCurrency, {}).message().contains(QLatin1String("ISO 4217")));
    }

    void payoutsAreLinkedToWhatTheyCarried_data() { ADD_BACKEND_ROWS(); }
    void payoutsAreLinkedToWhatTheyCarried()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        charge(f, 3);
        QVERIFY(pull(f, db, paged(2)));
        const QStringList payouts = f.sandbox.runPayouts(QDateTime::currentSecsSinceEpoch() + 3 * 86400);
        QCOMPARE(payouts.size(), 1);
        auto next = pull(f, db, paged(2));
        QVERIFY2(next, qPrintable(next.message()));
        QCOMPARE(next->fetched, 1); // the payout's own transaction
        QCOMPARE(next->linesNew, 1);
        QCOMPARE(next->duplicates, 3); // the charges it carried, there already, now linked
        QCOMPARE(next->payoutsLinked, 1);
        qint64 carried = 0;
        qint64 payoutLine = 0;
        for (const StatementLine &l : lines(db)) {
            QCOMPARE(l.payoutId, payouts.first());
            if (l.category == QLatin1String("payout"))
                payoutLine = l.signedMinor();
            else
                carried += l.signedMinor() - l.feeMinor;
        }
        QCOMPARE(carried, 3 * (2000 - 88));
        QCOMPARE(payoutLine, -carried);

        auto viaPayouts = pull(f, db, [] {
            PullRequest r;
            r.stream = PullRequest::Stream::Payouts;
            return r;
        }());
        QVERIFY2(viaPayouts, qPrintable(viaPayouts.message()));
        QCOMPARE(viaPayouts->stream, QStringLiteral("payouts"));
        QCOMPARE(viaPayouts->fetched, 1);
        QCOMPARE(viaPayouts->payoutsLinked, 1);
        QCOMPARE(viaPayouts->linesNew, 0);
        QCOMPARE(viaPayouts->cursor, payouts.first());
    }

    void sinceBoundsTheFirstPull()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        const auto at
            = [](int month) { return QDateTime(QDate(2026, month, 10), QTime(9, 0), Qt::UTC).toSecsSinceEpoch(); };
        f.sandbox.balance().charge(QStringLiteral("ch_jan"), 1000, QStringLiteral("eur"), {}, at(1));
        f.sandbox.balance().charge(QStringLiteral("ch_mar"), 1000, QStringLiteral("eur"), {}, at(3));
        PullRequest request;
        request.since = QDate(2026, 2, 1);
        auto first = pull(f, db, request);
        QVERIFY2(first, qPrintable(first.message()));
        QCOMPARE(first->fetched, 1);
        QCOMPARE(lines(db).value(0).references, QStringList { QStringLiteral("ch_mar") });
        QCOMPARE(lines(db).value(0).bookingDate, QDate(2026, 3, 10));
        auto later = pull(f, db, request);
        QVERIFY(later);
        QVERIFY(later->sinceIgnored);
        QCOMPARE(later->fetched, 0);
    }

    void refusedWithoutFinanceOrWhenDisabled()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        charge(f, 1);
        const int requests = f.sandbox.requestCount();
        const AccessPolicy support({ Role::Support }, QStringLiteral("sam@example.com"));
        auto refused = pull(f, db, {}, &support);
        QVERIFY(!refused);
        QCOMPARE(refused.error().errorClass, ErrorClass::Auth);

        ProviderConfig p = ProviderStore(db).get(kProvider).value();
        p.enabled = false;
        QVERIFY(ProviderStore(db).upsert(p));
        auto disabled = pull(f, db, {});
        QVERIFY(!disabled);
        QVERIFY2(disabled.message().contains(QLatin1String("disabled")), qPrintable(disabled.message()));
        QVERIFY2(disabled.message().contains(QLatin1String("providers enable stripe-sandbox")),
            qPrintable(disabled.message()));
        QCOMPARE(f.sandbox.requestCount(), requests); // not contacted
        QCOMPARE(lines(db).size(), 0);

        f.addCrm(db);
        PullRequest crm;
        crm.providerId = QStringLiteral("crm-sandbox");
        auto notPayments = pull(f, db, crm);
        QVERIFY(!notPayments);
        QVERIFY2(notPayments.message().contains(QLatin1String("payments provider")), qPrintable(notPayments.message()));
        QCOMPARE(f.sandbox.requestCount(), requests);
    }

    void fromTheCommandLine()
    {
        REQUIRE_SECRET_SERVICE();
        START_CTL_DEMO(world, QStringLiteral("demo.sqlite"), 30);
        // The demo's month was paid out and pulled: provider lines and a payout are there.
        auto db = Database::open(world.db);
        QVERIFY2(db, qPrintable(db.message()));
        const QList<StatementLine> demo = StatementStore(*db.value()).lines(kProvider).value_or({});
        QVERIFY(demo.size() > 10);
        QVERIFY(std::any_of(
            demo.begin(), demo.end(), [](const StatementLine &l) { return l.category == QLatin1String("payout"); }));

        const CtlRun nothing
            = ctl({ QStringLiteral("pull"), QStringLiteral("balance-transactions"), QStringLiteral("--provider"),
                kProvider, QStringLiteral("--json"), QStringLiteral("--database"), world.db });
        QVERIFY2(nothing.code == 0, qPrintable(nothing.err));
        const QJsonObject none = QJsonDocument::fromJson(nothing.out.toUtf8()).object();
        QCOMPARE(none.value(QStringLiteral("fetched")).toInt(), 0);
        QCOMPARE(none.value(QStringLiteral("new_lines")).toInt(), 0);
        QVERIFY(none.value(QStringLiteral("cursor")).toString().startsWith(QLatin1String("txn_")));

        TestHttpClient http(world.url);
        QCOMPARE(http.send("POST", QStringLiteral("/v1/payment_intents"),
                         "amount=4200&currency=eur&payment_method=pm_card_visa&confirm=true", DemoSetup::kTestKey)
                     .status,
            200);
        const CtlRun one = ctl({ QStringLiteral("pull"), QStringLiteral("balance-transactions"),
            QStringLiteral("--provider"), kProvider, QStringLiteral("--database"), world.db });
        QVERIFY2(one.code == 0, qPrintable(one.err));
        QVERIFY2(one.out.contains(QLatin1String("1 fetched in 1 page, 1 new lines")), qPrintable(one.out));

        const CtlRun badDate = ctl(
            { QStringLiteral("pull"), QStringLiteral("balance-transactions"), QStringLiteral("--provider"), kProvider,
                QStringLiteral("--since"), QStringLiteral("1.2.2026"), QStringLiteral("--database"), world.db });
        QCOMPARE(badDate.code, 2);
        QVERIFY2(badDate.err.contains(QLatin1String("YYYY-MM-DD")), qPrintable(badDate.err));
        const CtlRun unknown = ctl({ QStringLiteral("pull"), QStringLiteral("payouts"), QStringLiteral("--provider"),
            QStringLiteral("nope"), QStringLiteral("--database"), world.db });
        QCOMPARE(unknown.code, 1);
        QVERIFY2(unknown.err.contains(QLatin1String("nope")), qPrintable(unknown.err));
    }
};

QTEST_GUILESS_MAIN(TestBalancePull)
#include "tst_balancepull.moc"
