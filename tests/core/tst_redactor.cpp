#include "core/Redactor.h"

#include <QTest>

class TestRedactor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void removesSecrets_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("secret");
        QTest::newRow("bearer") << "Authorization: Bearer sk_test_abcDEF123456"
                                << "abcDEF123456";
        QTest::newRow("header only") << "authorization: Basic dXNlcjpwYXNz"
                                     << "dXNlcjpwYXNz";
        QTest::newRow("secret key") << "key sk_live_51Habc0987zyx in text"
                                    << "51Habc0987zyx";
        QTest::newRow("restricted key") << "rk_test_XYZ123abc"
                                        << "XYZ123abc";
        QTest::newRow("webhook secret") << "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                                        << "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        QTest::newRow("intake token") << "token rci_Q3VyaW91cy1nZW9yZ2UtMTIzNDU2Nzg5 in a log line"
                                      << "Q3VyaW91cy1nZW9yZ2UtMTIzNDU2Nzg5";
        QTest::newRow("intake token in JSON") << "{\"token\":\"rci_a-b_c0123456789abcdefghijk\"}"
                                              << "a-b_c0123456789abcdefghijk";
        QTest::newRow("card form field") << "card[number]=4242424242424242&amount=10"
                                         << "4242424242424242";
        QTest::newRow("card in text") << "card 4000 0566 5566 5556 declined"
                                      << "4000 0566 5566 5556";
        QTest::newRow("card cvc") << "card%5Bcvc%5D=123&x=1"
                                  << "=123";
    }

    void removesSecrets()
    {
        QFETCH(QString, input);
        QFETCH(QString, secret);
        const QString out = Redactor::redact(input);
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QVERIFY(out.contains(QLatin1String("redacted")));
    }

    void keepsOrdinaryNumbers()
    {
        // Epoch milliseconds and amounts are not card numbers.
        const QString text = QStringLiteral("{\"created\":1764201600123,\"amount\":2000,\"id\":\"pi_3MtwBw\"}");
        QCOMPARE(Redactor::redact(text), text);
    }

    void fingerprintShowsLastFour()
    {
        QCOMPARE(Redactor::fingerprint(QStringLiteral("sk_test_abcdef4242")), QStringLiteral("…4242"));
    }
};

QTEST_GUILESS_MAIN(TestRedactor)
#include "tst_redactor.moc"
