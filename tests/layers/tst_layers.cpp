// The layer rules hold for this tree, and the check that says so catches each kind of breach.
#include "LayerCheck.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {
void write(const QString &root, const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(root + QLatin1Char('/') + path).path());
    QFile file(root + QLatin1Char('/') + path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

bool reported(const QStringList &violations, const QString &file, const QString &text)
{
    for (const QString &v : violations) {
        if (v.startsWith(file) && v.contains(text))
            return true;
    }
    return false;
}
} // namespace

class TestLayers : public QObject
{
    Q_OBJECT
private slots:
    void thisTreeKeepsTheRules()
    {
        const QStringList violations = LayerCheck::violations(QStringLiteral(RECONSOLE_SOURCE_DIR));
        if (!violations.isEmpty())
            qWarning().noquote() << violations.join(QLatin1Char('\n'));
        QCOMPARE(violations.size(), 0);
    }

    void aCleanTreePasses()
    {
        QTemporaryDir tree;
        write(tree.path(), QStringLiteral("models/store/Database.h"), "#pragma once\n#include <QSqlDatabase>\n");
        write(tree.path(), QStringLiteral("models/operations/OperationsModel.h"), "#include \"store/Database.h\"\n");
        write(tree.path(), QStringLiteral("integrations/operations/OperationService.h"),
            "#include \"operations/OperationsModel.h\"\n#include <QNetworkReply>\n");
        write(tree.path(), QStringLiteral("integrations/sandbox/SandboxServer.h"),
            "#include \"operations/OperationService.h\"\n");
        write(tree.path(), QStringLiteral("ui/operations/OperationsWorkspace.cpp"),
            "#include \"operations/OperationService.h\"\n#include \"operations/OperationsModel.h\"\n"
            "#include <QFontDatabase>\n");
        write(tree.path(), QStringLiteral("app/reconsole.cpp"),
            "#include \"sandbox/SandboxServer.h\"\n#include \"store/Database.h\"\n");
        write(tree.path(), QStringLiteral("app/CMakeLists.txt"),
            "target_link_libraries(reconsole_app PUBLIC reconsole_sandbox)\n");
        write(tree.path(), QStringLiteral("integrations/sandbox/CMakeLists.txt"),
            "target_link_libraries(reconsole_sandbox PUBLIC reconsole_integrations)\n");
        QCOMPARE(LayerCheck::violations(tree.path()), QStringList());
    }

    void eachBreachIsNamed()
    {
        QTemporaryDir tree;
        write(tree.path(), QStringLiteral("models/store/Database.h"), "#pragma once\n");
        write(tree.path(), QStringLiteral("models/operations/OperationStore.h"), "#pragma once\n");
        write(tree.path(), QStringLiteral("integrations/transport/HttpTransport.h"), "#pragma once\n");
        write(tree.path(), QStringLiteral("integrations/sandbox/SandboxServer.h"), "#pragma once\n");
        write(tree.path(), QStringLiteral("ui/shell/MainWindow.h"), "#pragma once\n");
        // models/ reaching up a layer, and for the network.
        write(tree.path(), QStringLiteral("models/operations/Runner.cpp"),
            "#include \"transport/HttpTransport.h\"\n#include \"shell/MainWindow.h\"\n#include <QNetworkReply>\n");
        // integrations/ reaching the ui and the sandbox, and running SQL.
        write(tree.path(), QStringLiteral("integrations/operations/Service.cpp"),
            "#include \"shell/MainWindow.h\"\n#include \"sandbox/SandboxServer.h\"\n#include <QSqlQuery>\n");
        // ui/ with SQL, HTTP, a store and the database.
        write(tree.path(), QStringLiteral("ui/operations/Workspace.cpp"),
            "#include <QSqlQuery>\n#include <QNetworkAccessManager>\n#include <QHttpServer>\n"
            "#include \"store/Database.h\"\n#include \"operations/OperationStore.h\"\n"
            "Workspace::Workspace(const Database &db) {}\n");
        // Certificate checks switched off, anywhere.
        write(tree.path(), QStringLiteral("integrations/transport/Tls.cpp"),
            "// never ignoreSslErrors in a comment is fine\nreply->ignoreSslErrors();\n");
        // app/ with its own SQL.
        write(tree.path(), QStringLiteral("app/ctl/OpsCommand.cpp"), "#include <QSqlQuery>\n");
        // A layer library linking the sandbox, and the top level doing it for one.
        write(tree.path(), QStringLiteral("ui/CMakeLists.txt"),
            "target_link_libraries(reconsole_ui PUBLIC reconsole_models\n    reconsole_sandbox Qt6::Widgets)\n");
        write(tree.path(), QStringLiteral("CMakeLists.txt"),
            "target_link_libraries(reconsole_models PUBLIC reconsole_sandbox)\n");

        const QStringList v = LayerCheck::violations(tree.path());
        QVERIFY2(reported(v, QStringLiteral("models/operations/Runner.cpp:1:"),
                     QStringLiteral("\"transport/HttpTransport.h\" from integrations/")),
            qPrintable(v.join('\n')));
        QVERIFY(reported(v, QStringLiteral("models/operations/Runner.cpp:2:"), QStringLiteral("from ui/")));
        QVERIFY(reported(v, QStringLiteral("models/operations/Runner.cpp:3:"), QStringLiteral("<QNetworkReply>")));
        QVERIFY(reported(v, QStringLiteral("integrations/operations/Service.cpp:1:"), QStringLiteral("from ui/")));
        QVERIFY(reported(
            v, QStringLiteral("integrations/operations/Service.cpp:2:"), QStringLiteral("from integrations/sandbox/")));
        QVERIFY(reported(
            v, QStringLiteral("integrations/operations/Service.cpp:3:"), QStringLiteral("SQL belongs in models/")));
        QVERIFY(
            reported(v, QStringLiteral("ui/operations/Workspace.cpp:1:"), QStringLiteral("SQL belongs in models/")));
        QVERIFY(reported(
            v, QStringLiteral("ui/operations/Workspace.cpp:2:"), QStringLiteral("HTTP belongs in integrations/")));
        QVERIFY(reported(v, QStringLiteral("ui/operations/Workspace.cpp:3:"), QStringLiteral("<QHttpServer>")));
        QVERIFY(reported(v, QStringLiteral("ui/operations/Workspace.cpp:4:"), QStringLiteral("builds no store")));
        QVERIFY(reported(v, QStringLiteral("ui/operations/Workspace.cpp:5:"), QStringLiteral("builds no store")));
        QVERIFY(reported(v, QStringLiteral("ui/operations/Workspace.cpp:6:"), QStringLiteral("never the database")));
        QVERIFY(reported(v, QStringLiteral("app/ctl/OpsCommand.cpp:1:"), QStringLiteral("SQL belongs in models/")));
        QVERIFY(reported(v, QStringLiteral("ui/CMakeLists.txt"), QStringLiteral("links reconsole_sandbox")));
        QVERIFY(reported(v, QStringLiteral("CMakeLists.txt"), QStringLiteral("links reconsole_sandbox")));
        QVERIFY(reported(v, QStringLiteral("integrations/transport/Tls.cpp:2:"), QStringLiteral("ignores SSL errors")));
        QCOMPARE(v.size(), 16);
    }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
