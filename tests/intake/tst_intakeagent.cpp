// Intake served by the agent as a process would run it: on its port, killed mid-stream, the
// PostgreSQL outbox claimed by two, and `reconsolectl ops submit`.
#include "IntakeFixture.h"

class TestIntakeAgent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outboxRowsBecomeOneOperationEachUnderTwoClaimers()
    {
        if (!TestSupport::backends().contains(QStringLiteral("postgresql")))
            QSKIP("The operation_requests outbox is PostgreSQL's; no server here.");
        SCRATCH_DATABASE(scratch, QStringLiteral("postgresql"));
        IntakeFixture in(*scratch.db());
        // A backend's own role: INSERT on the outbox, nothing else.
        QSqlQuery q(scratch.db()->connection());
        const QString role = QStringLiteral("intake_backend_%1").arg(QCoreApplication::applicationPid());
        QVERIFY(q.exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role)));
        QVERIFY2(q.exec(QStringLiteral("CREATE ROLE %1 NOLOGIN").arg(role)), qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("GRANT INSERT ON operation_requests TO %1").arg(role)));
        QVERIFY(q.exec(QStringLiteral("GRANT USAGE ON SEQUENCE operation_requests_id_seq TO %1").arg(role)));
        QVERIFY(q.exec(QStringLiteral("SET ROLE %1").arg(role)));
        const int rows = 400;
        QVERIFY(q.exec(QStringLiteral("BEGIN")));
        for (int i = 0; i < rows; ++i) {
            q.prepare(
                QStringLiteral("INSERT INTO operation_requests (action, provider, entity_type, entity_id, payload, "
                               "idempotency_key) VALUES (?, 'stripe-sandbox', 'order', ?, ?, ?)"));
            q.addBindValue(i == 7 ? QStringLiteral("teleport") : QStringLiteral("capture_payment"));
            q.addBindValue(QStringLiteral("ORD-%1").arg(i));
            q.addBindValue(
                QStringLiteral("{\"amount\": %1, \"currency\": \"eur\", \"payment_method\": \"pm_card_visa\"}")
                    .arg(100 + i));
            q.addBindValue(QStringLiteral("outbox-%1").arg(i));
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        QVERIFY(q.exec(QStringLiteral("COMMIT")));
        QVERIFY(!q.exec(QStringLiteral("SELECT COUNT(*) FROM operations"))); // the role reads nothing
        QVERIFY(q.exec(QStringLiteral("RESET ROLE")));

        // Two agents, each with its own connection, claiming at the same time.
        std::atomic<int> accepted { 0 }, rejected { 0 }, failures { 0 };
        auto claimer = [&](int n) {
            return QThread::create([&, n] {
                auto db = Database::open(scratch.url());
                if (!db) {
                    ++failures;
                    return;
                }
                // Everything network-side of its own too: an agent is a process of its own.
                QNetworkAccessManager network;
                HttpTransport transport(&network);
                MemoryKeychain keychain;
                ProviderRegistry registry(*db.value(), transport, keychain);
                IntakeService service(*db.value(), registry);
                IntakeOutbox outbox(*db.value(), service);
                for (;;) {
                    auto drained = outbox.drainOnce(QStringLiteral("agent-%1").arg(n), 7);
                    if (!drained) {
                        ++failures;
                        return;
                    }
                    if (drained->accepted + drained->rejected == 0)
                        return;
                    accepted += drained->accepted;
                    rejected += drained->rejected;
                }
            });
        };
        std::unique_ptr<QThread> a(claimer(1)), b(claimer(2));
        a->start();
        b->start();
        QVERIFY(a->wait(60000) && b->wait(60000));
        QCOMPARE(failures.load(), 0);
        QCOMPARE(accepted.load(), rows - 1);
        QCOMPARE(rejected.load(), 1);
        const Database &db = *scratch.db();
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM operations")), rows - 1);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(DISTINCT operation_id) FROM operation_requests")), rows - 1);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM operation_requests WHERE status = 'new'")), 0);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(DISTINCT processed_by) FROM operation_requests")), 2);
        QSqlQuery why(db.connection());
        QVERIFY(
            why.exec(QStringLiteral("SELECT error FROM operation_requests WHERE status = 'rejected'")) && why.next());
        QVERIFY2(why.value(0).toString().startsWith(QLatin1String("action:")), qPrintable(why.value(0).toString()));
        // A row again with a key already used for the same request is that operation, not another.
        QVERIFY(
            q.exec(QStringLiteral("INSERT INTO operation_requests (action, provider, entity_type, entity_id, payload, "
                                  "idempotency_key) SELECT action, provider, entity_type, entity_id, payload, "
                                  "idempotency_key FROM operation_requests WHERE idempotency_key = 'outbox-3'")));
        auto again = IntakeOutbox(db, in.service).drainOnce(QStringLiteral("agent-3"));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->accepted, 1);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM operations")), rows - 1);
        QCOMPARE(
            countOf(db,
                QStringLiteral(
                    "SELECT COUNT(DISTINCT operation_id) FROM operation_requests WHERE idempotency_key = 'outbox-3'")),
            1);
        QVERIFY(q.exec(QStringLiteral("DROP OWNED BY %1").arg(role)));
        QVERIFY(q.exec(QStringLiteral("DROP ROLE %1").arg(role)));
    }

    void servedOnTheAgentsPort_data() { ADD_BACKEND_ROWS(); }
    void servedOnTheAgentsPort()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        SandboxFixture fx(*scratch.db());
        QString token;
        fx.credentialService->createIntakeToken(QStringLiteral("backend"),
            [&](Result<CredentialService::IntakeToken> made) { token = made ? made->token : QString(); });
        QTRY_VERIFY(!token.isEmpty());
        Agent agent(*scratch.db(), fx.credentials, *fx.registry, *fx.service);
        Agent::Options options;
        options.port = 0;
        options.syncIntervalSeconds = 0;
        QVERIFY(agent.start(options));
        TestHttpClient http(agent.baseUrl());

        const TestReply posted = http.send(
            "POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("http-1")), token.toUtf8());
        QCOMPARE(posted.status, 202);
        const qint64 id = posted.json().value(QStringLiteral("id")).toInteger();
        QCOMPARE(posted.header("Location"), QByteArray("/v1/operations/") + QByteArray::number(id));
        // Started at once, not at the worker's next round.
        QTRY_COMPARE_WITH_TIMEOUT(http.send("GET", QStringLiteral("/v1/operations/%1").arg(id), {}, token.toUtf8())
                                      .json()
                                      .value(u"state")
                                      .toString(),
            QStringLiteral("succeeded"), 3000);
        QCOMPARE(fx.sandbox.chargesForKey(IntakeStore::operationKey(QStringLiteral("http-1"))), 1);
        const TestReply byKey
            = http.send("GET", QStringLiteral("/v1/operations?idempotency_key=http-1"), {}, token.toUtf8());
        QCOMPARE(byKey.status, 200);
        QCOMPARE(byKey.json().value(QStringLiteral("id")).toInteger(), id);
        QVERIFY(byKey.json().value(QStringLiteral("external_id")).toString().startsWith(QLatin1String("pi_")));

        QCOMPARE(http.send("POST", QStringLiteral("/v1/operations"), paymentBody(QStringLiteral("http-2")), "rci_nope")
                     .status,
            401);
        // Over 1 MiB: refused by the listener from Content-Length, before the body is sent.
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, QUrl(agent.baseUrl()).port());
        QVERIFY(raw.waitForConnected(5000));
        raw.write("POST /v1/operations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token.toUtf8()
            + "\r\nContent-Type: application/json\r\nContent-Length: 1048577\r\n\r\n{");
        QTRY_VERIFY(raw.bytesAvailable() > 12 || raw.waitForReadyRead(100));
        QCOMPARE(raw.readAll().mid(9, 3), QByteArray("413"));
        QCOMPARE(countOf(*scratch.db(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);

        // On PostgreSQL the agent also drains the outbox a backend writes to, and runs what it made.
        if (backend == QLatin1String("postgresql")) {
            QSqlQuery q(scratch.db()->connection());
            QVERIFY2(
                q.exec(QStringLiteral(
                    "INSERT INTO operation_requests (action, provider, entity_type, entity_id, payload, "
                    "idempotency_key) VALUES ('capture_payment', 'stripe-sandbox', 'order', 'ORD-ob', '{\"amount\": "
                    "700, \"currency\": \"eur\", \"payment_method\": \"pm_card_visa\"}', 'outbox-agent')")),
                qPrintable(q.lastError().text()));
            QTRY_COMPARE_WITH_TIMEOUT(
                http.send("GET", QStringLiteral("/v1/operations?idempotency_key=outbox-agent"), {}, token.toUtf8())
                    .json()
                    .value(u"state")
                    .toString(),
                QStringLiteral("succeeded"), 5000);
            QCOMPARE(countOf(*scratch.db(),
                         QStringLiteral("SELECT COUNT(*) FROM operation_requests WHERE status = 'accepted'")),
                1);
            QCOMPARE(fx.sandbox.chargesForKey(IntakeStore::operationKey(QStringLiteral("outbox-agent"))), 1);
        }
        // The webhook receiver is still there on the same port.
        QVERIFY(http.send("POST", QStringLiteral("/webhooks/stripe-sandbox"), "{}", {}).status != 202);
    }

    // A real `reconsolectl serve` killed (SIGKILL) while answering a stream of POSTs: every
    // operation it answered 202 is in the database afterwards, and sending the unanswered ones
    // again to a new agent makes each exactly once.
    void killDuringIntakeLosesNothingAnswered()
    {
        REQUIRE_SECRET_SERVICE();
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("agent.sqlite"));
        {
            auto created = Database::open(db);
            QVERIFY2(created, qPrintable(created.message()));
            ProviderConfig stripe { QStringLiteral("stripe-sandbox"), QStringLiteral("payments"),
                QStringLiteral("Payments sandbox"), QStringLiteral("http://127.0.0.1:9") };
            EXPECT_OK(ProviderStore(*created.value()).upsert(stripe));
        }
        const CtlRun made = ctl({ QStringLiteral("intake-token"), QStringLiteral("create"), QStringLiteral("--label"),
            QStringLiteral("backend"), QStringLiteral("--database"), db });
        QVERIFY2(made.code == 0, qPrintable(made.err));
        const QByteArray token = made.out.trimmed().toUtf8();
        QVERIFY(token.startsWith("rci_"));
        QVERIFY2(!made.err.contains(QString::fromUtf8(token)), "the token is printed once, on stdout only");

        constexpr int kOperations = 600;
        QList<QByteArray> bodies;
        for (int n = 0; n < kOperations; ++n)
            bodies << paymentBody(QStringLiteral("kill-%1").arg(n), 100 + n);
        QProcess agent;
        const QString url = startServe(agent, db);
        QVERIFY(!url.isEmpty());
        const Posted first = postAll(QUrl(url).port(), bodies, token, 16, [&](int answered) {
            if (answered == kOperations / 3)
                agent.kill();
        });
        agent.waitForFinished(10000); // false when it is gone already
        QCOMPARE(agent.state(), QProcess::NotRunning);
        QCOMPARE(agent.exitStatus(), QProcess::CrashExit);
        QList<int> unanswered;
        int accepted = 0;
        {
            auto opened = Database::open(db, {}, Database::IfMissing::Refuse);
            QVERIFY2(opened, qPrintable(opened.message()));
            for (int n = 0; n < kOperations; ++n) {
                QVERIFY2(first.status.at(n) == 0 || first.status.at(n) == 202,
                    qPrintable(QString::number(first.status.at(n))));
                if (first.status.at(n) != 202) {
                    unanswered << n;
                    continue;
                }
                ++accepted;
                auto stored = IntakeStore(*opened.value()).byClientKey(QStringLiteral("kill-%1").arg(n));
                QVERIFY2(stored, qPrintable(stored.message()));
                QCOMPARE(stored->operation.id, first.id.at(n));
            }
        }
        QVERIFY(accepted >= kOperations / 3);
        QVERIFY(!unanswered.isEmpty());

        QProcess restarted;
        const QString again = startServe(restarted, db);
        QVERIFY(!again.isEmpty());
        QList<QByteArray> rest;
        for (int n : std::as_const(unanswered))
            rest << bodies.at(n);
        const Posted second = postAll(QUrl(again).port(), rest, token, 16);
        for (int status : second.status)
            QCOMPARE(status, 202);
        restarted.terminate();
        QVERIFY(restarted.waitForFinished(10000));
        auto opened = Database::open(db, {}, Database::IfMissing::Refuse);
        QVERIFY2(opened, qPrintable(opened.message()));
        QCOMPARE(countOf(*opened.value(), QStringLiteral("SELECT COUNT(*) FROM operations")), kOperations);
        QCOMPARE(
            countOf(*opened.value(), QStringLiteral("SELECT COUNT(DISTINCT client_key) FROM operations")), kOperations);
    }

    // `reconsolectl ops submit` for scripts: the same checks and idempotency as the API.
    void opsSubmitFromTheCommandLine()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("ops.sqlite"));
        {
            auto created = Database::open(db);
            QVERIFY2(created, qPrintable(created.message()));
            ProviderConfig stripe { QStringLiteral("stripe-sandbox"), QStringLiteral("payments"),
                QStringLiteral("Payments sandbox"), QStringLiteral("http://127.0.0.1:9") };
            EXPECT_OK(ProviderStore(*created.value()).upsert(stripe));
        }
        QFile payload(dir.filePath(QStringLiteral("charge.json")));
        QVERIFY(payload.open(QIODevice::WriteOnly));
        payload.write(R"({"amount": 2599, "currency": "eur", "payment_method": "pm_card_visa"})");
        payload.close();
        auto submit = [&](const QString &payloadArg, const QString &action = QStringLiteral("capture_payment")) {
            return ctl({ QStringLiteral("ops"), QStringLiteral("submit"), QStringLiteral("--action"), action,
                QStringLiteral("--provider"), QStringLiteral("stripe-sandbox"), QStringLiteral("--entity"),
                QStringLiteral("order:ORD-7"), QStringLiteral("--payload"), payloadArg,
                QStringLiteral("--idempotency-key"), QStringLiteral("script-7"), QStringLiteral("--database"), db });
        };
        const CtlRun first = submit(QLatin1Char('@') + payload.fileName());
        QVERIFY2(first.code == 0, qPrintable(first.err));
        const QJsonObject op = QJsonDocument::fromJson(first.out.toUtf8()).object();
        QCOMPARE(op.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QCOMPARE(op.value(QStringLiteral("entity")).toObject().value(QStringLiteral("type")).toString(),
            QStringLiteral("order"));
        const CtlRun again
            = submit(QStringLiteral(R"({"currency":"eur","amount":2599,"payment_method":"pm_card_visa"})"));
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QCOMPARE(QJsonDocument::fromJson(again.out.toUtf8()).object().value(QStringLiteral("id")),
            op.value(QStringLiteral("id")));
        const CtlRun clash
            = submit(QStringLiteral(R"({"amount": 1, "currency": "eur", "payment_method": "pm_card_visa"})"));
        QCOMPARE(clash.code, 1);
        QVERIFY2(clash.err.contains(QLatin1String("idempotency_key")), qPrintable(clash.err));
        const CtlRun unknown = submit(QStringLiteral("{}"), QStringLiteral("teleport"));
        QCOMPARE(unknown.code, 1);
        QVERIFY2(unknown.err.contains(QLatin1String("action")), qPrintable(unknown.err));
        const CtlRun malformed = submit(QStringLiteral("{amount"));
        QCOMPARE(malformed.code, 2);
        auto opened = Database::open(db, {}, Database::IfMissing::Refuse);
        QVERIFY2(opened, qPrintable(opened.message()));
        QCOMPARE(countOf(*opened.value(), QStringLiteral("SELECT COUNT(*) FROM operations")), 1);
    }
};

QTEST_GUILESS_MAIN(TestIntakeAgent)
#include "tst_intakeagent.moc"
