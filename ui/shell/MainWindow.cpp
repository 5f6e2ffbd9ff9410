#include "shell/MainWindow.h"

#include "access/AccessPolicy.h"
#include "credentials/CredentialsModel.h"
#include "credentials/CredentialsWorkspace.h"
#include "events/ActivityMonitor.h"
#include "operations/OperationsWorkspace.h"
#include "records/DiffWorkspace.h"
#include "records/RecordDiffView.h"
#include "records/RecordService.h"
#include "timeline/TimelineWorkspace.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>

MainWindow::MainWindow(const WorkbenchContext &context, QWidget *parent)
    : QMainWindow(parent)
    , m_navigation(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_operations(new OperationsWorkspace(*context.operationsModel, *context.operations, this))
    , m_credentials(new CredentialsWorkspace(
          *context.credentialsModel, *context.credentials, *context.providers, *context.access, this))
    , m_timeline(new TimelineWorkspace(*context.timelineModel, *context.records, this))
    , m_diff(new DiffWorkspace(*context.providers, *context.records, this))
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
    connect(m_navigation, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    for (int row = 0; row < m_navigation->count(); ++row) {
        if (m_navigation->item(row)->flags() & Qt::ItemIsEnabled) {
            m_navigation->setCurrentRow(row);
            break;
        }
    }

    // The alert list sits under the navigation, empty and hidden while all is well.
    m_alerts->setObjectName(QStringLiteral("alertList"));
    m_alerts->setFixedWidth(170);
    m_alerts->setWordWrap(true);
    m_alerts->setStyleSheet(QStringLiteral("QListWidget { background: #fff4e0; color: #8d5a00; }"));
    m_alerts->hide();
    auto *side = new QVBoxLayout;
    side->addWidget(m_navigation, 1);
    side->addWidget(m_alerts);
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->addLayout(side);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_alert->setObjectName(QStringLiteral("activityAlert"));
    m_alert->setStyleSheet(QStringLiteral("color: #b71c1c; font-weight: bold;"));
    m_alert->hide();
    statusBar()->addPermanentWidget(m_alert);
    m_expiry->setObjectName(QStringLiteral("expiryReminder"));
    m_expiry->setStyleSheet(QStringLiteral("color: #8d5a00; font-weight: bold;"));
    statusBar()->addPermanentWidget(m_expiry);
    // Long paths are elided so the status bar keeps room for messages; the whole one is the tooltip.
    auto *where = new QLabel(this);
    where->setObjectName(QStringLiteral("databaseLabel"));
    where->setToolTip(context.databaseName);
    where->setText(where->fontMetrics().elidedText(context.databaseName, Qt::ElideMiddle, 320));
    statusBar()->addPermanentWidget(where);
    if (!context.sandboxUrl.isEmpty())
        statusBar()->addPermanentWidget(new QLabel(tr("Sandbox: %1").arg(context.sandboxUrl), this));
    auto *who = new QLabel(tr("Signed in: %1 (%2)").arg(access.actor(), access.describe()), this);
    who->setObjectName(QStringLiteral("signedInLabel"));
    statusBar()->addPermanentWidget(who);

    auto toStatusBar
        = [this](const QString &text) { statusBar()->showMessage(text.section(QLatin1Char('\n'), 0, 0), 8000); };
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
        m_expiry->setText(count ? tr("%n credential(s) expire within %1 days", nullptr, count).arg(days) : QString());
        m_expiry->setVisible(count > 0);
    };
    connect(m_credentials, &CredentialsWorkspace::expiringChanged, this, showExpiry);
    m_credentials->model()->reload(); // emits the first reminder through the workspace
    auto *activity = new QTimer(this);
    connect(activity, &QTimer::timeout, this, &MainWindow::checkActivity);
    activity->start(60000);
    // The first look waits for the receiver to have heard what was in flight at start.
    QTimer::singleShot(5000, this, &MainWindow::checkActivity);
    resize(1500, 900);
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
    m_alert->setText(m_alerts->count() ? tr("⚠ %n alert(s): webhooks silent", nullptr, m_alerts->count()) : QString());
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
        statusBar()->showMessage(record.message(), 8000);
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
