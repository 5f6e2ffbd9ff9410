#pragma once

#include <QMainWindow>

class AccessPolicy;
class ActivityMonitor;
class CredentialService;
class CredentialsModel;
class CredentialsWorkspace;
class DiffWorkspace;
class OperationService;
class OperationsModel;
class OperationsWorkspace;
class ProviderRegistry;
class QLabel;
class QListWidget;
class QStackedWidget;
class RecordService;
class TimelineModel;
class TimelineWorkspace;

// What the window works with, built by the application (the composition root): the services
// people act through and the read models the workspaces show. The window reaches no database.
struct WorkbenchContext
{
    QString databaseName; // for the title
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
};

// The shell: a navigation of workspaces on the left, the chosen one on the right. A
// workspace the signed-in roles do not cover is shown but not opened.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const WorkbenchContext &context, QWidget *parent = nullptr);

    OperationsWorkspace *operationsWorkspace() const { return m_operations; }
    CredentialsWorkspace *credentialsWorkspace() const { return m_credentials; }
    TimelineWorkspace *timelineWorkspace() const { return m_timeline; }
    DiffWorkspace *diffWorkspace() const { return m_diff; }
    // Opens the Diff workspace on the record an operation is about.
    void compareOperation(qint64 operationId);
    void showWorkspace(const QString &name);

private:
    void addWorkspace(const QString &name, QWidget *workspace, bool allowed, const QString &whyNot);
    void checkActivity();

    QListWidget *m_navigation;
    QStackedWidget *m_stack;
    OperationsWorkspace *m_operations;
    CredentialsWorkspace *m_credentials;
    TimelineWorkspace *m_timeline;
    DiffWorkspace *m_diff;
    QLabel *m_expiry;
    QLabel *m_alert;
    QListWidget *m_alerts;
    ActivityMonitor &m_activity;
    RecordService &m_records;
};
