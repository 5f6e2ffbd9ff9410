#pragma once

#include "store/Database.h"

#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// Shared helpers for the Qt Test suites: fresh databases on each backend.
namespace TestSupport {

// A setup step in a fixture or helper, where QVERIFY cannot return: a failure fails the test
// with the step's own message (results are [[nodiscard]], so none is dropped silently).
#define EXPECT_OK(...)                                                                                                 \
    do {                                                                                                               \
        const auto expectOkResult = (__VA_ARGS__);                                                                     \
        if (!expectOkResult)                                                                                           \
            QTest::qFail(                                                                                              \
                qPrintable(QStringLiteral(#__VA_ARGS__ ": ") + expectOkResult.message()), __FILE__, __LINE__);         \
    } while (false)

// "sqlite" always; "postgresql" when RECONSOLE_TEST_PG_URL names a server (the test command
// starts a throwaway cluster). With RECONSOLE_REQUIRE_PG=1 a missing server is a failure.
QStringList backends();
bool postgresRequired();

// A new, empty, migrated database on `backend`, removed again when the handle dies.
class ScratchDatabase
{
public:
    explicit ScratchDatabase(const QString &backend);
    ~ScratchDatabase();

    bool ok() const { return m_db != nullptr; }
    QString error() const { return m_error; }
    QString url() const { return m_url; }
    std::shared_ptr<Database> db() const { return m_db; }

private:
    QTemporaryDir m_dir;
    QString m_url;
    QString m_pgName;
    QString m_error;
    std::shared_ptr<Database> m_db;
};

} // namespace TestSupport

// Opens a scratch database or fails the test with the reason.
#define SCRATCH_DATABASE(var, backend)                                                                                 \
    TestSupport::ScratchDatabase var(backend);                                                                         \
    QVERIFY2(var.ok(), qPrintable(var.error()))

// In a data-driven test: one row per backend, skipping PostgreSQL only when it is not required.
#define ADD_BACKEND_ROWS()                                                                                             \
    do {                                                                                                               \
        QTest::addColumn<QString>("backend");                                                                          \
        for (const QString &b : TestSupport::backends())                                                               \
            QTest::newRow(qPrintable(b)) << b;                                                                         \
    } while (false)

// Tests that need the real keychain: skipped without a D-Bus session, failed when the test
// command promised one (RECONSOLE_REQUIRE_KEYCHAIN=1).
#define REQUIRE_SECRET_SERVICE()                                                                                       \
    do {                                                                                                               \
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {                                                 \
            if (qEnvironmentVariable("RECONSOLE_REQUIRE_KEYCHAIN") == QLatin1String("1"))                              \
                QFAIL("No D-Bus session: run the README's test command, which starts a Secret Service.");              \
            QSKIP("No Secret Service here; the README's test command starts one.");                                    \
        }                                                                                                              \
    } while (false)
