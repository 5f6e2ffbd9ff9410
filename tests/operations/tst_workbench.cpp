// The workbench as support staff use it (offscreen): filter to failed operations, retry one
// against the sandbox, resolve another with a reason.
#include "ConsoleParts.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "credentials/AddCredentialDialog.h"
#include "credentials/CredentialsModel.h"
#include "credentials/CredentialsWorkspace.h"
#include "operations/OperationsModel.h"
#include "operations/OperationsQuery.h"
#include "operations/OperationsWorkspace.h"
#include "records/DiffWorkspace.h"
#include "sandbox/DemoData.h"
#include "shell/MainWindow.h"
#include "shell/Prompts.h"
#include "timeline/TimelineModel.h"
#include "timeline/TimelineWorkspace.h"

#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

class TestWorkbench : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void filterRetryResolve()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        OperationStore store(db);
        QVERIFY(store.insertMany(DemoData().operations(400)));
        // One operation the sandbox will accept, waiting for a retry after a rate limit.
        Operation limited = SandboxFixture::payment(QStringLiteral("gui-retry"));
        limited.state = OperationState::RetryScheduled;
        limited.lastErrorClass = ErrorClass::RateLimited;
        limited.lastError = QStringLiteral("Rate limited by the provider: safe to retry.");
        limited.createdAt = nowMs() + 1000; // newest: first row
        const qint64 retryId = store.insert(limited).value();

        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        OperationsWorkspace *workspace = window.operationsWorkspace();
        OperationsModel *model = workspace->model();
        auto *table = window.findChild<QTableView *>(QStringLiteral("operationsTable"));
        auto *stateFilter = window.findChild<QComboBox *>(QStringLiteral("stateFilter"));
        auto *retry = window.findChild<QPushButton *>(QStringLiteral("retryButton"));
        auto *resolve = window.findChild<QPushButton *>(QStringLiteral("resolveButton"));
        auto *message = window.findChild<QLabel *>(QStringLiteral("actionMessage"));
        QVERIFY(table && stateFilter && retry && resolve && message);
        QTRY_VERIFY(model->isReady());
        QCOMPARE(model->rowCount(), 401);

        // Filter to everything needing action.
        stateFilter->setCurrentIndex(stateFilter->findData(-2));
        QTRY_VERIFY(model->isReady() && model->rowCount() < 401 && model->rowCount() > 0);
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(OperationStates::needingAction().contains(
                static_cast<OperationState>(model->data(model->index(row, 0), OperationsModel::StateRole).toInt())));

        // Retry the rate-limited one.
        QCOMPARE(model->operationIdAt(0), retryId);
        QVERIFY(!retry->isEnabled());
        table->selectRow(0);
        QVERIFY(retry->isEnabled());
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QLatin1String("1 of 1 retried successfully")), 15000);
        QCOMPARE(store.get(retryId)->state, OperationState::Succeeded);
        QCOMPARE(f.sandbox.chargesForKey(QStringLiteral("gui-retry")), 1);
        // It no longer needs action, so it leaves the filtered list.
        QTRY_VERIFY(model->isReady() && model->operationIdAt(0) != retryId);

        // Resolve a declined one with a reason, answered through the dialog hook.
        int declinedRow = -1;
        for (int row = 0; row < model->rowCount() && declinedRow < 0; ++row) {
            if (model->data(model->index(row, 0), OperationsModel::StateRole).toInt()
                == static_cast<int>(OperationState::FailedPermanent))
                declinedRow = row;
        }
        QVERIFY(declinedRow >= 0);
        const qint64 declinedId = model->operationIdAt(declinedRow);
        table->clearSelection();
        table->selectRow(declinedRow);
        Prompts::setTestHooks({ [](const QString &) { return QStringLiteral("Customer paid by bank transfer"); }, {} });
        QTest::mouseClick(resolve, Qt::LeftButton);
        Prompts::setTestHooks({});
        QTRY_VERIFY(message->text().contains(QLatin1String("resolved")));
        const Operation resolved = store.get(declinedId).value();
        QCOMPARE(resolved.state, OperationState::Resolved);
        QCOMPARE(resolved.resolution, QStringLiteral("Customer paid by bank transfer"));
        QCOMPARE(resolved.resolvedBy, QStringLiteral("tester"));
        const auto audit = AuditLog(db).entriesFor(QStringLiteral("operation:%1").arg(declinedId)).value();
        QCOMPARE(audit.size(), 1);
        QCOMPARE(audit.first().action, QStringLiteral("operation.resolve"));
        QCOMPARE(AuditLog(db).verify()->firstBrokenId, 0);
    }

    // A column the store cannot sort by (Amount) does not pretend to: the indicator stays put.
    void unsortableColumnKeepsTheIndicator()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(50)));
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        auto *table = window.findChild<QTableView *>(QStringLiteral("operationsTable"));
        QVERIFY(table);
        QHeaderView *header = table->horizontalHeader();
        const int state = static_cast<int>(OperationsColumn::State);
        const int amount = static_cast<int>(OperationsColumn::Amount);
        QVERIFY(!OperationsQuery::isSortable(OperationsColumn::Amount));
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(state) + header->sectionSize(state) / 2, header->height() / 2));
        QCOMPARE(header->sortIndicatorSection(), state);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(amount) + header->sectionSize(amount) / 2, header->height() / 2));
        QCOMPARE(header->sortIndicatorSection(), state);
    }

    void declinedRetryExplainsWhy()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        Operation declined
            = SandboxFixture::payment(QStringLiteral("gui-declined"), QStringLiteral("pm_card_chargeDeclined"));
        declined.state = OperationState::FailedPermanent;
        declined.lastErrorClass = ErrorClass::Client;
        declined.lastError
            = QStringLiteral("Card declined (insufficient funds): retrying will not help; contact the customer.");
        EXPECT_OK(store.insert(declined));
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f));
        window.show();
        auto *table = window.findChild<QTableView *>(QStringLiteral("operationsTable"));
        auto *message = window.findChild<QLabel *>(QStringLiteral("actionMessage"));
        QTRY_VERIFY(window.operationsWorkspace()->model()->isReady());
        table->selectRow(0);
        // Retry is not offered for a decline, and the button says why before anyone clicks.
        auto *retry = window.findChild<QPushButton *>(QStringLiteral("retryButton"));
        QVERIFY(!retry->isEnabled());
        QVERIFY2(retry->toolTip().contains(QLatin1String("retrying will not help")), qPrintable(retry->toolTip()));
        // The engine refuses it as well, for callers that do not go through the button.
        window.operationsWorkspace()->retrySelected();
        QTRY_VERIFY(message->text().contains(QLatin1String("retrying will not help")));
        QCOMPARE(f.sandbox.requestCount(), 0);
    }

    // The detail pane shows every field whole: nested payload values as JSON, long values
    // wrapped and scrollable rather than cut, and all of it selectable to copy.
    void detailShowsEveryFieldWhole()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        Operation op = SandboxFixture::payment(QStringLiteral("gui-detail"));
        op.payload.insert(QStringLiteral("description"), QStringLiteral("Order ORD-gui-detail (gift wrapped)"));
        op.payload.insert(QStringLiteral("metadata"),
            QJsonObject { { QStringLiteral("order"), QStringLiteral("ORD-gui-detail") },
                { QStringLiteral("customer_email"), QStringLiteral("ann_keller@example.com") } });
        op.state = OperationState::NeedsAttention;
        op.lastErrorClass = ErrorClass::Server;
        op.lastError
            = QStringLiteral("The provider answered 502 Bad Gateway five times in a row; "
                             "https://status.example.com/incidents/2026-12-01-payment-intents-degraded says why.");
        auto id = OperationStore(*scratch.db()).insert(op);
        QVERIFY(id);
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f));
        window.resize(1366, 768);
        window.show();
        QTRY_VERIFY(window.operationsWorkspace()->model()->isReady());
        window.operationsWorkspace()->selectOperation(id.value());

        auto *payload = window.findChild<QPlainTextEdit *>(QStringLiteral("detailPayload"));
        QVERIFY(payload);
        const QString shown = payload->toPlainText();
        for (const QString &key : op.payload.keys())
            QVERIFY2(
                shown.contains(key + QStringLiteral(": ")), qPrintable(key + QStringLiteral(" missing in ") + shown));
        QVERIFY(shown.contains(QLatin1String("\"customer_email\":\"ann_keller@example.com\"")));
        QVERIFY(shown.contains(QLatin1String("amount: 2599")));
        QVERIFY(payload->isReadOnly());
        QCOMPARE(payload->wordWrapMode(), QTextOption::WrapAtWordBoundaryOrAnywhere);

        auto *error = window.findChild<QLabel *>(QStringLiteral("detailError"));
        QVERIFY(error->text().endsWith(QLatin1String("says why.")));
        QVERIFY(error->wordWrap());
        QVERIFY(error->textInteractionFlags() & Qt::TextSelectableByKeyboard);
        // What does not fit scrolls: the fields sit in a scroll area that never cuts them sideways.
        auto *fields = window.findChild<QScrollArea *>(QStringLiteral("detailFields"));
        QVERIFY(fields && fields->widgetResizable());
        QVERIFY(fields->isAncestorOf(error));
        QCOMPARE(fields->horizontalScrollBarPolicy(), Qt::ScrollBarAlwaysOff);
    }

    // An admin adds a key through the dialog (masked field, prefix checked) and verifies it.
    void addAndVerifyCredential()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        const QString key = QStringLiteral("sk_test_guiAddedKey_98765");
        f.sandbox.setAcceptedKeys({ key });
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f));
        window.show();
        window.showWorkspace(QStringLiteral("Credentials"));
        CredentialsWorkspace *workspace = window.credentialsWorkspace();
        QVERIFY(workspace->isVisible());
        auto *add = workspace->findChild<QPushButton *>(QStringLiteral("addCredentialButton"));
        auto *verify = workspace->findChild<QPushButton *>(QStringLiteral("verifyButton"));
        auto *table = workspace->findChild<QTableView *>(QStringLiteral("credentialsTable"));
        auto *message = workspace->findChild<QLabel *>(QStringLiteral("credentialMessage"));
        QVERIFY(add && verify && table && message);
        QCOMPARE(workspace->model()->rowCount(), 0);

        // A live key offered as a test key: the dialog says why and will not accept.
        QString problem;
        AddCredentialDialog::setTestHook([&](AddCredentialDialog &dialog) {
            dialog.findChild<QLineEdit *>(QStringLiteral("secretField"))
                ->setText(QStringLiteral("sk_live_notForTheSandbox1"));
            problem = dialog.findChild<QLabel *>(QStringLiteral("problemLabel"))->text();
            return true;
        });
        QTest::mouseClick(add, Qt::LeftButton);
        QVERIFY2(problem.contains(QLatin1String("live key")), qPrintable(problem));
        QCOMPARE(workspace->model()->rowCount(), 0);

        AddCredentialDialog::setTestHook([&](AddCredentialDialog &dialog) {
            auto *secret = dialog.findChild<QLineEdit *>(QStringLiteral("secretField"));
            [&] { QCOMPARE(secret->echoMode(), QLineEdit::Password); }();
            dialog.findChild<QLineEdit *>(QStringLiteral("labelField"))->setText(QStringLiteral("Checkout key"));
            secret->setText(key);
            return true;
        });
        QTest::mouseClick(add, Qt::LeftButton);
        AddCredentialDialog::setTestHook({});
        QTRY_VERIFY(message->text().contains(QLatin1String("Added Checkout key")));
        QCOMPARE(workspace->model()->rowCount(), 1);
        QCOMPARE(workspace->model()->data(workspace->model()->index(0, CredentialsModel::Fingerprint)).toString(),
            QStringLiteral("…8765"));

        table->selectRow(0);
        QVERIFY(verify->isEnabled());
        QTest::mouseClick(verify, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QLatin1String("accepted")), 10000);
        QVERIFY(workspace->model()
                    ->data(workspace->model()->index(0, CredentialsModel::Verified))
                    .toString()
                    .endsWith(QLatin1String("ok")));
    }

    // From an operation to its entity's whole history, then out as CSV.
    void timelineFromOperation()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        OperationStore store(*scratch.db());
        const qint64 id
            = store.insert(SandboxFixture::payment(QStringLiteral("gui-tl"), QStringLiteral("pm_card_chargeDeclined")))
                  .value();
        std::optional<Result<Operation>> ran;
        f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { ran = r; });
        QTRY_VERIFY_WITH_TIMEOUT(ran.has_value(), 10000);

        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f));
        window.show();
        OperationsModel *model = window.operationsWorkspace()->model();
        QTRY_VERIFY(model->isReady());
        auto *table = window.findChild<QTableView *>(QStringLiteral("operationsTable"));
        table->selectRow(0);
        QTest::mouseClick(window.findChild<QPushButton *>(QStringLiteral("timelineButton")), Qt::LeftButton);
        TimelineWorkspace *timeline = window.timelineWorkspace();
        QTRY_VERIFY(timeline->isVisible());
        QCOMPARE(timeline->findChild<QLineEdit *>(QStringLiteral("entityField"))->text(), QStringLiteral("ORD-gui-tl"));
        QVERIFY(timeline->model()->rowCount() >= 3); // created, the attempt, the refused/final audit entry

        // Hiding attempts hides them; the CSV holds what is shown.
        timeline->findChild<QPushButton *>(QStringLiteral("chip_attempt"))->click();
        for (int row = 0; row < timeline->model()->rowCount(); ++row)
            QVERIFY(timeline->model()->data(timeline->model()->index(row, 0), TimelineModel::ChannelRole).toString()
                != QLatin1String("attempt"));
        // And back: a line's operation opens in the workbench.
        auto *timelineTable = timeline->findChild<QTableView *>(QStringLiteral("timelineTable"));
        QSignalSpy back(timeline, &TimelineWorkspace::operationRequested);
        Q_EMIT timelineTable->doubleClicked(timeline->model()->index(0, 0));
        QCOMPARE(back.count(), 1);
        QCOMPARE(back.first().first().toLongLong(), id);
        QTRY_VERIFY(window.operationsWorkspace()->isVisible());
        QCOMPARE(window.findChild<QLabel *>(QStringLiteral("detailTitle"))
                     ->text()
                     .startsWith(QStringLiteral("Operation %1").arg(id)),
            true);
        window.showWorkspace(QStringLiteral("Timeline"));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("timeline.csv"));
        Prompts::setTestHooks({ [&](const QString &) { return path; }, {} });
        timeline->exportCsv();
        Prompts::setTestHooks({});
        QFile csv(path);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), timeline->model()->rowCount() + 1);
    }

    void workspacesFollowRoles()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db(), 1500, { Role::Finance });
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f));
        auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
        const QStringList readable { QStringLiteral("Timeline"), QStringLiteral("Diff") };
        for (int row = 0; row < navigation->count(); ++row) // finance: the timeline and diffs, to read
            QCOMPARE(bool(navigation->item(row)->flags() & Qt::ItemIsEnabled),
                readable.contains(navigation->item(row)->text()));
        // The diff view opens for finance, but fixing a record is support's.
        QVERIFY(!window.diffWorkspace()->findChild<QPushButton *>(QStringLiteral("acceptButton"))->isEnabled());
        QVERIFY(!window.credentialsWorkspace()
                     ->findChild<QPushButton *>(QStringLiteral("addCredentialButton"))
                     ->isEnabled());
        QVERIFY(window.findChild<QLabel *>(QStringLiteral("signedInLabel"))->text().contains(QLatin1String("finance")));
    }
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
