#pragma once

#include "reconciliation/ReconciliationReport.h"

#include <QMainWindow>
#include <QSet>

class AccessPolicy;
class ActivityMonitor;
class CommandPalette;
class CredentialService;
class CredentialsModel;
class CredentialsWorkspace;
class ExceptionsModel;
class MatchesModel;
class DiffWorkspace;
class OperationService;
class OperationsModel;
class OperationsWorkspace;
class ProviderRegistry;
class ProviderService;
class ProvidersWorkspace;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;
class QTimer;
class ReconRowsModel;
class ReconciliationDesk;
class ReconciliationWorkspace;
class RecordService;
class TimelineModel;
class TimelineWorkspace;
class Workspace;

// What the window works with, built by the application (the composition root): the services
// people act through and the read models the workspaces show. The window reaches no database.
struct WorkbenchContext
{
    QString databaseName; // for the title and About; never holds a password
    OperationService *operations = nullptr;
    CredentialService *credentials = nullptr;
    const AccessPolicy *access = nullptr;
    ProviderRegistry *providers = nullptr;
    RecordService *records = nullptr;
    OperationsModel *operationsModel = nullptr;
    TimelineModel *timelineModel = nullptr;
    CredentialsModel *credentialsModel = nullptr;
    ActivityMonitor *activity = nullptr;
    QString sandboxUrl; // empty when no sandbox runs in-process
    OperationService *agentOperations = nullptr; // the in-process agent's, whose retries show too
    ProviderService *providerService = nullptr; // none: no Providers workspace
    QString agentUrl; // where providers send webhooks, for the Providers workspace; empty when unknown
    ReconciliationDesk *reconciliation = nullptr; // none: no Reconciliation workspace
    ReconRowsModel *reconLedger = nullptr; // the period's unmatched rows of each side
    ReconRowsModel *reconStatement = nullptr;
    MatchesModel *reconMatches = nullptr;
    ExceptionsModel *reconExceptions = nullptr;
    ReconciliationReportSource reconciliationReport; // none: no "Export report…"
};

// The shell: a navigation of workspaces on the left, the chosen one on the right, a menu bar
// and a command palette over the actions the workspaces declare. A workspace the signed-in roles
// do not cover is shown but not opened. Every change a service announces reaches the workspaces
// showing it here, in followChanges(), and nowhere else.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const WorkbenchContext &context, QWidget *parent = nullptr);

    OperationsWorkspace *operationsWorkspace() const { return m_operations; }
    CredentialsWorkspace *credentialsWorkspace() const { return m_credentials; }
    ProvidersWorkspace *providersWorkspace() const { return m_providers; }
    TimelineWorkspace *timelineWorkspace() const { return m_timeline; }
    DiffWorkspace *diffWorkspace() const { return m_diff; }
    ReconciliationWorkspace *reconciliationWorkspace() const { return m_reconciliation; }
    CommandPalette *commandPalette() const { return m_palette; }
    // Opens the Diff workspace on the record an operation is about.
    void compareOperation(qint64 operationId);
    void showWorkspace(const QString &name);
    QWidget *currentWorkspace() const;
    // What the window offers now: the shell's actions, the workspaces to go to, the shown
    // workspace's own actions. The palette and the shortcuts list are made from it.
    QList<QAction *> availableActions() const;
    QMenu *menuNamed(const QString &title) const;
    void showCommandPalette();
    void showAbout();
    void showShortcuts();
    void showUserGuide();
    // Writes the shown workspace's table; false (with a message) when it could not.
    bool exportCurrentTable(const QString &path);

    // Rows changed: every workspace showing them reads them again (empty ids: unknown which,
    // as when the in-process agent has taken in webhooks).
    void operationsChanged(const QList<qint64> &ids);
    void recordsChanged(const QString &entityType, const QStringList &entityIds);
    void credentialsChanged(const QStringList &ids);

    void saveSettings() const;
    void restoreSettings();

Q_SIGNALS:
    // File > Open database: the application reopens on `url` (the window cannot open one).
    void openDatabaseRequested(const QString &url);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void addWorkspace(const QString &name, QWidget *workspace, bool allowed, const QString &whyNot);
    void buildStatusBar(const WorkbenchContext &context);
    void addReconciliation(const WorkbenchContext &context);
    void buildMenus();
    void followChanges(const WorkbenchContext &context);
    void workspaceShown(int index);
    void checkActivity();
    Workspace *workspace() const;
    void copy();
    void selectAll();
    void find();
    void exportTable();
    void openDatabase(const QString &url);
    void fillRecent();
    void showMessage(const QString &text);

    QString m_databaseName;
    QListWidget *m_navigation;
    QStackedWidget *m_stack;
    OperationsWorkspace *m_operations;
    CredentialsWorkspace *m_credentials;
    ProvidersWorkspace *m_providers = nullptr;
    ReconciliationWorkspace *m_reconciliation = nullptr;
    TimelineWorkspace *m_timeline;
    DiffWorkspace *m_diff;
    CommandPalette *m_palette;
    QLabel *m_expiry;
    QLabel *m_alert;
    QListWidget *m_alerts;
    ActivityMonitor &m_activity;
    RecordService &m_records;
    QList<QAction *> m_shellActions; // File, Edit, View, Help: what every workspace has
    QList<QAction *> m_goTo; // View > the workspaces, in the navigation's order
    QMenu *m_actionsMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_find = nullptr;
    QAction *m_export = nullptr;
    QSet<QWidget *> m_splittersRestored;
    QTimer *m_timelineChanged = nullptr;
};
