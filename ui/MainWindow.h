#pragma once

#include <QMainWindow>

#include <memory>

class AccessPolicy;
class CredentialService;
class CredentialsWorkspace;
class Database;
class OperationService;
class OperationsWorkspace;
class QLabel;
class QListWidget;
class QStackedWidget;
class TimelineWorkspace;

// What the window works with, wired by the application.
struct WorkbenchContext
{
    std::shared_ptr<Database> db;
    OperationService *operations = nullptr;
    CredentialService *credentials = nullptr;
    const AccessPolicy *access = nullptr;
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
    void showWorkspace(const QString &name);

private:
    void addWorkspace(const QString &name, QWidget *workspace, bool allowed, const QString &whyNot);
    void checkActivity();

    QListWidget *m_navigation;
    QStackedWidget *m_stack;
    OperationsWorkspace *m_operations;
    CredentialsWorkspace *m_credentials;
    TimelineWorkspace *m_timeline;
    QLabel *m_expiry;
    QLabel *m_alert;
    QListWidget *m_alerts;
    std::shared_ptr<Database> m_db;
};
