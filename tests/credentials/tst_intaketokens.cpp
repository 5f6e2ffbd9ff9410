// The Credentials workspace makes an intake token for an admin, shows it once with a Copy
// button, and revokes it; the token it showed is the one the intake API takes.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "credentials/CredentialStore.h"
#include "credentials/CredentialsModel.h"
#include "credentials/CredentialsWorkspace.h"
#include "intake/IntakeTokens.h"
#include "shell/Prompts.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>

#include <optional>

class TestIntakeTokens : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup() { Prompts::setTestHooks({}); }

    void createShowsTheTokenOnceAndRevokes()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture fx(db);
        CredentialsModel model(db);
        QObject::connect(
            fx.credentialService.get(), &CredentialService::credentialsChanged, &model, [&model] { model.reload(); });
        CredentialsWorkspace workspace(model, *fx.credentialService, *fx.registry, fx.access);
        workspace.show();

        Prompts::setTestHooks({ [](const QString &) { return QStringLiteral("billing backend"); }, {} });
        auto *make = workspace.findChild<QAction *>(QStringLiteral("intakeTokenAction"));
        QVERIFY(make && make->isEnabled());
        make->trigger();
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = workspace.findChild<QDialog *>(QStringLiteral("intakeTokenDialog"))));
        const QString token = dialog->findChild<QLineEdit *>(QStringLiteral("intakeTokenField"))->text();
        QVERIFY(token.startsWith(QLatin1String("rci_")));
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("copyIntakeToken")), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), token);

        Credential made;
        for (const Credential &c : CredentialStore(db).all().value_or({}))
            if (c.kind == QLatin1String("intake-token"))
                made = c;
        QCOMPARE(made.label, QStringLiteral("billing backend"));
        QVERIFY(!made.fingerprint.contains(token.mid(4, 8)));
        IntakeTokens tokens(db, fx.credentials);
        std::optional<Result<QString>> checked;
        tokens.check("Bearer " + token.toUtf8(), [&](Result<QString> r) { checked = r; });
        QTRY_VERIFY(checked.has_value());
        QCOMPARE(checked->value_or(QString()), made.id);

        // Selected, it cannot be revealed, copied, verified or rotated: only revoked.
        auto *table = workspace.findChild<QTableView *>(QStringLiteral("credentialsTable"));
        QTRY_VERIFY(model.rowOf(made.id) >= 0);
        table->selectRow(model.rowOf(made.id));
        for (const char *name : { "revealAction", "copyAction", "verifyAction", "rotateAction" })
            QVERIFY2(!workspace.findChild<QAction *>(QLatin1String(name))->isEnabled(), name);
        auto *revoke = workspace.findChild<QAction *>(QStringLiteral("revokeAction"));
        QVERIFY(revoke->isEnabled());
        Prompts::setTestHooks({ [](const QString &) { return QStringLiteral("rotated out"); }, {} });
        revoke->trigger();
        QTRY_VERIFY(CredentialStore(db).get(made.id)->isRevoked());
        checked.reset();
        IntakeTokens fresh(db, fx.credentials);
        fresh.check("Bearer " + token.toUtf8(), [&](Result<QString> r) { checked = r; });
        QTRY_VERIFY(checked.has_value());
        QVERIFY(!checked->ok());
    }
};

QTEST_MAIN(TestIntakeTokens)
#include "tst_intaketokens.moc"
