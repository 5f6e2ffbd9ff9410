#include "operations/FailuresView.h"

#include "operations/FailureGroupsModel.h"
#include "operations/IgnoreGroupDialog.h"
#include "operations/OperationsQuery.h"
#include "operations/RetryPlanDialog.h"
#include "operations/RetryRunService.h"
#include "operations/RetryRunsPanel.h"
#include "operations/SparklineDelegate.h"
#include "providers/CircuitBreakerBanner.h"
#include "shell/ActionButton.h"
#include "shell/EmptyState.h"
#include "shell/Plural.h"
#include "shell/RowTintDelegate.h"
#include "shell/TableLook.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace {
using Column = FailureGroupsModel::Column;
using State = FailureGroup::State;

// The state filter's items, in order: what needs a person first, then each state, then all.
struct Shown
{
    const char *label;
    QList<State> states;
};
const QList<Shown> &shownChoices()
{
    static const QList<Shown> choices {
        { QT_TRANSLATE_NOOP("FailuresView", "Open and acknowledged"), { State::Open, State::Acknowledged } },
        { QT_TRANSLATE_NOOP("FailuresView", "Open"), { State::Open } },
        { QT_TRANSLATE_NOOP("FailuresView", "Acknowledged"), { State::Acknowledged } },
        { QT_TRANSLATE_NOOP("FailuresView", "Resolved"), { State::Resolved } },
        { QT_TRANSLATE_NOOP("FailuresView", "Ignored"), { State::Ignored } },
        { QT_TRANSLATE_NOOP("FailuresView", "All states"), {} },
    };
    return choices;
}
constexpr int kAllStates = 5;

RowTint tintOfGroup(const QModelIndex &index)
{
    const QVariant state = index.data(FailureGroupsModel::StateRole);
    if (!state.isValid())
        return {};
    if (index.data(FailureGroupsModel::RegressedRole).toBool())
        return { RowTint::Urgent, true };
    switch (static_cast<State>(state.toInt())) {
    case State::Open:
        return { RowTint::Urgent, false };
    case State::Acknowledged:
        return { RowTint::Waiting, false };
    case State::Resolved:
    case State::Ignored:
        return { RowTint::Muted, false };
    }
    return {};
}
} // namespace

FailuresView::FailuresView(RetryRunService &runs, QWidget *parent)
    : QWidget(parent)
    , m_runs(runs)
    , m_model(new FailureGroupsModel(this))
    , m_table(new QTableView(this))
    , m_stateFilter(new QComboBox(this))
    , m_count(new QLabel(this))
    , m_runsPanel(new RetryRunsPanel(runs, this))
    , m_breakers(new CircuitBreakerBanner(this))
    , m_changed(new QTimer(this))
    , m_clock(new QTimer(this))
    , m_acknowledge(new QAction(tr("Acknowledge"), this))
    , m_resolve(new QAction(tr("Resolve"), this))
    , m_ignore(new QAction(tr("Ignore…"), this))
    , m_reopen(new QAction(tr("Reopen"), this))
    , m_showOperations(new QAction(tr("Show operations"), this))
    , m_retry(new QAction(tr("Retry group…"), this))
{
    setObjectName(QStringLiteral("failuresView"));
    buildFilter();
    buildActions();
    buildTable();

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Show"), this));
    top->addWidget(m_stateFilter);
    top->addWidget(m_count, 1);
    auto *reread = new QPushButton(tr("Refresh"), this);
    reread->setObjectName(QStringLiteral("refreshGroupsButton"));
    reread->setToolTip(tr("Read the failure groups and runs again: agents and other consoles change them too."));
    connect(reread, &QPushButton::clicked, this, [this] {
        refresh();
        m_runsPanel->refresh();
    });
    top->addWidget(reread);

    auto *actions = new QHBoxLayout;
    actions->addWidget(new ActionButton(m_acknowledge, QStringLiteral("acknowledgeGroupButton"), this));
    actions->addWidget(new ActionButton(m_resolve, QStringLiteral("resolveGroupButton"), this));
    actions->addWidget(new ActionButton(m_ignore, QStringLiteral("ignoreGroupButton"), this));
    actions->addWidget(new ActionButton(m_reopen, QStringLiteral("reopenGroupButton"), this));
    actions->addStretch(1);
    actions->addWidget(new ActionButton(m_showOperations, QStringLiteral("showGroupOperationsButton"), this));
    actions->addWidget(new ActionButton(m_retry, QStringLiteral("retryGroupButton"), this));

    auto *groups = new QWidget(this);
    auto *groupsLayout = new QVBoxLayout(groups);
    groupsLayout->setContentsMargins(0, 0, 0, 0);
    groupsLayout->addWidget(m_breakers);
    groupsLayout->addLayout(top);
    groupsLayout->addWidget(m_table, 1);
    groupsLayout->addLayout(actions);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("failuresSplitter"));
    splitter->addWidget(groups);
    splitter->addWidget(m_runsPanel);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 600, 220 });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    m_changed->setSingleShot(true);
    m_changed->setInterval(150);
    connect(m_changed, &QTimer::timeout, this, [this] {
        if (!isVisible()) {
            m_stale = true;
            return;
        }
        refresh();
        m_runsPanel->refresh();
    });
    m_clock->setInterval(60000);
    connect(m_clock, &QTimer::timeout, this, &FailuresView::changed);
    connect(&m_runs, &RetryRunService::groupsChanged, this, &FailuresView::changed);
    connect(m_runsPanel, &RetryRunsPanel::runsAdvanced, this, &FailuresView::changed);
    connect(m_runsPanel, &RetryRunsPanel::message, this, &FailuresView::message);
    selectionChanged();
}

void FailuresView::buildFilter()
{
    m_stateFilter->setObjectName(QStringLiteral("groupStateFilter"));
    for (const Shown &choice : shownChoices())
        m_stateFilter->addItem(tr(choice.label));
    m_stateFilter->setToolTip(tr("Resolved and ignored groups leave the default list; a new failure brings them "
                                 "back."));
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, &FailuresView::refresh);
    m_count->setObjectName(QStringLiteral("groupCount"));
}

void FailuresView::buildTable()
{
    m_table->setObjectName(QStringLiteral("failureGroupsTable"));
    m_table->setModel(m_model);
    TableLook::apply(m_table, QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setItemDelegateForColumn(static_cast<int>(Column::State), new RowTintDelegate(tintOfGroup, m_table));
    m_table->setItemDelegateForColumn(
        static_cast<int>(Column::Trend), new SparklineDelegate(FailureGroupsModel::SparklineRole, m_table));
    TableLook::sizeColumns(m_table,
        { { static_cast<int>(Column::State), QStringLiteral("acknowledged · regression") },
            { static_cast<int>(Column::Failing), QStringLiteral("000,000") },
            { static_cast<int>(Column::Affected), QStringLiteral("000,000") },
            { static_cast<int>(Column::Failures), QStringLiteral("0,000,000") },
            { static_cast<int>(Column::FirstSeen),
                QLocale().toString(QDateTime(QDate(2000, 12, 28), QTime(23, 58)), QLocale::ShortFormat) },
            { static_cast<int>(Column::LastSeen), QStringLiteral("00 min ago") },
            { static_cast<int>(Column::Trend), QString(24, QLatin1Char('x')) } });
    m_table->horizontalHeader()->setSectionResizeMode(static_cast<int>(Column::Title), QHeaderView::Stretch);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &FailuresView::selectionChanged);
    connect(m_table, &QTableView::doubleClicked, m_showOperations, &QAction::trigger);
    m_empty = new EmptyState(
        m_table, [this] { return emptyMessage(); },
        [this](const QString &href) {
            if (href == QLatin1String("all"))
                m_stateFilter->setCurrentIndex(kAllStates);
        });
}

void FailuresView::buildActions()
{
    m_acknowledge->setObjectName(QStringLiteral("acknowledgeGroupAction"));
    m_acknowledge->setToolTip(tr("Say someone is on it: the group stays listed, no longer as new."));
    m_resolve->setObjectName(QStringLiteral("resolveGroupAction"));
    m_resolve->setToolTip(tr("Mark the cause fixed. A new failure of the group reopens it as a regression."));
    m_ignore->setObjectName(QStringLiteral("ignoreGroupAction"));
    m_ignore->setToolTip(tr("Hide the group for a while, until more failures, or for ever."));
    m_reopen->setObjectName(QStringLiteral("reopenGroupAction"));
    m_reopen->setToolTip(tr("Open the group again."));
    m_showOperations->setObjectName(QStringLiteral("showGroupOperationsAction"));
    m_showOperations->setToolTip(tr("The operations table, filtered to the operations this group affected."));
    m_retry->setObjectName(QStringLiteral("retryGroupAction"));
    m_retry->setToolTip(tr("Plan a bulk retry of the group's failing operations: see what it would send first."));
    for (QAction *action : { m_acknowledge, m_resolve, m_ignore, m_reopen, m_showOperations, m_retry })
        addAction(action);
    for (QAction *action : m_runsPanel->actions())
        addAction(action); // the workspace hands all of them to the shell's menus

    connect(m_acknowledge, &QAction::triggered, this, &FailuresView::acknowledgeSelected);
    connect(m_resolve, &QAction::triggered, this, &FailuresView::resolveSelected);
    connect(m_ignore, &QAction::triggered, this, &FailuresView::ignoreSelected);
    connect(m_reopen, &QAction::triggered, this, &FailuresView::reopenSelected);
    connect(m_retry, &QAction::triggered, this, &FailuresView::retrySelected);
    connect(m_showOperations, &QAction::triggered, this, [this] {
        if (const qint64 id = selectedGroupId())
            Q_EMIT showOperationsRequested(id);
    });
}

void FailuresView::setCircuitBreakers(const CircuitBreakerReader &breakers)
{
    m_breakers->setReader(&breakers);
}

void FailuresView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_clock->start();
    if (m_stale || !m_loaded)
        refresh();
}

void FailuresView::changed()
{
    m_changed->start();
}

QList<FailureGroup::State> FailuresView::shownStates() const
{
    return shownChoices().value(m_stateFilter->currentIndex()).states;
}

void FailuresView::refresh()
{
    m_changed->stop();
    m_stale = false;
    m_breakers->refresh(); // a breaker trips as operations fail: read with the groups
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto groups = m_runs.groups(shownStates(), 0);
    if (!groups) {
        Q_EMIT message(groups.message(), true);
        return;
    }
    QList<qint64> ids;
    for (const FailureGroup &g : groups.value())
        ids << g.id;
    auto lines = m_runs.sparklines(ids, now, kSparkBucketMs, kSparkBuckets);
    if (!lines)
        Q_EMIT message(lines.message(), true); // the list without its trends is still worth showing
    const qint64 keep = m_selected;
    m_model->setGroups(groups.value(), lines.value_or({}), now);
    m_loaded = true;
    if (const int row = m_model->rowOf(keep); row >= 0)
        m_table->selectRow(row);
    m_count->setText(plural(m_model->rowCount(), QT_TRANSLATE_NOOP("Plural", "%Ln failure group"),
        QT_TRANSLATE_NOOP("Plural", "%Ln failure groups")));
    m_empty->refreshText();
    selectionChanged();
}

QString FailuresView::emptyMessage() const
{
    if (!m_loaded || m_model->rowCount() > 0)
        return {};
    if (m_stateFilter->currentIndex() != kAllStates)
        return tr("<p><b>No failure groups in this state.</b></p><p>Operations that fail the same way are gathered "
                  "here as they fail. <a href=\"all\">Show all states</a></p>");
    return tr("<p><b>Nothing has failed yet.</b></p><p>Operations that fail the same way are gathered here as they "
              "fail, one line for each way.</p>");
}

qint64 FailuresView::selectedGroupId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(FailureGroupsModel::GroupIdRole).toLongLong();
}

void FailuresView::selectGroup(qint64 groupId)
{
    m_selected = groupId;
    if (const int row = m_model->rowOf(groupId); row >= 0) {
        m_table->selectRow(row);
        m_table->scrollTo(m_model->index(row, 0));
    }
}

void FailuresView::selectionChanged()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const FailureGroup *group = rows.isEmpty() ? nullptr : m_model->groupAt(rows.first().row());
    if (group)
        m_selected = group->id;
    const std::optional<State> state = group ? std::optional(group->state) : std::nullopt;
    m_acknowledge->setEnabled(state == State::Open);
    m_resolve->setEnabled(state && state != State::Resolved);
    m_ignore->setEnabled(state && state != State::Ignored);
    m_reopen->setEnabled(state && state != State::Open);
    m_showOperations->setEnabled(group != nullptr);
    m_retry->setEnabled(group && group->failing > 0);
    m_retry->setToolTip(group && group->failing == 0
            ? tr("None of this group's operations fails now: there is nothing to retry.")
            : tr("Plan a bulk retry of the group's failing operations: see what it would send first."));
}

void FailuresView::setState(
    State state, const QString &done, const QString &note, qint64 ignoreUntil, qint64 ignoreForFailures)
{
    const qint64 id = selectedGroupId();
    if (!id)
        return;
    Status set = m_runs.setGroupState(id, state, note, ignoreUntil, ignoreForFailures);
    Q_EMIT message(set ? done.arg(id) : set.message(), !set);
    if (set)
        refresh(); // at once: the person sees the row move
}

void FailuresView::acknowledgeSelected()
{
    setState(State::Acknowledged, tr("Failure group %1 acknowledged."));
}

void FailuresView::resolveSelected()
{
    setState(State::Resolved, tr("Failure group %1 resolved: a new failure reopens it as a regression."));
}

void FailuresView::reopenSelected()
{
    setState(State::Open, tr("Failure group %1 open again."));
}

void FailuresView::ignoreSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const FailureGroup *group = rows.isEmpty() ? nullptr : m_model->groupAt(rows.first().row());
    if (!group)
        return;
    auto *dialog = new IgnoreGroupDialog(group->title(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, id = group->id] {
        if (selectedGroupId() != id)
            selectGroup(id);
        setState(State::Ignored, tr("Failure group %1 ignored."), dialog->note(),
            dialog->ignoreUntil(QDateTime::currentMSecsSinceEpoch()), dialog->ignoreForFailures());
    });
    dialog->open();
}

void FailuresView::retrySelected()
{
    const qint64 id = selectedGroupId();
    if (!id)
        return;
    OperationsFilter scope;
    scope.failureGroupId = id;
    auto dialog = RetryPlanDialog::planAndOpen(m_runs, scope, this);
    if (!dialog) {
        Q_EMIT message(dialog.message(), true);
        return;
    }
    connect(dialog.value(), &RetryPlanDialog::reported, this, &FailuresView::message);
    connect(dialog.value(), &RetryPlanDialog::confirmed, this,
        [this](const RetryRun &run) { m_runsPanel->selectRun(run.id); });
}
