// POST /v1/ledger_entries and GET /v1/ledger_entries/{id} as a backend calls them, on both
// backends: 201, the same entry again is the same answer, another under its id a 409, the token
// required, every refusal naming its field, nothing stored for any of them.
#include "IntakeFixture.h"
#include "ledger/LedgerStore.h"

namespace {
QJsonObject entryJson(const QString &id, qint64 amount = 2599)
{
    return { { QStringLiteral("id"), id }, { QStringLiteral("account"), QStringLiteral("stripe-sandbox") },
        { QStringLiteral("booked_on"), QStringLiteral("2026-11-02") }, { QStringLiteral("amount_minor"), amount },
        { QStringLiteral("currency"), QStringLiteral("eur") }, { QStringLiteral("reference"), QStringLiteral("INV-7") },
        { QStringLiteral("entity"),
            QJsonObject {
                { QStringLiteral("type"), QStringLiteral("order") }, { QStringLiteral("id"), "ORD-" + id } } } };
}

QByteArray body(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

const QString kPath = QStringLiteral("/v1/ledger_entries");
} // namespace

class TestLedgerIntake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storesAndAnswersById_data() { ADD_BACKEND_ROWS(); }
    void storesAndAnswersById()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply posted = in.call("POST", kPath, body(entryJson(QStringLiteral("gl-1"))));
        QCOMPARE(posted.status, 201);
        const QJsonObject e = IntakeFixture::json(posted);
        QCOMPARE(e.value(QStringLiteral("object")).toString(), QStringLiteral("ledger_entry"));
        QCOMPARE(e.value(QStringLiteral("id")).toString(), QStringLiteral("gl-1"));
        QCOMPARE(e.value(QStringLiteral("amount_minor")).toInteger(), 2599);
        QCOMPARE(e.value(QStringLiteral("currency")).toString(), QStringLiteral("EUR"));
        QCOMPARE(e.value(QStringLiteral("source")).toString(), QStringLiteral("intake"));
        QCOMPARE(IntakeFixture::header(posted, "Location"), QByteArray("/v1/ledger_entries/gl-1"));
        QVERIFY(IntakeFixture::header(posted, "Idempotent-Replayed").isEmpty());

        const HttpReply byId = in.call("GET", kPath + QStringLiteral("/gl-1"));
        QCOMPARE(byId.status, 200);
        QCOMPARE(IntakeFixture::json(byId), e);
        QCOMPARE(in.call("GET", kPath + QStringLiteral("/nope")).status, 404);
        const LedgerEntry stored = LedgerStore(*scratch.db()).get(QStringLiteral("gl-1")).value();
        QCOMPARE(stored.createdBy, QStringLiteral("intake-token:") + in.tokenId);
        QCOMPARE(stored.entityId, QStringLiteral("ORD-gl-1"));
        QVERIFY(!stored.createdBy.contains(in.token)); // the token itself is never stored
    }

    void theSameEntryAgainIsTheSameAnswer_data() { ADD_BACKEND_ROWS(); }
    void theSameEntryAgainIsTheSameAnswer()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply first = in.call("POST", kPath, body(entryJson(QStringLiteral("gl-2"))));
        QJsonObject same = entryJson(QStringLiteral("gl-2")); // the currency's case makes no other entry
        same.insert(QStringLiteral("currency"), QStringLiteral("EUR"));
        const HttpReply again = in.call("POST", kPath, body(same));
        QCOMPARE(first.status, 201);
        QCOMPARE(again.status, 201);
        QCOMPARE(again.body, first.body);
        QCOMPARE(IntakeFixture::header(again, "Idempotent-Replayed"), QByteArray("true"));
        QCOMPARE(LedgerStore(*scratch.db()).count().value(), 1);
    }

    void anotherEntryUnderItsIdIs409_data() { ADD_BACKEND_ROWS(); }
    void anotherEntryUnderItsIdIs409()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QCOMPARE(in.call("POST", kPath, body(entryJson(QStringLiteral("gl-3"), 100))).status, 201);
        const HttpReply clash = in.call("POST", kPath, body(entryJson(QStringLiteral("gl-3"), 200)));
        QCOMPARE(clash.status, 409);
        const QJsonObject error = IntakeFixture::json(clash).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("idempotency_error"));
        QCOMPARE(error.value(QStringLiteral("param")).toString(), QStringLiteral("id"));
        QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QLatin1String("amount_minor")),
            qPrintable(error.value(QStringLiteral("message")).toString()));
        QCOMPARE(LedgerStore(*scratch.db()).get(QStringLiteral("gl-3"))->amountMinor, 100);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("conflict")).value_or(0), 1);
    }

    void aWrongTokenIs401_data() { ADD_BACKEND_ROWS(); }
    void aWrongTokenIs401()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply wrong
            = in.call("POST", kPath, body(entryJson(QStringLiteral("gl-4"))), QStringLiteral("rci_wrong"));
        QCOMPARE(wrong.status, 401);
        QCOMPARE(in.call("GET", kPath + QStringLiteral("/gl-4"), {}, QString()).status, 401);
        QCOMPARE(LedgerStore(*scratch.db()).count().value(), 0);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("unauthorized")).value_or(0), 2);
    }

    void refusalsNameTheField_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QString>("param");
        const QJsonObject good = entryJson(QStringLiteral("gl-r"));
        auto with = [&](const QString &key, const QJsonValue &value) {
            QJsonObject o = good;
            if (value.isUndefined())
                o.remove(key);
            else
                o.insert(key, value);
            return body(o);
        };
        for (const QString &b : TestSupport::backends()) {
            auto row = [&](const char *name) {
                return &QTest::newRow(qPrintable(b + QLatin1Char(':') + QLatin1String(name)));
            };
            *row("malformed JSON") << b << QByteArray("{\"id\": ") << QString();
            *row("missing id") << b << with(QStringLiteral("id"), QJsonValue::Undefined) << QStringLiteral("id");
            *row("missing amount") << b << with(QStringLiteral("amount_minor"), QJsonValue::Undefined)
                                   << QStringLiteral("amount_minor");
            *row("amount as text") << b << with(QStringLiteral("amount_minor"), QStringLiteral("25.99"))
                                   << QStringLiteral("amount_minor");
            *row("amount with a fraction")
                << b << with(QStringLiteral("amount_minor"), 25.5) << QStringLiteral("amount_minor");
            *row("bad date") << b << with(QStringLiteral("booked_on"), QStringLiteral("2.11.2026"))
                             << QStringLiteral("booked_on");
            *row("bad currency") << b << with(QStringLiteral("currency"), QStringLiteral("euro"))
                                 << QStringLiteral("currency");
            *row("unknown parameter") << b << with(QStringLiteral("amount"), 5) << QStringLiteral("amount");
            *row("entity without id") << b
                                      << with(QStringLiteral("entity"),
                                             QJsonObject { { QStringLiteral("type"), QStringLiteral("order") } })
                                      << QStringLiteral("entity[id]");
            *row("a booking's id") << b << with(QStringLiteral("id"), QStringLiteral("op:1:refund"))
                                   << QStringLiteral("id");
        }
    }
    void refusalsNameTheField()
    {
        QFETCH(QString, backend);
        QFETCH(QByteArray, request);
        QFETCH(QString, param);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply r = in.call("POST", kPath, request);
        QCOMPARE(r.status, 400);
        const QJsonObject error = IntakeFixture::json(r).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        QCOMPARE(error.value(QStringLiteral("param")).toString(), param);
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(LedgerStore(*scratch.db()).count().value(), 0);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("invalid")).value_or(0), 1);
    }
};

QTEST_GUILESS_MAIN(TestLedgerIntake)
#include "tst_ledgerintake.moc"
