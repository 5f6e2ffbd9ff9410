#include "operations/OperationsWorkspace.h"

#include "operations/FailuresView.h"
#include "operations/OperationDetailPane.h"
#include "operations/OperationService.h"
#include "operations/OperationsModel.h"
#include "operations/OperationsQuery.h"
#include "operations/RetryPlanDialog.h"
#include "operations/RetryRunService.h"
#include "operations/RetryRunsPanel.h"
#include "shell/ActionButton.h"
#include "shell/EmptyState.h"
#include "shell/MessageBanner.h"
#include "shell/Plural.h"
#include "shell/Prompts.h"
#include "shell/RowTintDelegate.h"
#include "shell/TableLook.h"
#include "shell/Tints.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace {
// Items of the state filter: all, everything needing action, then each state.
constexpr int kAllStates = -1;
constexpr int kNeedsAction = -2;

// A state by urgency, so what needs a person stands out in a long list.
RowTint tintOfState(const QModelIndex &index)
{
    const QVariant state = index.data(OperationsModel::StateRole);
    if (!state.isValid())
        return {};
    switch (static_cast<OperationState>(state.toInt())) {
    case OperationState::FailedPermanent:
    case OperationState::NeedsAttention:
        return { RowTint::Urgent, true };
    case OperationState::UnknownOutcome:
        return { RowTint::Unknown, true };
    case OperationState::RetryScheduled:
        return { RowTint::Waiting, true };
    default:
        return {};
    }
}
QString retryHint()
{
    return QObject::tr("Send the selected operations again with their own idempotency keys. Unknown outcomes are "
                       "looked up at the provider first, so nothing is charged twice.");
}
} // namespace

OperationsWorkspace::OperationsWorkspace(OperationsModel &model, OperationService &service, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_model(&model)
    , m_table(new QTableView(this))
    , m_detail(new OperationDetailPane(service, this))
    , m_stateFilter(new QComboBox(this))
    , m_providerFilter(new QComboBox(this))
    , m_actionFilter(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_searchDelay(new QTimer(this))
    , m_count(new QLabel(this))
    , m_message(new MessageBanner(this))
    , m_retry(new QAction(tr("Retry"), this))
    , m_resolve(new QAction(tr("Resolve…"), this))
    , m_cancel(new QAction(tr("Cancel operation…"), this))
    , m_timeline(new QAction(tr("Timeline"), this))
    , m_compare(new QAction(tr("Compare"), this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_retryMatching(new QAction(tr("Retry all matching…"), this))
    , m_views(new QTabWidget(this))
    , m_groupChip(new QToolButton(this))
    , m_changed(new QTimer(this))
{
    setObjectName(QStringLiteral("operationsWorkspace"));
    buildFilters();
    buildActions();

    m_table->setObjectName(QStringLiteral("operationsTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(
        static_cast<int>(OperationsColumn::State), new RowTintDelegate(tintOfState, m_table));
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(static_cast<int>(OperationsColumn::Age), Qt::AscendingOrder);
    // A column with no index to sort by (Amount) keeps the indicator where the order really is.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
        [this, sorted = qMakePair(static_cast<int>(OperationsColumn::Age), Qt::AscendingOrder)](
            int column, Qt::SortOrder order) mutable {
            if (OperationsQuery::isSortable(static_cast<OperationsColumn>(column))) {
                sorted = qMakePair(column, order);
                return;
            }
            const QSignalBlocker quiet(m_table->horizontalHeader());
            m_table->horizontalHeader()->setSortIndicator(sorted.first, sorted.second);
        });
    // Fixed row heights among the rest: the view never measures a million rows.
    TableLook::apply(m_table, QAbstractItemView::ExtendedSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    sizeColumns();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(m_views, 1);
    m_views->setObjectName(QStringLiteral("operationsViews"));
    m_views->setDocumentMode(true);
    m_views->addTab(buildTablePage(), tr("Operations"));
    m_views->tabBar()->hide(); // one view until the Failures tab joins it

    connect(m_refresh, &QPushButton::clicked, this, &OperationsWorkspace::refresh);
    m_changed->setSingleShot(true);
    m_changed->setInterval(150);
    connect(m_changed, &QTimer::timeout, this, &OperationsWorkspace::refresh);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &OperationsWorkspace::selectionChanged);
    connect(m_model, &OperationsModel::ready, this, [this] {
        m_count->setText(plural(m_model->rowCount(), QT_TRANSLATE_NOOP("Plural", "%Ln operation"),
            QT_TRANSLATE_NOOP("Plural", "%Ln operations")));
        if (m_keptScroll >= 0) {
            m_table->doItemsLayout(); // the scroll range of the new row count, before restoring
            m_table->verticalScrollBar()->setValue(m_keptScroll);
            m_keptScroll = -1;
        }
        reselect(0, m_model->rowCount());
        m_empty->refreshText();
        selectionChanged();
    });
    connect(m_model, &OperationsModel::pageLoaded, this,
        [this](int page) { reselect(page * OperationsModel::kPageSize(), OperationsModel::kPageSize()); });
    m_empty = new EmptyState(
        m_table, [this] { return emptyMessage(); },
        [this](const QString &href) {
            if (href == QLatin1String("clear"))
                clearFilters();
            else if (href == QLatin1String("providers"))
                Q_EMIT providersRequested();
        });
    connect(m_model, &OperationsModel::loadFailed, this, [this](const QString &text) { showMessage(text, true); });
    selectionChanged();
}

// The operations table, its filters, its actions and the detail beside it: the first tab.
QWidget *OperationsWorkspace::buildTablePage()
{
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    // F5 itself is View > Refresh, which refreshes whichever workspace is shown.
    m_refresh->setToolTip(tr("Read the operations again (F5): other consoles and agents change them too."));
    m_message->setObjectName(QStringLiteral("actionMessage"));
    m_count->setObjectName(QStringLiteral("operationCount"));

    auto *page = new QWidget(this);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_count, 1);
    actions->addWidget(m_refresh);
    actions->addWidget(new ActionButton(m_retryMatching, QStringLiteral("retryMatchingButton"), page));
    actions->addWidget(new ActionButton(m_timeline, QStringLiteral("timelineButton"), page));
    actions->addWidget(new ActionButton(m_compare, QStringLiteral("compareButton"), page));
    actions->addWidget(new ActionButton(m_retry, QStringLiteral("retryButton"), page));
    actions->addWidget(new ActionButton(m_resolve, QStringLiteral("resolveButton"), page));
    actions->addWidget(new ActionButton(m_cancel, QStringLiteral("cancelButton"), page));

    auto *left = new QWidget(page);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addLayout(actions);

    auto *splitter = new QSplitter(Qt::Horizontal, page);
    splitter->setObjectName(QStringLiteral("operationsSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({ 900, 520 });

    m_groupChip->setObjectName(QStringLiteral("groupFilterChip"));
    m_groupChip->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_groupChip->setToolTip(tr("Only the operations of this failure group are shown. Click to show all again."));
    m_groupChip->setStyleSheet(Tints::bannerStyle(Tints::Tone::Info, palette()));
    m_groupChip->hide();
    connect(m_groupChip, &QToolButton::clicked, this, [this] { filterToGroup(0); });

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("State"), page));
    filters->addWidget(m_stateFilter);
    filters->addWidget(new QLabel(tr("Provider"), page));
    filters->addWidget(m_providerFilter);
    filters->addWidget(new QLabel(tr("Action"), page));
    filters->addWidget(m_actionFilter);
    filters->addWidget(m_groupChip);
    filters->addWidget(m_search, 1);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);
    return page;
}

void OperationsWorkspace::buildActions()
{
    m_retry->setObjectName(QStringLiteral("retryAction"));
    m_retry->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_retry->setToolTip(retryHint());
    m_resolve->setObjectName(QStringLiteral("resolveAction"));
    m_resolve->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_resolve->setToolTip(tr("Close the selected operation without sending it again, with a reason."));
    m_cancel->setObjectName(QStringLiteral("cancelAction"));
    m_cancel->setToolTip(tr("Make sure the selected operation is never sent, with a reason."));
    m_timeline->setObjectName(QStringLiteral("timelineAction"));
    m_timeline->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_timeline->setToolTip(tr("Everything that happened to this operation's entity, from every system."));
    m_compare->setObjectName(QStringLiteral("compareAction"));
    m_compare->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_compare->setToolTip(
        tr("This operation's record beside the provider's live object and the last webhook, field by field."));
    m_retryMatching->setObjectName(QStringLiteral("retryMatchingAction"));
    m_retryMatching->setToolTip(tr("Plan a bulk retry of every operation the filters match, at the providers' pace: "
                                   "see what it would send and skip before anything goes."));
    m_retryMatching->setVisible(false); // until there are retry runs to plan (setRetryRuns)
    for (QAction *action : { m_retry, m_resolve, m_cancel, m_timeline, m_compare, m_retryMatching })
        addAction(action); // the shell's menus and command palette read them from here
    connect(m_retryMatching, &QAction::triggered, this, &OperationsWorkspace::retryMatching);

    connect(m_retry, &QAction::triggered, this, &OperationsWorkspace::retrySelected);
    connect(m_resolve, &QAction::triggered, this, &OperationsWorkspace::resolveSelected);
    connect(m_cancel, &QAction::triggered, this, &OperationsWorkspace::cancelSelected);
    connect(m_timeline, &QAction::triggered, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (ids.size() != 1)
            return;
        if (auto op = m_service.get(ids.first()))
            Q_EMIT timelineRequested(op->entityId);
    });
    connect(m_compare, &QAction::triggered, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (ids.size() != 1)
            return;
        Q_EMIT compareRequested(ids.first());
    });
}

// Columns sized to what they hold: State to its longest label in bold (the tint's weight), so
// no state is ever cut; an Amount column, where the model has one, to a large sum.
void OperationsWorkspace::sizeColumns()
{
    QHeaderView *header = m_table->horizontalHeader();
    const int padding = 2 * m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 10;
    const QFontMetrics metrics(m_table->font());
    QFont bold = m_table->font();
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    // Wide enough for its title (bold while a row is selected) and for a typical value.
    auto fit = [&](int column, const QString &sample) {
        const QString title = m_model->headerData(column, Qt::Horizontal).toString();
        header->resizeSection(
            column, qMax(boldMetrics.horizontalAdvance(title), metrics.horizontalAdvance(sample)) + padding);
    };
    fit(static_cast<int>(OperationsColumn::Action), QStringLiteral("capture_payment"));
    fit(static_cast<int>(OperationsColumn::Entity), QStringLiteral("customer CUS-0000"));
    fit(static_cast<int>(OperationsColumn::Provider), QStringLiteral("stripe-sandbox"));
    fit(static_cast<int>(OperationsColumn::Attempts), QStringLiteral("99"));
    fit(static_cast<int>(OperationsColumn::LastError), QString(36, QLatin1Char('x')));
    fit(static_cast<int>(OperationsColumn::ExternalId), QStringLiteral("pi_0000000000000"));
    fit(static_cast<int>(OperationsColumn::Age), QStringLiteral("000 min"));
    int state = 0; // in bold, as the tint draws what needs a person
    for (OperationState s : OperationStates::all())
        state = qMax(state, boldMetrics.horizontalAdvance(OperationStates::label(s)));
    header->resizeSection(static_cast<int>(OperationsColumn::State), state + padding);
    for (int c = 0; c < m_model->columnCount(); ++c) {
        if (m_model->headerData(c, Qt::Horizontal).toString() == tr("Amount"))
            fit(c, QLocale().toString(999999.99, 'f', 2) + QStringLiteral(" EUR"));
    }
}

QString OperationsWorkspace::emptyMessage() const
{
    if (!m_model->isReady())
        return {};
    if (!(m_model->filter() == OperationsFilter {}))
        return tr("No operations match these filters. <a href=\"clear\">Clear filters</a>");
    return tr(
        "<p><b>No operations yet.</b></p><p>Operations appear here once a provider is connected and your "
        "systems send through Reconsole.</p><p>To look around first, start the demo: <code>reconsole "
        "--demo</code>.</p><p>To connect your own, an admin adds the provider in <a href=\"providers\">Providers</a> "
        "(or with <code>reconsolectl providers add</code>), then its key.</p>");
}

void OperationsWorkspace::setRetryRuns(RetryRunService &runs)
{
    if (m_runs)
        return; // one set of runs for the window's life
    m_runs = &runs;
    m_failures = new FailuresView(runs, this);
    m_views->addTab(m_failures, tr("Failures"));
    m_views->tabBar()->show();
    m_retryMatching->setVisible(true);
    for (QAction *action : m_failures->actions())
        addAction(action);
    connect(m_failures, &FailuresView::message, this, &OperationsWorkspace::showMessage);
    connect(m_failures, &FailuresView::showOperationsRequested, this, [this](qint64 groupId) {
        filterToGroup(groupId);
        showOperationsTable();
    });
}

void OperationsWorkspace::showFailures()
{
    if (m_failures)
        m_views->setCurrentWidget(m_failures);
}

void OperationsWorkspace::showOperationsTable()
{
    m_views->setCurrentIndex(0);
}

void OperationsWorkspace::filterToGroup(qint64 groupId)
{
    m_groupFilter = groupId;
    m_groupChip->setText(tr("failure group %1  ✕").arg(groupId));
    m_groupChip->setVisible(groupId != 0);
    applyFilter();
}

void OperationsWorkspace::retryMatching()
{
    if (!m_runs)
        return;
    auto dialog = RetryPlanDialog::planAndOpen(*m_runs, m_model->filter(), this);
    if (!dialog) {
        showMessage(dialog.message(), true);
        return;
    }
    connect(dialog.value(), &RetryPlanDialog::reported, this, &OperationsWorkspace::showMessage);
    connect(dialog.value(), &RetryPlanDialog::confirmed, this, [this](const RetryRun &run) {
        if (m_failures)
            m_failures->runsPanel()->selectRun(run.id);
    });
}

void OperationsWorkspace::clearFilters()
{
    m_groupFilter = 0;
    m_groupChip->hide();
    const QSignalBlocker blockSearch(m_search);
    m_search->clear();
    for (QComboBox *box : { m_stateFilter, m_providerFilter, m_actionFilter }) {
        const QSignalBlocker block(box);
        box->setCurrentIndex(0);
    }
    applyFilter();
}

QAbstractItemView *OperationsWorkspace::mainTable() const
{
    if (m_failures && m_views->currentWidget() == m_failures)
        return m_failures->table();
    return m_table;
}

QLineEdit *OperationsWorkspace::searchField() const
{
    return m_search;
}

void OperationsWorkspace::operationsChanged(const QList<qint64> &ids)
{
    Q_UNUSED(ids) // any change may move rows in or out of the filter: the page is read again
    m_changed->start();
    if (m_failures)
        m_failures->changed(); // a failure or a settlement moves its group's counts
}

void OperationsWorkspace::refresh()
{
    m_changed->stop();
    const QList<qint64> selected = selectedIds();
    m_reselect = QSet<qint64>(selected.begin(), selected.end());
    m_keptScroll = m_table->verticalScrollBar()->value();
    m_detail->refresh();
    m_model->reload();
    if (m_failures && m_views->currentWidget() == m_failures)
        m_failures->changed();
}

void OperationsWorkspace::reselect(int firstRow, int rowCount)
{
    if (m_reselect.isEmpty())
        return;
    QItemSelection selection;
    const int end = qMin(firstRow + rowCount, m_model->rowCount());
    for (int row = firstRow; row < end && m_model->isRowLoaded(row); ++row) {
        if (m_reselect.remove(m_model->operationIdAt(row)))
            selection.select(m_model->index(row, 0), m_model->index(row, m_model->columnCount() - 1));
    }
    if (selection.isEmpty())
        return;
    m_reselecting = true;
    m_table->selectionModel()->select(selection, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    if (!m_table->selectionModel()->currentIndex().isValid())
        m_table->selectionModel()->setCurrentIndex(selection.first().topLeft(), QItemSelectionModel::NoUpdate);
    m_reselecting = false;
}

void OperationsWorkspace::buildFilters()
{
    m_stateFilter->setObjectName(QStringLiteral("stateFilter"));
    m_stateFilter->addItem(tr("All states"), kAllStates);
    m_stateFilter->addItem(tr("Needs action (failed)"), kNeedsAction);
    for (OperationState s : OperationStates::all())
        m_stateFilter->addItem(OperationStates::label(s), static_cast<int>(s));

    m_providerFilter->setObjectName(QStringLiteral("providerFilter"));
    m_actionFilter->setObjectName(QStringLiteral("actionFilter"));
    m_providerFilter->addItem(tr("All providers"), QString());
    m_actionFilter->addItem(tr("All actions"), QString());
    if (auto providers = m_service.providersInUse())
        for (const QString &p : providers.value())
            m_providerFilter->addItem(p, p);
    if (auto actions = m_service.actionsInUse())
        for (const QString &a : actions.value())
            m_actionFilter->addItem(a, a);

    m_search->setObjectName(QStringLiteral("searchField"));
    m_search->setPlaceholderText(tr("Search entity, external id, e-mail or error…"));
    m_search->setClearButtonEnabled(true);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250); // one query when typing pauses, not one per key
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &OperationsWorkspace::applyFilter);
    for (QComboBox *box : { m_stateFilter, m_providerFilter, m_actionFilter })
        connect(box, &QComboBox::currentIndexChanged, this, &OperationsWorkspace::applyFilter);
}

void OperationsWorkspace::applyFilter()
{
    OperationsFilter filter;
    const int state = m_stateFilter->currentData().toInt();
    if (state == kNeedsAction)
        filter.states = OperationStates::needingAction();
    else if (state >= 0)
        filter.states = { static_cast<OperationState>(state) };
    filter.providerId = m_providerFilter->currentData().toString();
    filter.action = m_actionFilter->currentData().toString();
    filter.text = m_search->text();
    filter.failureGroupId = m_groupFilter;
    if (filter == m_model->filter())
        return;
    m_detail->showOperation(0);
    m_model->setFilter(filter);
}

QList<qint64> OperationsWorkspace::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        if (const qint64 id = m_model->operationIdAt(index.row()))
            ids << id;
    }
    return ids;
}

void OperationsWorkspace::selectionChanged()
{
    if (!m_reselecting && m_table->selectionModel()->hasSelection() && !m_model->isReady())
        m_reselect.clear(); // the person chose anew while the refresh was on its way
    const QList<qint64> ids = selectedIds();
    if (ids.size() == 1)
        m_detail->showOperation(ids.first());
    // Offer only what the selected operations' states allow; the engine refuses the rest anyway.
    bool canRetry = false;
    bool canResolve = ids.size() == 1;
    bool canCancel = ids.size() == 1;
    QString whyNotRetry; // what the first selected operation that cannot be retried says of itself
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        const QVariant state = m_model->data(index, OperationsModel::StateRole);
        if (!state.isValid())
            continue;
        const auto s = static_cast<OperationState>(state.toInt());
        const bool retryable = OperationStates::canTransition(s, OperationState::Sending);
        canRetry = canRetry || retryable;
        if (!retryable && whyNotRetry.isEmpty()) {
            const QString lastError
                = m_model->index(index.row(), static_cast<int>(OperationsColumn::LastError)).data().toString();
            whyNotRetry = lastError.isEmpty() || s != OperationState::FailedPermanent
                ? OperationStates::refusal(s, OperationState::Sending)
                : lastError;
        }
        canResolve = canResolve && OperationStates::canTransition(s, OperationState::Resolved);
        canCancel = canCancel && OperationStates::canTransition(s, OperationState::Cancelled);
    }
    m_retry->setEnabled(!m_busy && canRetry);
    // Disabled, the button says why: nothing selected is one that sending again could fix.
    m_retry->setToolTip(
        canRetry || whyNotRetry.isEmpty() ? retryHint() : tr("Nothing selected can be retried: %1").arg(whyNotRetry));
    m_resolve->setEnabled(!m_busy && canResolve);
    m_cancel->setEnabled(!m_busy && canCancel);
    m_timeline->setEnabled(ids.size() == 1);
    m_compare->setEnabled(ids.size() == 1);
    m_retry->setText(ids.size() > 1 ? tr("Retry %L1").arg(ids.size()) : tr("Retry"));
    if (!canResolve)
        m_resolve->setToolTip(ids.size() == 1 ? tr("Only an operation that failed or waits can be resolved.")
                                              : tr("Select one operation to resolve it."));
    else
        m_resolve->setToolTip(tr("Close the selected operation without sending it again, with a reason."));
    if (!canCancel)
        m_cancel->setToolTip(ids.size() == 1 ? tr("Only an operation not yet sent or settled can be cancelled.")
                                             : tr("Select one operation to cancel it."));
    else
        m_cancel->setToolTip(tr("Make sure the selected operation is never sent, with a reason."));
    const QString pickOne = ids.size() == 1 ? QString() : tr(" Select one operation first.");
    m_timeline->setToolTip(tr("Everything that happened to this operation's entity, from every system.") + pickOne);
    m_compare->setToolTip(
        tr("This operation's record beside the provider's live object and the last webhook, field by field.")
        + pickOne);
}

void OperationsWorkspace::showMessage(const QString &text, bool error)
{
    m_message->showMessage(text, error);
    Q_EMIT message(text);
}

void OperationsWorkspace::retrySelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    m_busy = true;
    selectionChanged();
    showMessage(plural(ids.size(), QT_TRANSLATE_NOOP("Plural", "Retrying %Ln operation…"),
                    QT_TRANSLATE_NOOP("Plural", "Retrying %Ln operations…")),
        false);
    auto problems = std::make_shared<QStringList>();
    auto succeeded = std::make_shared<int>(0);
    m_service.retry(
        ids,
        [problems, succeeded](qint64 id, const Result<Operation> &result) {
            if (result)
                ++*succeeded;
            else
                *problems << tr("Operation %1: %2").arg(id).arg(result.message());
        },
        [this, problems, succeeded, count = ids.size()] {
            m_busy = false;
            if (problems->isEmpty())
                showMessage(tr("%1 of %2 retried successfully.").arg(*succeeded).arg(count), false);
            else
                showMessage(
                    tr("%1 of %2 succeeded.\n%3").arg(*succeeded).arg(count).arg(problems->join(QLatin1Char('\n'))),
                    true);
            // The rows themselves are read again by the shell, which hears every change.
        });
}

void OperationsWorkspace::resolveSelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1)
        return;
    const QString reason = Prompts::reason(this, tr("Resolve operation %1").arg(ids.first()),
        tr("Resolving closes the operation without sending it again. Say why "
           "(the audit log keeps it):"));
    if (reason.isEmpty())
        return;
    Status done = m_service.resolve(ids.first(), reason);
    showMessage(done ? tr("Operation %1 resolved.").arg(ids.first()) : done.message(), !done);
}

void OperationsWorkspace::cancelSelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1)
        return;
    const QString reason = Prompts::reason(
        this, tr("Cancel operation %1").arg(ids.first()), tr("Cancelling means it will never be sent. Say why:"));
    if (reason.isEmpty())
        return;
    Status done = m_service.cancel(ids.first(), reason);
    showMessage(done ? tr("Operation %1 cancelled.").arg(ids.first()) : done.message(), !done);
}

void OperationsWorkspace::selectOperation(qint64 id)
{
    auto select = [this, id] {
        for (int row = 0; row < m_model->rowCount() && m_model->isRowLoaded(row); ++row) {
            if (m_model->operationIdAt(row) == id) {
                m_table->selectRow(row);
                m_table->scrollTo(m_model->index(row, 0));
                return;
            }
        }
        m_detail->showOperation(id);
    };
    if (m_model->isReady())
        select();
    else
        connect(m_model, &OperationsModel::ready, this, select, Qt::SingleShotConnection);
}
