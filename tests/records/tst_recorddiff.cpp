// Field maps and ownership: real Stripe objects and HubSpot-shaped contacts against our
// records, each differing field with its owner and verdict.
#include "records/RecordDiff.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

namespace {
QJsonObject stripeFixture(const char *resource)
{
    QFile file(QStringLiteral(RECONSOLE_FIXTURES "/stripe/fixtures3.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll())
        .object()[QStringLiteral("resources")]
        .toObject()[QLatin1String(resource)]
        .toObject();
}

const FieldDiff *find(const QList<FieldDiff> &diffs, const QString &field)
{
    for (const FieldDiff &d : diffs)
        if (d.field == field)
            return &d;
    return nullptr;
}
} // namespace

class TestRecordDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void paymentAgainstRealStripeObject()
    {
        const QJsonObject pi = stripeFixture("payment_intent");
        QVERIFY2(!pi.isEmpty(), "tests/fixtures/stripe/fixtures3.json is missing");
        // Our record says 10.99 EUR succeeded; the provider's object says USD, still unpaid.
        const QJsonObject ours { { QStringLiteral("amount"), 1099 },
            { QStringLiteral("currency"), QStringLiteral("eur") },
            { QStringLiteral("status"), QStringLiteral("succeeded") },
            { QStringLiteral("external_id"), pi[QStringLiteral("id")] },
            { QStringLiteral("description"), QStringLiteral("Order ORD-1") },
            { QStringLiteral("idempotency_key"), QStringLiteral("rc-1") } };
        const auto diffs = RecordDiff::compare(FieldMap::defaults(QStringLiteral("payment")), ours, pi);
        QCOMPARE(diffs.size(), 6);
        QCOMPARE(find(diffs, QStringLiteral("amount"))->verdict, FieldDiff::Verdict::InSync);
        QCOMPARE(find(diffs, QStringLiteral("external id"))->verdict, FieldDiff::Verdict::InSync);
        QCOMPARE(find(diffs, QStringLiteral("currency"))->verdict, FieldDiff::Verdict::OursIsWrong);
        QCOMPARE(find(diffs, QStringLiteral("status"))->verdict, FieldDiff::Verdict::OursIsWrong);
        QCOMPARE(find(diffs, QStringLiteral("status"))->provider.toString(), pi[QStringLiteral("status")].toString());
        QCOMPARE(find(diffs, QStringLiteral("description"))->verdict, FieldDiff::Verdict::ProviderIsWrong);
        QCOMPARE(find(diffs, QStringLiteral("idempotency key"))->verdict, FieldDiff::Verdict::ProviderIsWrong);
        QVERIFY(find(diffs, QStringLiteral("description"))->verdictText().contains(QLatin1String("push our value")));
    }

    void contactOwnershipAndConflicts()
    {
        // HubSpot CRM v3 shape: properties as strings.
        const QJsonObject crm { { QStringLiteral("id"), QStringLiteral("512") },
            { QStringLiteral("properties"),
                QJsonObject { { QStringLiteral("email"), QStringLiteral("anna.new@example.com") },
                    { QStringLiteral("firstname"), QStringLiteral("Anna") },
                    { QStringLiteral("lastname"), QStringLiteral("Berg") },
                    { QStringLiteral("phone"), QStringLiteral("+49 30 1234") },
                    { QStringLiteral("reconsole_access"), QStringLiteral("basic") } } } };
        const QJsonObject webhook { { QStringLiteral("properties"),
            QJsonObject { { QStringLiteral("email"), QStringLiteral("anna@example.com") },
                { QStringLiteral("lastname"), QStringLiteral("Berg") },
                { QStringLiteral("phone"), QStringLiteral("+49 30 0000") } } } };
        const QJsonObject ours { { QStringLiteral("email"), QStringLiteral("anna@example.com") },
            { QStringLiteral("first_name"), QStringLiteral("anna") },
            { QStringLiteral("last_name"), QStringLiteral("Berg") },
            { QStringLiteral("phone"), QStringLiteral("+49 30 9999") },
            { QStringLiteral("access"), QStringLiteral("premium") } };
        const auto diffs = RecordDiff::compare(FieldMap::defaults(QStringLiteral("contact")), ours, crm, webhook);
        // The CRM changed the e-mail since the webhook; we did not: the CRM owns it, we follow.
        QCOMPARE(find(diffs, QStringLiteral("email"))->verdict, FieldDiff::Verdict::OursIsWrong);
        QCOMPARE(find(diffs, QStringLiteral("first name"))->verdict, FieldDiff::Verdict::InSync); // case only
        QCOMPARE(find(diffs, QStringLiteral("last name"))->verdict, FieldDiff::Verdict::InSync);
        // Both changed the phone since the last webhook: a conflict, never settled silently.
        QCOMPARE(find(diffs, QStringLiteral("phone"))->verdict, FieldDiff::Verdict::Conflict);
        QCOMPARE(find(diffs, QStringLiteral("subscription access"))->verdict, FieldDiff::Verdict::ProviderIsWrong);
        QCOMPARE(find(diffs, QStringLiteral("subscription access"))->owner, FieldOwner::Ours);
    }

    void pathsAndUnknownTypes()
    {
        const QJsonObject o { { QStringLiteral("a"), QJsonObject { { QStringLiteral("b"), 3 } } } };
        QCOMPARE(RecordDiff::valueAt(o, QStringLiteral("a.b")).toInt(), 3);
        QVERIFY(RecordDiff::valueAt(o, QStringLiteral("a.c")).isUndefined());
        QVERIFY(RecordDiff::valueAt(o, QStringLiteral("x.y.z")).isUndefined());
        QVERIFY(FieldMap::defaults(QStringLiteral("spaceship")).rules.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRecordDiff)
#include "tst_recorddiff.moc"
