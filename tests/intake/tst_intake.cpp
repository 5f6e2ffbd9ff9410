// The intake API as a backend calls it: accepted, the same key, 409, 401, each refusal naming its
// field, execution through the sandbox, and the OpenAPI document agreeing with the server.
#include "IntakeFixture.h"

class TestIntake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsAndAnswersById_data() { ADD_BACKEND_ROWS(); }
    void acceptsAndAnswersById()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QVERIFY(in.token.startsWith(QLatin1String("rci_")));

        const HttpReply posted = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-1")));
        QCOMPARE(posted.status, 202);
        const qint64 id = IntakeFixture::json(posted).value(QStringLiteral("id")).toInteger();
        QVERIFY(id > 0);
        QCOMPARE(IntakeFixture::header(posted, "Location"), QByteArray("/v1/operations/") + QByteArray::number(id));
        QCOMPARE(IntakeFixture::json(posted).value(QStringLiteral("state")).toString(), QStringLiteral("pending"));

        const HttpReply byId = in.call("GET", QStringLiteral("/v1/operations/%1").arg(id));
        QCOMPARE(byId.status, 200);
        const QJsonObject op = IntakeFixture::json(byId);
        QCOMPARE(op.value(QStringLiteral("idempotency_key")).toString(), QStringLiteral("k-1"));
        QCOMPARE(op.value(QStringLiteral("attempts")).toInt(), 0);
        QVERIFY(op.value(QStringLiteral("last_error")).isNull());
        QVERIFY(op.value(QStringLiteral("external_id")).isNull());
        QCOMPARE(op.value(QStringLiteral("entity")).toObject().value(QStringLiteral("id")).toString(),
            QStringLiteral("ORD-k-1"));

        const HttpReply byKey = in.call("GET", QStringLiteral("/v1/operations?idempotency_key=k-1"));
        QCOMPARE(byKey.status, 200);
        QCOMPARE(IntakeFixture::json(byKey).value(QStringLiteral("id")).toInteger(), id);
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations?idempotency_key=nope")).status, 404);
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations")).status, 400);
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations/999999")).status, 404);
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations/abc")).status, 404);
        // An operation made inside Reconsole is not the backend's to read.
        auto own = OperationStore(*scratch.db()).insert(SandboxFixture::payment(QStringLiteral("inside")));
        QVERIFY2(own, qPrintable(own.message()));
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations/%1").arg(own.value())).status, 404);
    }

    void sameKeySameBodyIsTheSameOperation_data() { ADD_BACKEND_ROWS(); }
    void sameKeySameBodyIsTheSameOperation()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply first = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-2")));
        const HttpReply again = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-2")));
        QCOMPARE(first.status, 202);
        QCOMPARE(again.status, 202);
        QCOMPARE(IntakeFixture::json(again).value(QStringLiteral("id")),
            IntakeFixture::json(first).value(QStringLiteral("id")));
        QCOMPARE(IntakeFixture::header(again, "Idempotent-Replayed"), QByteArray("true"));
        QVERIFY(IntakeFixture::header(first, "Idempotent-Replayed").isEmpty());
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);
    }

    void sameKeyOtherBodyIs409_data() { ADD_BACKEND_ROWS(); }
    void sameKeyOtherBodyIs409()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QCOMPARE(
            in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-3"), 100)).status, 202);
        const HttpReply clash
            = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-3"), 200));
        QCOMPARE(clash.status, 409);
        const QJsonObject error = IntakeFixture::json(clash).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("idempotency_error"));
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("conflict")).value_or(0), 1);
    }

    void wrongOrRevokedTokenIs401AndCounted_data() { ADD_BACKEND_ROWS(); }
    void wrongOrRevokedTokenIs401AndCounted()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply wrong = in.call(
            "POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-4")), QStringLiteral("rci_wrong"));
        QCOMPARE(wrong.status, 401);
        QCOMPARE(IntakeFixture::json(wrong)
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("type"))
                     .toString(),
            QStringLiteral("authentication_error"));
        QCOMPARE(in.call("GET", QStringLiteral("/v1/operations/1"), {}, QString()).status, 401);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("unauthorized")).value_or(0), 2);

        // Works, then is revoked (as another process would: the database says so) and stops.
        QCOMPARE(in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-5"))).status, 202);
        bool revoked = false;
        in.fx.credentialService->revoke(in.tokenId, QStringLiteral("leaked"), [&](Status s) {
            EXPECT_OK(s);
            revoked = true;
        });
        QTRY_VERIFY(revoked);
        QTest::qWait(1100); // the verdict is read again once a second, not per request
        QCOMPARE(in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-6"))).status, 401);
        QCOMPARE(IntakeStore(*scratch.db()).refusals(QStringLiteral("revoked_token")).value_or(0), 1);
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);
    }

    void tokenMadeLaterIsRead_data() { ADD_BACKEND_ROWS(); }
    void tokenMadeLaterIsRead()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QCOMPARE(in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-7"))).status, 202);
        QString second;
        in.fx.credentialService->createIntakeToken(QStringLiteral("billing"),
            [&](Result<CredentialService::IntakeToken> t) { second = t ? t->token : QString(); });
        QTRY_VERIFY(!second.isEmpty());
        QVERIFY(second != in.token);
        QCOMPARE(
            in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("k-8")), second).status, 202);
        // Never shown again, and never in a log line or a stored text.
        std::optional<Result<QString>> revealed;
        in.fx.credentialService->reveal(in.tokenId, [&](Result<QString> r) { revealed = r; });
        QTRY_VERIFY(revealed.has_value());
        QVERIFY(!revealed->ok());
        QVERIFY(!Redactor::redact(QStringLiteral("token=") + second).contains(second.mid(4)));
        QVERIFY(!CredentialStore(*scratch.db()).get(in.tokenId)->fingerprint.contains(in.token.mid(4, 8)));
    }

    void refusalsNameTheField_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("param");
        const QJsonObject good = QJsonDocument::fromJson(paymentBody(QStringLiteral("k-r"))).object();
        auto with = [&](const QString &key, const QJsonValue &value) {
            QJsonObject o = good;
            if (value.isUndefined())
                o.remove(key);
            else
                o.insert(key, value);
            return QJsonDocument(o).toJson(QJsonDocument::Compact);
        };
        for (const QString &b : TestSupport::backends()) {
            auto row = [&](const char *name) {
                return &QTest::newRow(qPrintable(b + QLatin1Char(':') + QLatin1String(name)));
            };
            *row("malformed JSON") << b << QByteArray("{\"action\": ") << 400 << QString();
            *row("not an object") << b << QByteArray("[1,2]") << 400 << QString();
            *row("missing action") << b << with(QStringLiteral("action"), QJsonValue::Undefined) << 400
                                   << QStringLiteral("action");
            *row("missing key") << b << with(QStringLiteral("idempotency_key"), QJsonValue::Undefined) << 400
                                << QStringLiteral("idempotency_key");
            *row("action not a string") << b << with(QStringLiteral("action"), 5) << 400 << QStringLiteral("action");
            *row("entity without id") << b
                                      << with(QStringLiteral("entity"),
                                             QJsonObject { { QStringLiteral("type"), QStringLiteral("order") } })
                                      << 400 << QStringLiteral("entity[id]");
            *row("payload not an object")
                << b << with(QStringLiteral("payload"), QStringLiteral("x")) << 400 << QStringLiteral("payload");
            *row("unknown parameter") << b << with(QStringLiteral("amount"), 5) << 400 << QStringLiteral("amount");
            *row("bad not_before") << b << with(QStringLiteral("not_before"), QStringLiteral("tomorrow")) << 400
                                   << QStringLiteral("not_before");
            *row("key too long") << b << with(QStringLiteral("idempotency_key"), QString(201, QLatin1Char('k'))) << 400
                                 << QStringLiteral("idempotency_key");
            *row("unknown provider") << b << with(QStringLiteral("provider"), QStringLiteral("paypal")) << 422
                                     << QStringLiteral("provider");
            *row("action the adapter has not") << b << with(QStringLiteral("action"), QStringLiteral("upsert_contact"))
                                               << 422 << QStringLiteral("action");
            *row("body over 1 MiB") << b << QByteArray((1 << 20) + 1, ' ') << 413 << QStringLiteral("body");
        }
    }
    void refusalsNameTheField()
    {
        QFETCH(QString, backend);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, param);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply r = in.call("POST", QStringLiteral("/v1/operations"), body);
        QCOMPARE(r.status, status);
        const QJsonObject error = IntakeFixture::json(r).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        QCOMPARE(error.value(QStringLiteral("param")).toString(), param);
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 0);
        QVERIFY(IntakeStore(*scratch.db())
                    .refusals(status == 413 ? QStringLiteral("too_large") : QStringLiteral("invalid"))
                    .value_or(0)
            == 1);
    }

    void aDisabledProviderIsRefused_data() { ADD_BACKEND_ROWS(); }
    void aDisabledProviderIsRefused()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        auto provider = ProviderStore(*scratch.db()).get(QStringLiteral("stripe-sandbox"));
        QVERIFY2(provider, qPrintable(provider.message()));
        ProviderConfig off = provider.value();
        off.enabled = false;
        EXPECT_OK(ProviderStore(*scratch.db()).upsert(off));
        const HttpReply r = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("off-1")));
        QCOMPARE(r.status, 422);
        const QJsonObject error = IntakeFixture::json(r).value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("param")).toString(), QStringLiteral("provider"));
        QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QLatin1String("disabled")),
            qPrintable(error.value(QStringLiteral("message")).toString()));
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 0);
    }

    void acceptedOperationsRunThroughTheSandbox_data() { ADD_BACKEND_ROWS(); }
    void acceptedOperationsRunThroughTheSandbox()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        const HttpReply now = in.call("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("run-1")));
        QJsonObject later = QJsonDocument::fromJson(paymentBody(QStringLiteral("run-2"))).object();
        later.insert(QStringLiteral("not_before"), QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate));
        const HttpReply deferred
            = in.call("POST", QStringLiteral("/v1/operations"), QJsonDocument(later).toJson(QJsonDocument::Compact));
        QCOMPARE(now.status, 202);
        QCOMPARE(deferred.status, 202);
        const qint64 id = IntakeFixture::json(now).value(QStringLiteral("id")).toInteger();

        in.fx.service->runDue(QStringLiteral("agent:test"));
        QTRY_COMPARE(in.fx.service->dueInFlight(), 0);
        const QJsonObject done = IntakeFixture::json(in.call("GET", QStringLiteral("/v1/operations/%1").arg(id)));
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(done.value(QStringLiteral("attempts")).toInt(), 1);
        QVERIFY(done.value(QStringLiteral("external_id")).toString().startsWith(QLatin1String("pi_")));
        // Sent once, under the operation's own key, journaled.
        QCOMPARE(in.fx.sandbox.chargesForKey(IntakeStore::operationKey(QStringLiteral("run-1"))), 1);
        QCOMPARE(in.fx.sandbox.totalCharges(), 1);
        QCOMPARE(OperationStore(*scratch.db()).attempts(id)->size(), 1);
        // Not before its time.
        const qint64 deferredId = IntakeFixture::json(deferred).value(QStringLiteral("id")).toInteger();
        QCOMPARE(OperationStore(*scratch.db()).get(deferredId)->state, OperationState::Pending);
        in.fx.service->runDue(QStringLiteral("agent:test"));
        QCOMPARE(in.fx.service->dueInFlight(), 0);
        QCOMPARE(in.fx.sandbox.totalCharges(), 1);
    }

    void aFailedAttemptIsReportedWithItsClass_data() { ADD_BACKEND_ROWS(); }
    void aFailedAttemptIsReportedWithItsClass()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        IntakeFixture in(*scratch.db());
        QJsonObject declined = QJsonDocument::fromJson(paymentBody(QStringLiteral("run-3"))).object();
        QJsonObject payload = declined.value(QStringLiteral("payload")).toObject();
        payload.insert(QStringLiteral("payment_method"), QStringLiteral("pm_card_chargeDeclinedInsufficientFunds"));
        declined.insert(QStringLiteral("payload"), payload);
        const HttpReply posted
            = in.call("POST", QStringLiteral("/v1/operations"), QJsonDocument(declined).toJson(QJsonDocument::Compact));
        QCOMPARE(posted.status, 202);
        in.fx.service->runDue(QStringLiteral("agent:test"));
        QTRY_COMPARE(in.fx.service->dueInFlight(), 0);
        const QJsonObject op = IntakeFixture::json(in.call("GET",
            QStringLiteral("/v1/operations/%1")
                .arg(IntakeFixture::json(posted).value(QStringLiteral("id")).toInteger())));
        QCOMPARE(op.value(QStringLiteral("state")).toString(), QStringLiteral("failed_permanent"));
        QCOMPARE(op.value(QStringLiteral("last_error")).toObject().value(QStringLiteral("class")).toString(),
            QStringLiteral("client"));
        QVERIFY(
            !op.value(QStringLiteral("last_error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
    }

    void documentAndServerAgree()
    {
        const QSet<QString> doc = documented(QStringLiteral(INTAKE_OPENAPI));
        QVERIFY2(!doc.isEmpty(), INTAKE_OPENAPI);
        const QSet<QString> server = served();
        QStringList onlyServer = QStringList(server.begin(), server.end());
        onlyServer.removeIf([&](const QString &s) { return doc.contains(s); });
        QStringList onlyDoc = QStringList(doc.begin(), doc.end());
        onlyDoc.removeIf([&](const QString &s) { return server.contains(s); });
        QVERIFY2(onlyServer.isEmpty(), qPrintable(QStringLiteral("not in the document: ") + onlyServer.join(u", ")));
        QVERIFY2(onlyDoc.isEmpty(), qPrintable(QStringLiteral("not served: ") + onlyDoc.join(u", ")));
    }
};

QTEST_GUILESS_MAIN(TestIntake)
#include "tst_intake.moc"
