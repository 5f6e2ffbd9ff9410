#include "MainWindow.h"

#include "Database.h"
#include "OperationsWorkspace.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>

MainWindow::MainWindow(const WorkbenchContext &context, QWidget *parent)
    : QMainWindow(parent)
    , m_navigation(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_operations(new OperationsWorkspace(context.db, *context.operations, context.actor, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Reconsole — %1").arg(context.db->location().display()));
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFixedWidth(170);
    m_navigation->setSpacing(2);
    addWorkspace(tr("Operations"), m_operations);
    connect(m_navigation, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(0);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->addWidget(m_navigation);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    auto *where = new QLabel(context.db->location().display(), this);
    where->setObjectName(QStringLiteral("databaseLabel"));
    statusBar()->addPermanentWidget(where);
    if (!context.sandboxUrl.isEmpty())
        statusBar()->addPermanentWidget(new QLabel(tr("Sandbox: %1").arg(context.sandboxUrl), this));
    statusBar()->addPermanentWidget(new QLabel(tr("Signed in: %1").arg(context.actor), this));
    connect(m_operations, &OperationsWorkspace::message, this,
            [this](const QString &text) { statusBar()->showMessage(text.section(QLatin1Char('\n'), 0, 0), 8000); });
    resize(1500, 900);
}

void MainWindow::addWorkspace(const QString &name, QWidget *workspace)
{
    m_navigation->addItem(name);
    m_stack->addWidget(workspace);
}
