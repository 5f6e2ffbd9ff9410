// TLS to providers, for real: a local HTTPS server (QSslServer) with certificates made here by
// openssl. Verification uses the system store plus the provider's extra CA, never less; a refused
// certificate is its own error class, says host, reason and remedy, and is never retried.
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "keychain/Keychain.h"
#include "operations/OperationRunner.h"
#include "operations/OperationStore.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderService.h"
#include "providers/ProviderStore.h"
#include "providers/RetryPolicy.h"
#include "transport/HttpTransport.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

namespace {
// A certificate and its key, made by openssl in a temporary directory.
struct Pki
{
    QByteArray cert;
    QByteArray key;
};

bool openssl(const QStringList &args, const QString &dir)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("openssl"), args);
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

Pki readPki(const QString &dir, const QString &cert, const QString &key)
{
    QFile c(dir + QLatin1Char('/') + cert), k(dir + QLatin1Char('/') + key);
    if (!c.open(QIODevice::ReadOnly) || !k.open(QIODevice::ReadOnly))
        return {};
    return { c.readAll(), k.readAll() };
}

// Self-signed for `san` (e.g. "IP:127.0.0.1"), valid now.
Pki selfSigned(const QTemporaryDir &dir, const QString &name, const QString &cn, const QString &san)
{
    const QString cert = name + QStringLiteral(".crt"), key = name + QStringLiteral(".key");
    if (!openssl(
            { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                QStringLiteral("/CN=") + cn, QStringLiteral("-addext"), QStringLiteral("subjectAltName=") + san,
                QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert },
            dir.path()))
        return {};
    return readPki(dir.path(), cert, key);
}

// Self-signed for 127.0.0.1 but valid only in January 2020: `openssl req` cannot date a
// certificate in the past, `openssl ca -selfsign` with -startdate/-enddate can.
Pki expired(const QTemporaryDir &dir)
{
    const QString d = dir.path();
    QDir(d).mkpath(QStringLiteral("ca"));
    QFile(d + QStringLiteral("/ca/index.txt")).open(QIODevice::WriteOnly);
    QFile serial(d + QStringLiteral("/ca/serial"));
    if (!serial.open(QIODevice::WriteOnly) || serial.write("01\n") < 0)
        return {};
    serial.close();
    QFile config(d + QStringLiteral("/ca.cnf"));
    if (!config.open(QIODevice::WriteOnly)
        || config.write("[ca]\ndefault_ca=c\n[c]\ndatabase=ca/index.txt\nnew_certs_dir=ca\nserial=ca/serial\n"
                        "default_md=sha256\npolicy=p\nx509_extensions=e\n[p]\ncommonName=supplied\n"
                        "[e]\nsubjectAltName=IP:127.0.0.1\nbasicConstraints=CA:TRUE\n")
            < 0)
        return {};
    config.close();
    if (!openssl(
            { QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-keyout"),
                QStringLiteral("old.key"), QStringLiteral("-out"), QStringLiteral("old.csr") },
            d)
        || !openssl(
            { QStringLiteral("ca"), QStringLiteral("-batch"), QStringLiteral("-config"), QStringLiteral("ca.cnf"),
                QStringLiteral("-selfsign"), QStringLiteral("-keyfile"), QStringLiteral("old.key"),
                QStringLiteral("-in"), QStringLiteral("old.csr"), QStringLiteral("-out"), QStringLiteral("old.crt"),
                QStringLiteral("-notext"), QStringLiteral("-startdate"), QStringLiteral("20200101000000Z"),
                QStringLiteral("-enddate"), QStringLiteral("20200201000000Z") },
            d))
        return {};
    return readPki(d, QStringLiteral("old.crt"), QStringLiteral("old.key"));
}

// A Stripe-shaped HTTPS endpoint on 127.0.0.1: every request that gets through the handshake is
// counted and answered with a succeeded PaymentIntent.
class HttpsServer : public QObject
{
public:
    explicit HttpsServer(const Pki &pki)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(QSslCertificate(pki.cert, QSsl::Pem));
        tls.setPrivateKey(QSslKey(pki.key, QSsl::Rsa, QSsl::Pem));
        tls.setPeerVerifyMode(QSslSocket::VerifyNone); // the server asks no client certificate
        m_server.setSslConfiguration(tls);
        QObject::connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (auto *socket = qobject_cast<QSslSocket *>(m_server.nextPendingConnection()))
                serve(socket);
        });
        m_listening = m_server.listen(QHostAddress::LocalHost);
    }

    bool listening() const { return m_listening; }
    QString baseUrl() const { return QStringLiteral("https://127.0.0.1:%1").arg(m_server.serverPort()); }
    int requests() const { return m_requests; }

private:
    void serve(QSslSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QSslSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            qsizetype length = 0;
            for (const QByteArray &line : buffer->left(end).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer->size() < end + 4 + length)
                return;
            buffer->clear();
            ++m_requests;
            const QByteArray body = R"({"id":"pi_tls_1","object":"payment_intent","status":"succeeded"})";
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        });
    }

    QSslServer m_server;
    bool m_listening = false;
    int m_requests = 0;
};

HttpResponse sendTo(const QString &url, const QByteArray &extraCa)
{
    QNetworkAccessManager network;
    HttpTransport transport(&network);
    HttpRequest request;
    request.url = QUrl(url + QStringLiteral("/v1/payment_intents/pi_tls_1"));
    request.bucket = QStringLiteral("corp-stripe");
    request.timeoutMs = 10000;
    request.extraCaPem = extraCa;
    std::optional<HttpResponse> response;
    transport.send(request, [&](const HttpResponse &r) { response = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(response.has_value(), 15000); }();
    return response.value_or(HttpResponse {});
}
} // namespace

class TestTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend here");
        QVERIFY(m_dir.isValid());
        m_local
            = selfSigned(m_dir, QStringLiteral("local"), QStringLiteral("127.0.0.1"), QStringLiteral("IP:127.0.0.1"));
        QVERIFY2(!m_local.cert.isEmpty(), "openssl could not make a certificate");
    }

    void refusedWithoutExtraCa()
    {
        HttpsServer server(m_local);
        QVERIFY(server.listening());
        const HttpResponse r = sendTo(server.baseUrl(), {});
        QCOMPARE(r.transportError, ErrorClass::Certificate);
        QCOMPARE(r.status, 0);
        QVERIFY(!r.mayHaveArrived);
        QCOMPARE(server.requests(), 0); // refused in the handshake: nothing was sent
        QVERIFY2(r.transportMessage.contains(QLatin1String("127.0.0.1")), qPrintable(r.transportMessage));
        QVERIFY2(r.transportMessage.contains(QLatin1String("self-signed")), qPrintable(r.transportMessage));
        QVERIFY2(r.transportMessage.contains(QLatin1String("providers edit corp-stripe --extra-ca")),
            qPrintable(r.transportMessage));
        QVERIFY(!RetryPolicy::retriableClasses().contains(r.transportError));
    }

    void acceptedWithExtraCa()
    {
        HttpsServer server(m_local);
        const HttpResponse r = sendTo(server.baseUrl(), m_local.cert);
        QVERIFY2(r.transportError == ErrorClass::None, qPrintable(r.transportMessage));
        QCOMPARE(r.status, 200);
        QCOMPARE(server.requests(), 1);
        // Another provider's CA does not vouch for this server: trust is per request.
        const Pki other
            = selfSigned(m_dir, QStringLiteral("other"), QStringLiteral("127.0.0.1"), QStringLiteral("IP:127.0.0.1"));
        QCOMPARE(sendTo(server.baseUrl(), other.cert).transportError, ErrorClass::Certificate);
        QCOMPARE(server.requests(), 1);
    }

    // The extra CA is trusted besides the system store, never instead of it.
    void extraCaAddsToTheSystemStore()
    {
        const QList<QSslCertificate> system = QSslConfiguration::systemCaCertificates();
        QVERIFY2(!system.isEmpty(), "this machine has no system CA store to add to");
        const QSslConfiguration tls = HttpTransport::trustWith(m_local.cert);
        QCOMPARE(tls.caCertificates().size(), system.size() + 1);
        QVERIFY(tls.caCertificates().contains(QSslCertificate(m_local.cert, QSsl::Pem)));
        QVERIFY(tls.caCertificates().contains(system.first()));
        QCOMPARE(tls.peerVerifyMode(), QSslSocket::VerifyPeer);
    }

    void wrongHost()
    {
        const Pki elsewhere = selfSigned(m_dir, QStringLiteral("elsewhere"), QStringLiteral("api.example.com"),
            QStringLiteral("DNS:api.example.com"));
        HttpsServer server(elsewhere);
        const HttpResponse r = sendTo(server.baseUrl(), elsewhere.cert); // trusted, but for another name
        QCOMPARE(r.transportError, ErrorClass::Certificate);
        QCOMPARE(server.requests(), 0);
        QVERIFY2(r.transportMessage.contains(QLatin1String("is for api.example.com, not for 127.0.0.1 (wrong host)")),
            qPrintable(r.transportMessage));
    }

    void expiredCertificate()
    {
        const Pki old = expired(m_dir);
        QVERIFY2(!old.cert.isEmpty(), "openssl ca could not date a certificate in the past");
        HttpsServer server(old);
        const HttpResponse r = sendTo(server.baseUrl(), old.cert);
        QCOMPARE(r.transportError, ErrorClass::Certificate);
        QCOMPARE(server.requests(), 0);
        QVERIFY2(r.transportMessage.contains(QLatin1String("expired on 2020-02-01")), qPrintable(r.transportMessage));
    }

    // Through the runner: refused once, the operation waits for a person (no retry, no
    // schedule); with the CA added to the provider the same operation goes through.
    void runnerNeverRetriesACertificateFailure_data() { ADD_BACKEND_ROWS(); }
    void runnerNeverRetriesACertificateFailure()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        HttpsServer server(m_local);
        ProviderConfig p;
        p.id = QStringLiteral("corp-stripe");
        p.kind = QStringLiteral("payments");
        p.displayName = QStringLiteral("Stripe through the company proxy");
        p.baseUrl = server.baseUrl();
        p.credentialId = QStringLiteral("corp-key");
        EXPECT_OK(ProviderStore(db).upsert(p));
        MemoryKeychain keys;
        keys.write(QStringLiteral("corp-key"), QStringLiteral("sk_test_tls_000000000000004242"), [](Status) {});
        QNetworkAccessManager network;
        HttpTransport transport(&network);
        ProviderRegistry registry(db, transport, keys);
        InPlaceRetries quick;
        quick.baseDelayMs = 10;
        quick.maxDelayMs = 20;
        OperationRunner runner(db, registry, quick);
        OperationStore store(db);
        Operation op;
        op.action = QStringLiteral("capture_payment");
        op.entityType = QStringLiteral("order");
        op.entityId = QStringLiteral("ORD-TLS");
        op.providerId = p.id;
        op.payload = { { QStringLiteral("amount"), 1200 }, { QStringLiteral("currency"), QStringLiteral("eur") },
            { QStringLiteral("payment_method"), QStringLiteral("pm_card_visa") } };
        op.idempotencyKey = QStringLiteral("tls-1");
        const qint64 id = store.insert(op).value();

        auto run = [&] {
            std::optional<Result<Operation>> result;
            runner.run(id, QStringLiteral("tester"), [&](Result<Operation> r) { result = r; });
            [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000); }();
            return result.value_or(Result<Operation>(failure(ErrorClass::None, QStringLiteral("no answer"))));
        };
        const auto refused = run();
        QVERIFY(!refused);
        QCOMPARE(refused.error().errorClass, ErrorClass::Certificate);
        const Operation after = store.get(id).value();
        QCOMPARE(after.state, OperationState::NeedsAttention);
        QCOMPARE(after.attempts, 1); // tried once, not three times in place
        QCOMPARE(after.nextAttemptAt, qint64(0)); // and not scheduled for the agent either
        QCOMPARE(after.lastErrorClass, ErrorClass::Certificate);
        QVERIFY2(after.lastError.contains(QLatin1String("--extra-ca")), qPrintable(after.lastError));
        QCOMPARE(store.attempts(id)->size(), 1);
        QCOMPARE(server.requests(), 0);

        AccessPolicy admin({ Role::Admin }, QStringLiteral("admin"));
        ProviderService providers(db, admin);
        ProviderConfig trusted = providers.get(p.id).value();
        trusted.extraCaPem = QString::fromLatin1(m_local.cert);
        EXPECT_OK(providers.edit(trusted));
        const auto sent = run();
        QVERIFY2(sent, qPrintable(sent.message()));
        QCOMPARE(sent->state, OperationState::Succeeded);
        QCOMPARE(sent->externalId, QStringLiteral("pi_tls_1"));
        QCOMPARE(server.requests(), 1);
    }

    // A lost answer is looked up before any resend; a refused certificate stops the lookup too,
    // saying what to fix rather than "try again later", and leaves the outcome unknown.
    void lookupRefusedLeavesTheOutcomeUnknown()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        HttpsServer server(m_local);
        ProviderConfig p;
        p.id = QStringLiteral("corp-stripe");
        p.kind = QStringLiteral("payments");
        p.displayName = p.id;
        p.baseUrl = server.baseUrl();
        p.credentialId = QStringLiteral("corp-key");
        EXPECT_OK(ProviderStore(db).upsert(p));
        MemoryKeychain keys;
        keys.write(QStringLiteral("corp-key"), QStringLiteral("sk_test_tls_000000000000004242"), [](Status) {});
        QNetworkAccessManager network;
        HttpTransport transport(&network);
        ProviderRegistry registry(db, transport, keys);
        OperationRunner runner(db, registry);
        OperationStore store(db);
        Operation op;
        op.action = QStringLiteral("capture_payment");
        op.entityType = QStringLiteral("order");
        op.entityId = QStringLiteral("ORD-LOST");
        op.providerId = p.id;
        op.payload = { { QStringLiteral("amount"), 1200 }, { QStringLiteral("currency"), QStringLiteral("eur") } };
        op.idempotencyKey = QStringLiteral("tls-lost");
        op.state = OperationState::UnknownOutcome;
        const qint64 id = store.insert(op).value();
        std::optional<Result<Operation>> result;
        runner.run(id, QStringLiteral("tester"), [&](Result<Operation> r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000);
        QVERIFY(!*result);
        QCOMPARE(result->error().errorClass, ErrorClass::Certificate);
        QVERIFY2(!result->message().contains(QLatin1String("try again later")), qPrintable(result->message()));
        QVERIFY(result->message().contains(QLatin1String("--extra-ca")));
        QCOMPARE(store.get(id)->state, OperationState::UnknownOutcome);
        QCOMPARE(server.requests(), 0);
    }

private:
    QTemporaryDir m_dir;
    Pki m_local;
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
