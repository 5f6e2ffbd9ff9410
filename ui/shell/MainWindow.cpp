#include "shell/MainWindow.h"

#include "access/AccessPolicy.h"
#include "credentials/CredentialService.h"
#include "credentials/CredentialsModel.h"
#include "credentials/CredentialsWorkspace.h"
#include "events/ActivityMonitor.h"
#include "operations/OperationService.h"
#include "operations/OperationsWorkspace.h"
#include "providers/ProviderService.h"
#include "providers/ProvidersWorkspace.h"
#include "reconciliation/ReconciliationWorkspace.h"
#include "records/DiffWorkspace.h"
#include "records/RecordDiffView.h"
#include "records/RecordService.h"
#include "shell/CommandPalette.h"
#include "shell/EditCommands.h"
#include "shell/Plural.h"
#include "shell/Prompts.h"
#include "shell/ShellDialogs.h"
#include "shell/TableExport.h"
#include "shell/Tints.h"
#include "shell/ViewSettings.h"
#include "timeline/TimelineWorkspace.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>

namespace {
constexpr int kRecentDatabases = 8;
const QString kRecentKey = QStringLiteral("window/recentDatabases");

void setTone(QLabel *label, Tints::Tone tone)
{
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, Tints::text(tone, p));
    label->setPalette(p);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
}
} // namespace

MainWindow::MainWindow(const WorkbenchContext &context, QWidget *parent)
    : QMainWindow(parent)
    , m_databaseName(context.databaseName)
    , m_navigation(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_operations(new OperationsWorkspace(*context.operationsModel, *context.operations, this))
    , m_credentials(new CredentialsWorkspace(
          *context.credentialsModel, *context.credentials, *context.providers, *context.access, this))
    , m_timeline(new TimelineWorkspace(*context.timelineModel, *context.records, this))
    , m_diff(new DiffWorkspace(*context.providers, *context.records, this))
    , m_palette(new CommandPalette(this))
    , m_expiry(new QLabel(this))
    , m_alert(new QLabel(this))
    , m_alerts(new QListWidget(this))
    , m_activity(*context.activity)
    , m_records(*context.records)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Reconsole — %1").arg(context.databaseName));
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFixedWidth(170);
    m_navigation->setSpacing(3);
    const AccessPolicy &access = *context.access;
    addWorkspace(tr("Operations"), m_operations, access.allows(Permission::HandleOperations),
        tr("Retrying and resolving operations needs the support role."));
    addWorkspace(tr("Timeline"), m_timeline, true, {});
    addWorkspace(tr("Diff"), m_diff, true, {}); // looking is for everyone; fixing checks the role
    addWorkspace(tr("Credentials"), m_credentials, access.allows(Permission::ManageCredentials),
        tr("Managing credentials needs the admin role."));
    if (context.providerService) {
        m_providers = new ProvidersWorkspace(
            *context.providerService, *context.credentials, *context.providers, access, context.agentUrl, this);
        addWorkspace(tr("Providers"), m_providers, access.allows(Permission::ManageCredentials),
            tr("Setting up providers needs the admin role."));
        connect(m_providers, &ProvidersWorkspace::message, this, [this](const QString &text) { showMessage(text); });
        connect(
            m_operations, &OperationsWorkspace::providersRequested, this, [this] { showWorkspace(tr("Providers")); });
    }
    addReconciliation(context);
    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::workspaceShown);

    // The alert list sits under the navigation, empty and hidden while all is well.
    m_alerts->setObjectName(QStringLiteral("alertList"));
    m_alerts->setFixedWidth(170);
    m_alerts->setWordWrap(true);
    QPalette warn = m_alerts->palette();
    warn.setColor(QPalette::Base, Tints::background(Tints::Tone::Warning, warn));
    warn.setColor(QPalette::Text, Tints::text(Tints::Tone::Warning, warn));
    m_alerts->setPalette(warn);
    m_alerts->hide();
    auto *side = new QVBoxLayout;
    side->addWidget(m_navigation, 1);
    side->addWidget(m_alerts);
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->addLayout(side);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    buildStatusBar(context);
    buildMenus();
    followChanges(context);
    for (int row = 0; row < m_navigation->count(); ++row) {
        if (m_navigation->item(row)->flags() & Qt::ItemIsEnabled) {
            m_navigation->setCurrentRow(row);
            break;
        }
    }

    auto toStatusBar = [this](const QString &text) { showMessage(text); };
    connect(m_operations, &OperationsWorkspace::message, this, toStatusBar);
    connect(m_credentials, &CredentialsWorkspace::message, this, toStatusBar);
    connect(m_timeline, &TimelineWorkspace::message, this, toStatusBar);
    connect(m_diff, &DiffWorkspace::message, this, toStatusBar);
    connect(m_operations, &OperationsWorkspace::compareRequested, this, &MainWindow::compareOperation);
    connect(m_timeline, &TimelineWorkspace::compareRequested, this, &MainWindow::compareOperation);
    connect(m_timeline, &TimelineWorkspace::compareContactRequested, this, [this](const QString &customerId) {
        showWorkspace(tr("Diff"));
        m_diff->diffView()->compare(QStringLiteral("contact"), customerId);
    });
    connect(m_timeline, &TimelineWorkspace::operationRequested, this, [this](qint64 id) {
        showWorkspace(tr("Operations"));
        m_operations->selectOperation(id);
    });
    connect(m_operations, &OperationsWorkspace::timelineRequested, this, [this](const QString &entityId) {
        showWorkspace(tr("Timeline"));
        m_timeline->showEntity(entityId);
    });
    auto showExpiry = [this](int count, int days) {
        m_expiry->setText(count ? plural(count, QT_TRANSLATE_NOOP("Plural", "%Ln credential expires within %1 days"),
                              QT_TRANSLATE_NOOP("Plural", "%Ln credentials expire within %1 days"))
                                      .arg(days)
                                : QString());
        m_expiry->setVisible(count > 0);
    };
    connect(m_credentials, &CredentialsWorkspace::expiringChanged, this, showExpiry);
    m_credentials->model()->reload(); // emits the first reminder through the workspace
    auto *activity = new QTimer(this);
    connect(activity, &QTimer::timeout, this, &MainWindow::checkActivity);
    activity->start(60000);
    // The first look waits for the receiver to have heard what was in flight at start.
    QTimer::singleShot(5000, this, &MainWindow::checkActivity);
    // Room for the table and the detail side by side, but never more than the screen (1366×768
    // laptops, 2× scaling): a window bigger than its screen hides its own status bar.
    const QSize available = screen() ? screen()->availableGeometry().size() : QSize(1500, 900);
    resize(QSize(1500, 900).boundedTo(available - QSize(0, 40)));
    restoreSettings();

    QSettings settings; // the database in use heads File > Open recent
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(context.databaseName);
    recent.prepend(context.databaseName);
    settings.setValue(kRecentKey, recent.mid(0, kRecentDatabases));
    fillRecent();
}

void MainWindow::buildStatusBar(const WorkbenchContext &context)
{
    m_alert->setObjectName(QStringLiteral("activityAlert"));
    setTone(m_alert, Tints::Tone::Error);
    m_alert->hide();
    statusBar()->addPermanentWidget(m_alert);
    m_expiry->setObjectName(QStringLiteral("expiryReminder"));
    setTone(m_expiry, Tints::Tone::Warning);
    statusBar()->addPermanentWidget(m_expiry);
    // Long paths are elided so the status bar keeps room for messages; the whole one is the tooltip.
    auto *where = new QLabel(this);
    where->setObjectName(QStringLiteral("databaseLabel"));
    where->setToolTip(context.databaseName);
    where->setText(where->fontMetrics().elidedText(context.databaseName, Qt::ElideMiddle, 240));
    statusBar()->addPermanentWidget(where);
    if (!context.sandboxUrl.isEmpty())
        statusBar()->addPermanentWidget(new QLabel(tr("Sandbox: %1").arg(context.sandboxUrl), this));
    const AccessPolicy &access = *context.access;
    auto *who = new QLabel(tr("Signed in: %1 (%2)").arg(access.actor(), access.describe()), this);
    who->setObjectName(QStringLiteral("signedInLabel"));
    statusBar()->addPermanentWidget(who);
}

// Finance's workspace, when the application gave it a desk; its links open the Timeline and
// Diff as the Operations workspace's do, and its pending approvals show in the status bar.
void MainWindow::addReconciliation(const WorkbenchContext &context)
{
    if (!context.reconciliation)
        return;
    m_reconciliation = new ReconciliationWorkspace(*context.reconciliation,
        { context.reconLedger, context.reconStatement, context.reconMatches, context.reconExceptions },
        context.reconciliationReport, this);
    addWorkspace(tr("Reconciliation"), m_reconciliation, context.access->allows(Permission::Reconcile),
        tr("Reconciling needs the finance role."));
    connect(
        m_reconciliation, &ReconciliationWorkspace::message, this, [this](const QString &text) { showMessage(text); });
    connect(m_reconciliation, &ReconciliationWorkspace::compareRequested, this, &MainWindow::compareOperation);
    connect(m_reconciliation, &ReconciliationWorkspace::timelineRequested, this, [this](const QString &entityId) {
        showWorkspace(tr("Timeline"));
        m_timeline->showEntity(entityId);
    });
    auto *pending = new QLabel(this);
    pending->setObjectName(QStringLiteral("pendingApprovalsLabel"));
    setTone(pending, Tints::Tone::Warning);
    statusBar()->addPermanentWidget(pending);
    auto showPending = [pending](int count) {
        pending->setText(plural(count, QT_TRANSLATE_NOOP("Plural", "%Ln approval pending"),
            QT_TRANSLATE_NOOP("Plural", "%Ln approvals pending")));
        pending->setVisible(count > 0);
    };
    connect(m_reconciliation, &ReconciliationWorkspace::pendingApprovalsChanged, this, showPending);
    showPending(m_reconciliation->pendingApprovals());
}

void MainWindow::buildMenus()
{
    auto add = [this](QMenu *menu, const QString &text, const QString &name, const QKeySequence &keys, auto slot,
                   const QString &tip = {}) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        action->setShortcut(keys);
        action->setToolTip(tip.isEmpty() ? CommandPalette::plainText(action) : tip);
        connect(action, &QAction::triggered, this, slot);
        menu->addAction(action);
        m_shellActions << action;
        return action;
    };
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    add(file, tr("&Open database…"), QStringLiteral("openDatabaseAction"), QKeySequence::Open, [this] {
        QSettings settings;
        const QString url = ShellDialogs::openDatabase(this, settings.value(kRecentKey).toStringList());
        if (!url.isEmpty())
            openDatabase(url);
    });
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    m_export = add(file, tr("&Export table as CSV…"), QStringLiteral("exportCsvAction"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), &MainWindow::exportTable,
        tr("Every row of the shown workspace's table, as a CSV file."));
    file->addSeparator();
    add(file, tr("&Quit"), QStringLiteral("quitAction"), QKeySequence::Quit, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("editMenu"));
    add(edit, tr("&Copy"), QStringLiteral("copyAction"), QKeySequence::Copy, &MainWindow::copy,
        tr("Copy the selected text, or the selected rows as tab-separated lines."));
    add(edit, tr("Select &all"), QStringLiteral("selectAllAction"), QKeySequence::SelectAll, &MainWindow::selectAll);
    edit->addSeparator();
    m_find = add(edit, tr("&Find…"), QStringLiteral("findAction"), QKeySequence::Find, &MainWindow::find,
        tr("Go to the shown workspace's search field."));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    for (int row = 0; row < m_navigation->count(); ++row) {
        QListWidgetItem *item = m_navigation->item(row);
        auto *go = new QAction(tr("Go to %1").arg(item->text()), this);
        go->setObjectName(QStringLiteral("goTo%1Action").arg(item->text()));
        go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + row)));
        go->setEnabled(item->flags() & Qt::ItemIsEnabled);
        go->setToolTip(go->isEnabled() ? tr("Show the %1 workspace.").arg(item->text()) : item->toolTip());
        connect(go, &QAction::triggered, this, [this, row] { m_navigation->setCurrentRow(row); });
        view->addAction(go);
        m_goTo << go;
    }
    view->addSeparator();
    add(
        view, tr("&Refresh"), QStringLiteral("refreshAction"), QKeySequence::Refresh,
        [this] {
            if (Workspace *w = workspace())
                w->refresh();
        },
        tr("Read what the shown workspace shows again; other consoles and agents change it too."));
    add(view, tr("Command &palette…"), QStringLiteral("paletteAction"), QKeySequence(Qt::CTRL | Qt::Key_K),
        &MainWindow::showCommandPalette, tr("Find any action or workspace by name."));

    m_actionsMenu = menuBar()->addMenu(tr("&Actions"));
    m_actionsMenu->setObjectName(QStringLiteral("actionsMenu"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    add(help, tr("&Keyboard shortcuts"), QStringLiteral("shortcutsAction"), QKeySequence(Qt::CTRL | Qt::Key_Slash),
        &MainWindow::showShortcuts);
    add(help, tr("&User guide"), QStringLiteral("userGuideAction"), QKeySequence::HelpContents,
        &MainWindow::showUserGuide);
    add(help, tr("&About Reconsole"), QStringLiteral("aboutAction"), QKeySequence(), &MainWindow::showAbout);
}

// The one place where what the services announce reaches the workspaces that show it.
void MainWindow::followChanges(const WorkbenchContext &context)
{
    m_timelineChanged = new QTimer(this); // a burst of changes (the agent's retries) reads it once
    m_timelineChanged->setSingleShot(true);
    m_timelineChanged->setInterval(150);
    connect(m_timelineChanged, &QTimer::timeout, m_timeline, &TimelineWorkspace::refresh);
    for (OperationService *service : { context.operations, context.agentOperations }) {
        if (service)
            connect(service, &OperationService::operationsChanged, this, &MainWindow::operationsChanged);
    }
    connect(context.records, &RecordService::operationsChanged, this, &MainWindow::operationsChanged);
    connect(context.records, &RecordService::recordsChanged, this, &MainWindow::recordsChanged);
    connect(context.credentials, &CredentialService::credentialsChanged, this, &MainWindow::credentialsChanged);
    if (m_providers)
        connect(context.providerService, &ProviderService::providersChanged, m_providers, &ProvidersWorkspace::refresh);
}

void MainWindow::operationsChanged(const QList<qint64> &ids)
{
    m_operations->operationsChanged(ids);
    m_timelineChanged->start(); // a timeline holds the attempts and audit lines of its operations
}

void MainWindow::recordsChanged(const QString &entityType, const QStringList &entityIds)
{
    m_diff->recordsChanged(entityType, entityIds);
    m_timelineChanged->start();
}

void MainWindow::credentialsChanged(const QStringList &ids)
{
    Q_UNUSED(ids) // a handful of rows: all are read again, the selection kept
    m_credentials->refresh();
    if (m_providers)
        m_providers->refresh(); // a provider's page lists its credentials
}

void MainWindow::workspaceShown(int index)
{
    m_stack->setCurrentIndex(index);
    if (QWidget *page = m_stack->widget(index); page && !m_splittersRestored.contains(page)) {
        m_splittersRestored.insert(page);
        // After this turn of the event loop the page is laid out at its real size.
        QTimer::singleShot(0, page, [page] { ViewSettings::restoreSplitters(*page, QSettings()); });
    }
    // Only the shown workspace's actions are in the menu, so only its shortcuts are live.
    m_actionsMenu->clear();
    QWidget *shown = currentWorkspace();
    if (shown)
        m_actionsMenu->addActions(shown->actions());
    m_actionsMenu->setEnabled(shown && !shown->actions().isEmpty());
    Workspace *w = workspace();
    m_find->setEnabled(w && w->searchField());
    m_find->setToolTip(m_find->isEnabled() ? tr("Go to the shown workspace's search field.")
                                           : tr("This workspace has nothing to search."));
    m_export->setEnabled(w && w->mainTable());
}

QWidget *MainWindow::currentWorkspace() const
{
    return m_stack->currentWidget();
}

Workspace *MainWindow::workspace() const
{
    return dynamic_cast<Workspace *>(m_stack->currentWidget());
}

QList<QAction *> MainWindow::availableActions() const
{
    QList<QAction *> all = m_shellActions;
    all += m_goTo;
    if (QWidget *shown = currentWorkspace())
        all += shown->actions();
    return all;
}

QMenu *MainWindow::menuNamed(const QString &title) const
{
    for (QAction *a : menuBar()->actions()) {
        if (a->menu() && CommandPalette::plainText(a).compare(title, Qt::CaseInsensitive) == 0)
            return a->menu();
    }
    return nullptr;
}

void MainWindow::showCommandPalette()
{
    m_palette->open(availableActions());
}

void MainWindow::showAbout()
{
    ShellDialogs::about(this, m_databaseName);
}

void MainWindow::showUserGuide()
{
    ShellDialogs::userGuide(this);
}

void MainWindow::showShortcuts()
{
    QList<ShellDialogs::ActionGroup> groups { { tr("Everywhere"), m_shellActions + m_goTo } };
    for (int row = 0; row < m_stack->count(); ++row)
        groups << ShellDialogs::ActionGroup { m_navigation->item(row)->text(), m_stack->widget(row)->actions() };
    ShellDialogs::shortcuts(this, groups);
}

void MainWindow::copy()
{
    EditCommands::copy(QApplication::focusWidget(), workspace() ? workspace()->mainTable() : nullptr);
}

void MainWindow::selectAll()
{
    EditCommands::selectAll(QApplication::focusWidget(), workspace() ? workspace()->mainTable() : nullptr);
}

void MainWindow::find()
{
    if (Workspace *w = workspace(); w && w->searchField()) {
        w->searchField()->setFocus(Qt::ShortcutFocusReason);
        w->searchField()->selectAll();
    }
}

void MainWindow::exportTable()
{
    const QString suggested
        = currentWorkspace()->objectName().remove(QStringLiteral("Workspace")) + QStringLiteral(".csv");
    const QString path = Prompts::saveFile(this, tr("Export table as CSV"), suggested);
    if (!path.isEmpty())
        exportCurrentTable(path);
}

bool MainWindow::exportCurrentTable(const QString &path)
{
    Workspace *w = workspace();
    if (!w || !w->mainTable()) {
        showMessage(tr("This workspace has no table to export."));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        showMessage(tr("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    const Result<int> written = TableExport::write(*w->mainTable(), file);
    if (!written || !file.commit()) {
        showMessage(tr("Nothing exported to %1: %2").arg(path, written ? file.errorString() : written.message()));
        return false;
    }
    showMessage(tr("Exported %1 to %2.")
                    .arg(plural(written.value(), QT_TRANSLATE_NOOP("Plural", "%Ln row"),
                             QT_TRANSLATE_NOOP("Plural", "%Ln rows")),
                        path));
    return true;
}

void MainWindow::openDatabase(const QString &url)
{
    saveSettings();
    Q_EMIT openDatabaseRequested(url);
}

void MainWindow::fillRecent()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &url : recent) {
        QAction *open = m_recentMenu->addAction(url);
        open->setEnabled(url != m_databaseName);
        open->setToolTip(open->isEnabled() ? tr("Open %1").arg(url) : tr("This is the database in use."));
        connect(open, &QAction::triggered, this, [this, url] { openDatabase(url); });
    }
    m_recentMenu->setEnabled(recent.size() > 1);
}

void MainWindow::showMessage(const QString &text)
{
    statusBar()->showMessage(text.section(QLatin1Char('\n'), 0, 0), 8000);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/workspace"), m_navigation->currentRow());
    for (int i = 0; i < m_stack->count(); ++i)
        ViewSettings::save(*m_stack->widget(i), settings);
}

void MainWindow::restoreSettings()
{
    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    for (int i = 0; i < m_stack->count(); ++i)
        ViewSettings::restoreTables(*m_stack->widget(i), settings);
    const int row = settings.value(QStringLiteral("window/workspace"), -1).toInt();
    if (row >= 0 && row < m_navigation->count() && (m_navigation->item(row)->flags() & Qt::ItemIsEnabled))
        m_navigation->setCurrentRow(row);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::checkActivity()
{
    const int silence = QSettings().value(QStringLiteral("alerts/webhookSilenceMinutes"), 30).toInt();
    auto alerts = m_activity.check(QDateTime::currentMSecsSinceEpoch(), silence);
    m_alerts->clear();
    for (const ActivityAlert &a : alerts.value_or({})) {
        auto *item = new QListWidgetItem(a.message, m_alerts);
        item->setToolTip(a.message);
    }
    m_alerts->setVisible(m_alerts->count() > 0);
    m_alert->setText(m_alerts->count() ? plural(m_alerts->count(), QT_TRANSLATE_NOOP("Plural", "⚠ %Ln alert"),
                         QT_TRANSLATE_NOOP("Plural", "⚠ %Ln alerts"))
                                       : QString());
    m_alert->setVisible(m_alerts->count() > 0);
}

void MainWindow::addWorkspace(const QString &name, QWidget *workspace, bool allowed, const QString &whyNot)
{
    auto *item = new QListWidgetItem(name, m_navigation);
    if (!allowed) {
        item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
        item->setToolTip(whyNot);
    }
    m_stack->addWidget(workspace);
}

void MainWindow::compareOperation(qint64 operationId)
{
    auto record = m_records.recordOfOperation(operationId);
    if (!record) {
        showMessage(record.message());
        return;
    }
    showWorkspace(tr("Diff"));
    m_diff->diffView()->compare(record->first, record->second);
}

void MainWindow::showWorkspace(const QString &name)
{
    const auto items = m_navigation->findItems(name, Qt::MatchExactly);
    if (!items.isEmpty() && (items.first()->flags() & Qt::ItemIsEnabled))
        m_navigation->setCurrentItem(items.first());
}
