#pragma once

#include <QMainWindow>

#include <memory>

class Database;
class OperationService;
class OperationsWorkspace;
class QListWidget;
class QStackedWidget;

// What the window shows beside the data: where it comes from and who is signed in.
struct WorkbenchContext
{
    std::shared_ptr<Database> db;
    OperationService *operations = nullptr;
    QString actor;
    QString sandboxUrl; // empty when no sandbox runs in-process
};

// The shell: a navigation of workspaces on the left, the chosen one on the right.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const WorkbenchContext &context, QWidget *parent = nullptr);

    OperationsWorkspace *operationsWorkspace() const { return m_operations; }

private:
    void addWorkspace(const QString &name, QWidget *workspace);

    QListWidget *m_navigation;
    QStackedWidget *m_stack;
    OperationsWorkspace *m_operations;
};
