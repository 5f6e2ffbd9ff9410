#include "operations/OperationsWorkspace.h"

#include "operations/OperationDetailPane.h"
#include "operations/OperationService.h"
#include "operations/OperationsModel.h"
#include "shell/MessageBanner.h"
#include "shell/Prompts.h"
#include "shell/RowTintDelegate.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
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
    , m_retry(new QPushButton(tr("Retry"), this))
    , m_resolve(new QPushButton(tr("Resolve…"), this))
    , m_cancel(new QPushButton(tr("Cancel operation…"), this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_timeline(new QPushButton(tr("Timeline"), this))
    , m_compare(new QPushButton(tr("Compare"), this))
{
    setObjectName(QStringLiteral("operationsWorkspace"));
    buildFilters();

    m_table->setObjectName(QStringLiteral("operationsTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(
        static_cast<int>(OperationsColumn::State), new RowTintDelegate(tintOfState, m_table));
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(static_cast<int>(OperationsColumn::Age), Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    // Fixed row heights: the view never measures a million rows.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->verticalHeader()->hide();
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    const int widths[] = { 125, 135, 115, 115, 65, 320, 150, 55 };
    for (int c = 0; c < static_cast<int>(std::size(widths)); ++c)
        header->resizeSection(c, widths[c]);
    header->setStretchLastSection(true);

    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_resolve->setObjectName(QStringLiteral("resolveButton"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_refresh->setToolTip(tr("Read the operations again (F5): other consoles and agents change them too."));
    m_retry->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_retry->setToolTip(retryHint());
    m_message->setObjectName(QStringLiteral("actionMessage"));
    m_count->setObjectName(QStringLiteral("operationCount"));

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_count, 1);
    actions->addWidget(m_refresh);
    actions->addWidget(m_timeline);
    actions->addWidget(m_compare);
    actions->addWidget(m_retry);
    actions->addWidget(m_resolve);
    actions->addWidget(m_cancel);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addLayout(actions);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({ 900, 520 });

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("State"), this));
    filters->addWidget(m_stateFilter);
    filters->addWidget(new QLabel(tr("Provider"), this));
    filters->addWidget(m_providerFilter);
    filters->addWidget(new QLabel(tr("Action"), this));
    filters->addWidget(m_actionFilter);
    filters->addWidget(m_search, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_retry, &QPushButton::clicked, this, &OperationsWorkspace::retrySelected);
    connect(m_resolve, &QPushButton::clicked, this, &OperationsWorkspace::resolveSelected);
    connect(m_cancel, &QPushButton::clicked, this, &OperationsWorkspace::cancelSelected);
    connect(m_refresh, &QPushButton::clicked, this, &OperationsWorkspace::reloadAfterAction);
    m_timeline->setObjectName(QStringLiteral("timelineButton"));
    m_timeline->setToolTip(tr("Everything that happened to this operation's entity, from every system."));
    connect(m_timeline, &QPushButton::clicked, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (ids.size() != 1)
            return;
        if (auto op = m_service.get(ids.first()))
            Q_EMIT timelineRequested(op->entityId);
    });
    m_compare->setObjectName(QStringLiteral("compareButton"));
    m_compare->setToolTip(
        tr("This operation's record beside the provider's live object and the last webhook, field by field."));
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (ids.size() != 1)
            return;
        Q_EMIT compareRequested(ids.first());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &OperationsWorkspace::selectionChanged);
    connect(m_model, &OperationsModel::ready, this, [this] {
        m_count->setText(tr("%L1 operations").arg(m_model->rowCount()));
        selectionChanged();
    });
    connect(m_model, &OperationsModel::loadFailed, this, [this](const QString &text) { showMessage(text, true); });
    selectionChanged();
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
    m_search->setPlaceholderText(tr("Search entity, external id or error…"));
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
    m_retry->setText(ids.size() > 1 ? tr("Retry %1").arg(ids.size()) : tr("Retry"));
}

void OperationsWorkspace::showMessage(const QString &text, bool error)
{
    m_message->showMessage(text, error);
    Q_EMIT message(text);
}

void OperationsWorkspace::reloadAfterAction()
{
    m_detail->refresh();
    m_model->reload();
}

void OperationsWorkspace::retrySelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    m_busy = true;
    selectionChanged();
    showMessage(tr("Retrying %n operation(s)…", nullptr, static_cast<int>(ids.size())), false);
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
            reloadAfterAction();
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
    reloadAfterAction();
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
    reloadAfterAction();
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
