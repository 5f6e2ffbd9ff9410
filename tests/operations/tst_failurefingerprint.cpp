// Grouping failed operations: the same failure with other ids, amounts and times is one group;
// another code, class, provider or action is another.
#include "operations/FailureFingerprint.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

class TestFailureFingerprint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void normalize_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("normalized");
        auto row = [](const char *name, const char *message, const char *normalized) {
            QTest::newRow(name) << QString::fromUtf8(message) << QString::fromUtf8(normalized);
        };
        row("whitespace", "  Too   many\trequests \n ", "Too many requests");
        row("case kept", "Card Declined", "Card Declined");
        row("uuid", "Idempotency key 6f1c2a9e-3b4d-4e5f-9a8b-7c6d5e4f3a2b reused", "Idempotency key <uuid> reused");
        row("email", "No contact with email jane.doe+test@example.co.uk.", "No contact with email <email>.");
        row("url", "See https://dashboard.stripe.com/logs/req_abc123?x=1.", "See <url>.");
        row("stripe payment intent", "No such payment_intent: pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "No such payment_intent: <id>");
        row("charge, refund, customer",
            "ch_3MmlLrLkdIwHu7ix0snN0B15 of cus_NffrFeUfNV2Hib refunded by re_1Nispe2eZvKYlo2Cd31jOCgZ",
            "<id> of <id> refunded by <id>");
        row("event and request", "evt_1NG8Du2eZvKYlo2CUI79vXWy failed (req_jGbYfKEm8hb0Ad)", "<id> failed (<id>)");
        row("secret key", "Invalid API key sk_test_4eC39HqLyjWDarjtT1zdp7dc", "Invalid API key <id>");
        row("hubspot id", "Contact 51234567890 not found", "Contact <id> not found");
        row("iso timestamp", "Locked until 2024-03-01T12:30:45.123Z, try later", "Locked until <time>, try later");
        row("iso with offset", "at 2024-03-01 12:30:45+01:00", "at <time>");
        row("date", "Statement for 2024-03-01 missing", "Statement for <time> missing");
        row("time of day", "Window closes at 23:59:59", "Window closes at <time>");
        row("integer", "Too many requests, retry after 30 s", "Too many requests, retry after <n> s");
        row("negative decimal", "Balance -12.50 below zero", "Balance <n> below zero");
        row("thousands", "Amount 1,234,567.89 exceeds limit 10.000,00", "Amount <n> exceeds limit <n>");
        row("code before", "Amount EUR 12.50 too small", "Amount <n> too small");
        row("symbol before", "Amount €12,50 too small", "Amount <n> too small");
        row("code after", "Amount 12.50 eur too small", "Amount <n> too small");
        row("symbol after", "Amount 12,50 € too small", "Amount <n> too small");
        row("dollar", "Refund of $1,000 exceeds charge", "Refund of <n> exceeds charge");
        row("hex", "Signature deadbeef0123abcd does not match", "Signature <hex> does not match");
        row("0x hex", "Checksum 0x1F2E mismatch", "Checksum <hex> mismatch");
        row("single quotes", "Invalid value 'gold-plan' for plan", "Invalid value '<value>' for plan");
        row("double quotes", "Unknown parameter \"metadata[x]\"", "Unknown parameter '<value>'");
        row("apostrophes are not quotes", "The customer's card wasn't charged", "The customer's card wasn't charged");
        row("codes kept", "card_declined: insufficient_funds (rate_limit, idempotency_key_in_use)",
            "card_declined: insufficient_funds (rate_limit, idempotency_key_in_use)");
        row("words with digits kept", "3DS required for ES256 keys", "3DS required for ES256 keys");
        row("currency-like word kept", "Retry after 5 eurodollars", "Retry after <n> eurodollars");
    }

    void normalize()
    {
        QFETCH(QString, message);
        QFETCH(QString, normalized);
        QCOMPARE(FailureFingerprint::normalize(message), normalized);
    }

    // The line between a code and an id: an id's segment after the underscore has six or more
    // characters with a digit or a capital.
    void codesStayIdsGo()
    {
        for (const char *code : { "card_declined", "insufficient_funds", "rate_limit", "idempotency_key_in_use",
                 "expired_card", "payment_intent_unexpected_state", "resource_missing" })
            QCOMPARE(FailureFingerprint::normalize(QLatin1String(code)), QLatin1String(code));
        for (const char *id : { "pi_3MtwBwLkdIwHu7ix28a3tqPa", "ch_3MmlLrLkdIwHu7ix", "re_1Nispe2eZvKYlo2C",
                 "cus_NffrFeUfNV2Hib", "evt_1NG8Du2eZvKYlo2C", "req_jGbYfKEm8hb0Ad", "acct_1032D82eZvKYlo2C" })
            QCOMPARE(FailureFingerprint::normalize(QLatin1String(id)), QStringLiteral("<id>"));
    }

    void cappedAt200WithoutHalfPlaceholders()
    {
        const QString longMessage
            = QString(195, QLatin1Char('x')) + QStringLiteral(" 6f1c2a9e-3b4d-4e5f-9a8b-7c6d5e4f3a2b");
        const QString normalized = FailureFingerprint::normalize(longMessage);
        QCOMPARE(normalized, QString(195, QLatin1Char('x')));
        QCOMPARE(FailureFingerprint::normalize(QString(300, QLatin1Char('y'))).size(), 200);
    }

    void sameFailureOneKey()
    {
        const auto a = FailureFingerprint::of(QStringLiteral("stripe-live"), QStringLiteral("capture_payment"),
            ErrorClass::Client,
            QStringLiteral("Your card was declined (card_declined) for pi_3MtwBwLkdIwHu7ix28a3tqPa: EUR 12.50, "
                           "customer jane@example.com at 2024-03-01T12:30:45Z"));
        const auto b = FailureFingerprint::of(QStringLiteral("stripe-live"), QStringLiteral("capture_payment"),
            ErrorClass::Client,
            QStringLiteral("Your card  was declined (card_declined) for pi_9ZZwBwLkdIwHu7ix28a3tqXy: EUR 1,999.00, "
                           "customer max@example.org at 2025-11-30T01:02:03Z"));
        QCOMPARE(a.normalized, b.normalized);
        QCOMPARE(a.key(), b.key());
        QCOMPARE(a.key().size(), 32);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(a.key()).hasMatch());
    }

    void differentFailuresOtherKeys()
    {
        const QString provider = QStringLiteral("stripe-live");
        const QString action = QStringLiteral("capture_payment");
        const auto base = FailureFingerprint::of(
            provider, action, ErrorClass::Client, QStringLiteral("Your card was declined: card_declined"));
        const FailureFingerprint others[] = {
            FailureFingerprint::of(
                provider, action, ErrorClass::Client, QStringLiteral("Your card was declined: insufficient_funds")),
            FailureFingerprint::of(
                provider, action, ErrorClass::Server, QStringLiteral("Your card was declined: card_declined")),
            FailureFingerprint::of(QStringLiteral("stripe-test"), action, ErrorClass::Client,
                QStringLiteral("Your card was declined: card_declined")),
            FailureFingerprint::of(provider, QStringLiteral("refund_payment"), ErrorClass::Client,
                QStringLiteral("Your card was declined: card_declined")),
        };
        QSet<QString> keys { base.key() };
        for (const FailureFingerprint &other : others) {
            QVERIFY2(other.key() != base.key(), qPrintable(other.title()));
            keys.insert(other.key());
        }
        QCOMPARE(keys.size(), 5);
    }

    // The parts are separated, not just concatenated: moving text between them changes the key.
    void partsDoNotRunTogether()
    {
        const auto a = FailureFingerprint::of(QStringLiteral("ab"), QStringLiteral("c"), ErrorClass::Server, {});
        const auto b = FailureFingerprint::of(QStringLiteral("a"), QStringLiteral("bc"), ErrorClass::Server, {});
        QVERIFY(a.key() != b.key());
    }

    void titleForPeople()
    {
        const auto f = FailureFingerprint::of(QStringLiteral("stripe-live"), QStringLiteral("capture_payment"),
            ErrorClass::RateLimited, QStringLiteral("Too many requests, retry after 30 s"));
        QCOMPARE(f.title(),
            QString::fromUtf8("stripe-live · capture_payment · rate_limited: Too many requests, retry after <n> s"));
        const auto unclassified = FailureFingerprint::of(QStringLiteral("hubspot"), QStringLiteral("sync_contact"),
            ErrorClass::None, QStringLiteral("Contact 51234567890 not found"));
        QCOMPARE(unclassified.title(), QString::fromUtf8("hubspot · sync_contact: Contact <id> not found"));
    }
};

QTEST_GUILESS_MAIN(TestFailureFingerprint)
#include "tst_failurefingerprint.moc"
