// The console's shell (offscreen): banners that fade or stay, the menu bar and the command
// palette built from the workspaces' actions, Find, what is remembered between runs, empty
// states that say what to do next, the CSV export, plurals and a State column never cut.
#include "ConsoleParts.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "credentials/CredentialService.h"
#include "operations/OperationService.h"
#include "operations/OperationsModel.h"
#include "operations/OperationsWorkspace.h"
#include "records/DiffWorkspace.h"
#include "sandbox/DemoData.h"
#include "shell/CommandPalette.h"
#include "shell/EmptyState.h"
#include "shell/MainWindow.h"
#include "shell/MessageBanner.h"
#include "shell/Prompts.h"
#include "shell/ShellDialogs.h"
#include "shell/Tints.h"
#include "timeline/TimelineModel.h"
#include "timeline/TimelineWorkspace.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

namespace {
QStringList texts(const QList<QAction *> &actions)
{
    QStringList names;
    for (const QAction *a : actions)
        names << CommandPalette::plainText(a);
    return names;
}
} // namespace

class TestShell : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Settings in a folder of this run's own, never the person's.
        QVERIFY(m_settings.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        QCoreApplication::setOrganizationName(QStringLiteral("ReconsoleShellTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_shell"));
    }
    void init() { QSettings().clear(); }

    // Success says its piece and goes; an error stays until it is dismissed.
    void bannersFadeButErrorsStay()
    {
        MessageBanner::setSuccessTimeoutMs(150);
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        Operation op = SandboxFixture::payment(QStringLiteral("shell-banner"));
        op.state = OperationState::FailedPermanent;
        const qint64 id = OperationStore(db).insert(op).value();
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        OperationsWorkspace *workspace = window.operationsWorkspace();
        auto *banner = workspace->findChild<MessageBanner *>(QStringLiteral("actionMessage"));
        auto *table = workspace->findChild<QTableView *>(QStringLiteral("operationsTable"));
        QTRY_VERIFY(workspace->model()->isReady());
        table->selectRow(0);
        Prompts::setTestHooks({ [](const QString &) { return QStringLiteral("paid by bank transfer"); }, {} });
        QTest::mouseClick(workspace->findChild<QPushButton *>(QStringLiteral("resolveButton")), Qt::LeftButton);
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(QStringLiteral("resolved")));
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 3000);

        // Resolving it again is refused: the refusal stays.
        QVERIFY(f.service->get(id)->state == OperationState::Resolved);
        QTRY_VERIFY(workspace->model()->isReady());
        workspace->selectOperation(id);
        QTRY_COMPARE(table->selectionModel()->selectedRows().size(), 1);
        workspace->resolveSelected();
        Prompts::setTestHooks({});
        QVERIFY(banner->isVisible() && banner->isError());
        QTest::qWait(600); // four times the success timeout
        QVERIFY(banner->isVisible());
        QTest::mouseClick(banner->findChild<QToolButton *>(QStringLiteral("dismissButton")), Qt::LeftButton);
        QVERIFY(!banner->isVisible());
        MessageBanner::setSuccessTimeoutMs(6000);
    }

    // The in-process agent retries through an OperationService of its own; its work shows too,
    // as do credentials changed outside the Credentials workspace.
    void agentAndCredentialChangesShow()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        Operation op = SandboxFixture::payment(QStringLiteral("shell-agent"));
        op.state = OperationState::RetryScheduled;
        const qint64 id = OperationStore(db).insert(op).value();
        AccessPolicy agentAccess(AccessPolicy::allRoles(), QStringLiteral("agent@test"));
        OperationService agent(db, *f.runner, agentAccess);
        ConsoleParts parts(scratch.db());
        WorkbenchContext context = parts.context(f, f.sandbox.baseUrl());
        context.agentOperations = &agent;
        MainWindow window(context);
        window.show();
        OperationsModel *model = window.operationsWorkspace()->model();
        QTRY_VERIFY(model->isReady());
        QCOMPARE(model->operationIdAt(0), id);
        window.timelineWorkspace()->showEntity(op.entityId); // shown too: its lines grow by the attempt
        const int lines = window.timelineWorkspace()->model()->rowCount();
        bool done = false;
        agent.retry(
            { id }, [](qint64, const Result<Operation> &) {}, [&] { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QTRY_COMPARE(model->data(model->index(0, 0), OperationsModel::StateRole).toInt(),
            static_cast<int>(OperationState::Succeeded));
        QTRY_VERIFY(window.timelineWorkspace()->model()->rowCount() > lines);

        window.showWorkspace(QStringLiteral("Credentials"));
        auto *credentials = window.findChild<QTableView *>(QStringLiteral("credentialsTable"));
        const int before = credentials->model()->rowCount();
        CredentialService::NewCredential request;
        request.providerId = QStringLiteral("stripe-sandbox");
        request.label = QStringLiteral("added from the command line");
        std::optional<Result<Credential>> added;
        f.credentialService->add(
            request, QStringLiteral("sk_test_shell_0000000000000001"), [&](Result<Credential> r) { added = r; });
        QTRY_VERIFY(added.has_value());
        QVERIFY2(added->ok(), qPrintable(added->message()));
        QCOMPARE(credentials->model()->rowCount(), before + 1);
    }

    // File, Edit, View, Actions, Help; the Actions menu is the shown workspace's own actions,
    // and so are the palette's entries and the shortcuts list.
    void menusAndPaletteComeFromTheActions()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        QVERIFY(OperationStore(db).insertMany(DemoData().operations(20)));
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        for (const char *title : { "File", "Edit", "View", "Actions", "Help" })
            QVERIFY2(window.menuNamed(QLatin1String(title)), title);
        QVERIFY(texts(window.menuNamed(QStringLiteral("File"))->actions()).contains(QStringLiteral("Open database…")));
        QVERIFY(texts(window.menuNamed(QStringLiteral("Help"))->actions()).contains(QStringLiteral("About Reconsole")));
        const QStringList operationsActions = texts(window.menuNamed(QStringLiteral("Actions"))->actions());
        QVERIFY(operationsActions.contains(QStringLiteral("Retry")));
        QVERIFY(operationsActions.contains(QStringLiteral("Resolve…")));
        auto *retry = window.operationsWorkspace()->findChild<QAction *>(QStringLiteral("retryAction"));
        QCOMPARE(retry->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));

        window.showWorkspace(QStringLiteral("Diff"));
        const QStringList diffActions = texts(window.menuNamed(QStringLiteral("Actions"))->actions());
        QVERIFY(diffActions.contains(QStringLiteral("Accept provider's value")));
        QVERIFY(!diffActions.contains(QStringLiteral("Retry"))); // a hidden workspace's shortcuts are off

        // An action added to a workspace is in the menu and the palette without anything else.
        auto *extra = new QAction(QStringLiteral("Frobnicate records"), window.diffWorkspace());
        window.diffWorkspace()->addAction(extra);
        window.showWorkspace(QStringLiteral("Timeline"));
        window.showWorkspace(QStringLiteral("Diff"));
        QVERIFY(texts(window.menuNamed(QStringLiteral("Actions"))->actions()).contains(extra->text()));

        // The palette: substring and letters-in-order, disabled entries greyed with their reason.
        window.showWorkspace(QStringLiteral("Operations"));
        window.showCommandPalette();
        CommandPalette *palette = window.commandPalette();
        auto *search = palette->findChild<QLineEdit *>(QStringLiteral("paletteSearch"));
        auto *list = palette->findChild<QListWidget *>(QStringLiteral("paletteList"));
        QVERIFY(palette->isVisible() && search && list);
        QTest::keyClicks(search, QStringLiteral("retr"));
        QVERIFY(list->count() >= 1);
        QVERIFY(list->item(0)->text().startsWith(QStringLiteral("Retry")));
        QVERIFY(!(list->item(0)->flags() & Qt::ItemIsEnabled)); // nothing is selected
        QVERIFY(!list->item(0)->toolTip().isEmpty());
        search->clear();
        QTest::keyClicks(search, QStringLiteral("tmln")); // letters in order find "Timeline"
        QVERIFY(list->count() >= 1);
        QVERIFY(list->currentItem() && list->currentItem()->text() == QStringLiteral("Go to Timeline"));
        QTest::keyClick(search, Qt::Key_Return);
        QVERIFY(!palette->isVisible());
        QCOMPARE(window.currentWorkspace(), static_cast<QWidget *>(window.timelineWorkspace()));
        window.showCommandPalette();
        QTest::keyClick(search, Qt::Key_Escape);
        QVERIFY(!palette->isVisible());

        QCOMPARE(CommandPalette::score(QStringLiteral("Export table as CSV…"), QStringLiteral("csv")) > 0, true);
        QCOMPARE(CommandPalette::score(QStringLiteral("Retry"), QStringLiteral("xyz")), 0);
        QVERIFY(CommandPalette::score(QStringLiteral("Retry"), QStringLiteral("ret"))
            > CommandPalette::score(QStringLiteral("Resolve…"), QStringLiteral("ret")));
    }

    // Ctrl+F (Edit > Find) goes to the shown workspace's search field; Ctrl+C on the table copies
    // the selected rows, not one cell.
    void findAndCopy()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(5)));
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        QApplication::setActiveWindow(&window);
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.findChild<QTableView *>(QStringLiteral("operationsTable"))->setFocus();
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::focusWidget(),
            static_cast<QWidget *>(
                window.operationsWorkspace()->findChild<QLineEdit *>(QStringLiteral("searchField"))));

        auto *table = window.findChild<QTableView *>(QStringLiteral("operationsTable"));
        QTRY_VERIFY(window.operationsWorkspace()->model()->isReady());
        table->setFocus();
        table->selectionModel()->select(QItemSelection(table->model()->index(0, 0), table->model()->index(1, 0)),
            QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
        const QStringList copied = QApplication::clipboard()->text().split(QLatin1Char('\n'));
        QCOMPARE(copied.size(), 2);
        QCOMPARE(copied.first().split(QLatin1Char('\t')).size(), table->model()->columnCount());

        window.showWorkspace(QStringLiteral("Timeline"));
        window.findChild<QAction *>(QStringLiteral("findAction"))->trigger();
        QCOMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("entityField"));
    }

    // Geometry, splitters, column widths and sort orders come back in the next window.
    void arrangementIsRemembered()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(30)));
        ConsoleParts parts(scratch.db());
        QList<int> kept;
        {
            MainWindow window(parts.context(f, f.sandbox.baseUrl()));
            window.show();
            window.resize(1111, 666);
            auto *table = window.findChild<QTableView *>(QStringLiteral("operationsTable"));
            table->horizontalHeader()->resizeSection(static_cast<int>(OperationsColumn::LastError), 333);
            table->sortByColumn(static_cast<int>(OperationsColumn::Provider), Qt::DescendingOrder);
            auto *splitter = window.findChild<QSplitter *>(QStringLiteral("operationsSplitter"));
            splitter->setSizes({ 700, 300 });
            kept = splitter->sizes();
            window.showWorkspace(QStringLiteral("Diff"));
            window.close(); // saves
        }
        QCOMPARE(QSettings().value(QStringLiteral("window/workspace")).toInt(), 2);
        MainWindow again(parts.context(f, f.sandbox.baseUrl()));
        again.show();
        QCOMPARE(again.size(), QSize(1111, 666));
        QCOMPARE(again.currentWorkspace(), static_cast<QWidget *>(again.diffWorkspace()));
        auto *table = again.findChild<QTableView *>(QStringLiteral("operationsTable"));
        QCOMPARE(table->horizontalHeader()->sectionSize(static_cast<int>(OperationsColumn::LastError)), 333);
        QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), static_cast<int>(OperationsColumn::Provider));
        QCOMPARE(table->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(again.operationsWorkspace()->model()->sortOrder().column, OperationsColumn::Provider);
        again.showWorkspace(QStringLiteral("Operations"));
        auto *splitter = again.findChild<QSplitter *>(QStringLiteral("operationsSplitter"));
        QTRY_COMPARE(splitter->sizes(), kept);
    }

    // A fresh database points to the demo; filters that match nothing offer to clear them.
    void emptyStatesSayWhatToDoNext()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        ConsoleParts parts(scratch.db());
        {
            MainWindow window(parts.context(f, f.sandbox.baseUrl()));
            window.show();
            auto *empty = window.findChild<EmptyState *>(QStringLiteral("operationsTableEmptyState"));
            QVERIFY(empty);
            QTRY_VERIFY(empty->isVisible());
            QVERIFY(empty->text().contains(QStringLiteral("reconsole --demo")));
            QVERIFY(empty->text().contains(QStringLiteral("reconsolectl providers add")));
            QVERIFY(empty->text().contains(QStringLiteral("<a href=\"providers\">Providers</a>")));
        }
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(12)));
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        OperationsModel *model = window.operationsWorkspace()->model();
        QTRY_VERIFY(model->isReady());
        QTRY_COMPARE(model->rowCount(), 12);
        auto *empty = window.findChild<EmptyState *>(QStringLiteral("operationsTableEmptyState"));
        QVERIFY(!empty->isVisible());
        QTest::keyClicks(window.findChild<QLineEdit *>(QStringLiteral("searchField")), QStringLiteral("zz-no-such"));
        QTRY_VERIFY(model->isReady() && model->rowCount() == 0);
        QTRY_VERIFY(empty->isVisible());
        QVERIFY(empty->text().contains(QStringLiteral("No operations match these filters.")));
        QVERIFY(empty->text().contains(QStringLiteral("Clear filters")));
        Q_EMIT empty->linkActivated(QStringLiteral("clear"));
        QTRY_COMPARE(model->rowCount(), 12);
        QVERIFY(window.findChild<QLineEdit *>(QStringLiteral("searchField"))->text().isEmpty());
        QVERIFY(!empty->isVisible());
    }

    // File > Export writes every row, not only the loaded page; counts read as English.
    void exportPluralsAndStateWidth()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        SandboxFixture f(*scratch.db());
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(600))); // over two pages
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        OperationsModel *model = window.operationsWorkspace()->model();
        QTRY_VERIFY(model->isReady());
        auto *count = window.findChild<QLabel *>(QStringLiteral("operationCount"));
        QCOMPARE(count->text(), QStringLiteral("600 operations"));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("operations.csv"));
        QVERIFY(window.exportCurrentTable(path));
        QFile csv(path);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 601);
        QVERIFY(lines.first().startsWith("Business action,"));
        QVERIFY(!lines.last().contains("…")); // the last page arrived before it was written

        // State sized to its longest label in bold, as the tint draws it.
        auto *table = window.findChild<QTableView *>(QStringLiteral("operationsTable"));
        QFont bold = table->font();
        bold.setBold(true);
        int longest = 0;
        for (OperationState s : OperationStates::all())
            longest = qMax(longest, QFontMetrics(bold).horizontalAdvance(OperationStates::label(s)));
        QVERIFY(table->horizontalHeader()->sectionSize(static_cast<int>(OperationsColumn::State)) > longest + 6);

        QTest::keyClicks(window.findChild<QLineEdit *>(QStringLiteral("searchField")),
            OperationStore(*scratch.db()).get(model->operationIdAt(0))->entityId);
        QTRY_VERIFY(model->isReady() && model->rowCount() == 1);
        QTRY_COMPARE(count->text(), QStringLiteral("1 operation"));
    }

    // About names the version, both Qt versions, the database without its password, the licence.
    void aboutSaysWhatABugReportNeeds()
    {
        QCoreApplication::setApplicationVersion(QStringLiteral("9.8.7"));
        const QString text = ShellDialogs::aboutText(QStringLiteral("postgresql://ann@db.example:5432/reconsole"));
        QVERIFY(text.contains(QStringLiteral("9.8.7")));
        QVERIFY(text.contains(QStringLiteral(QT_VERSION_STR)));
        QVERIFY(text.contains(QString::fromLatin1(qVersion())));
        QVERIFY(text.contains(QStringLiteral("postgresql://ann@db.example:5432/reconsole")));
        QVERIFY(text.contains(QStringLiteral("GPL-3.0-or-later")));
    }

    // Help > User guide opens what is compiled in, and the page it links to is there too.
    void userGuideIsNoDeadLink()
    {
        QFile readme(QStringLiteral(":/guide/README.md"));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        QVERIFY(readme.readAll().contains("(docs/architecture.md)"));
        QVERIFY(QFile::exists(QStringLiteral(":/guide/docs/architecture.md")));
    }

    // Tints follow the palette: light text on a dark base, dark text on a light one.
    void tintsFollowThePalette()
    {
        const QPalette dark = Tints::darkPalette();
        QPalette light;
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, Qt::black);
        QVERIFY(Tints::isDark(dark) && !Tints::isDark(light));
        for (auto tone : { Tints::Tone::Error, Tints::Tone::Warning, Tints::Tone::Unknown, Tints::Tone::Success }) {
            QVERIFY(Tints::text(tone, dark).lightness() > dark.color(QPalette::Base).lightness() + 100);
            QVERIFY(Tints::text(tone, light).lightness() < light.color(QPalette::Base).lightness() - 100);
        }
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestShell)
#include "tst_shell.moc"
