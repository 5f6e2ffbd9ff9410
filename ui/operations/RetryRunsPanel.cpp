#include "operations/RetryRunsPanel.h"

#include "access/AccessPolicy.h"
#include "operations/RetryPlanDialog.h"
#include "operations/RetryRunService.h"
#include "operations/RetryRunsModel.h"
#include "shell/ActionButton.h"
#include "shell/EmptyState.h"
#include "shell/Prompts.h"
#include "shell/TableLook.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace {
using Column = RetryRunsModel::Column;
using State = RetryRun::State;

bool isGoing(State state)
{
    return state == State::Running || state == State::Paused || state == State::AwaitingApproval;
}

// The Progress column as a progress bar, the count written on it.
class ProgressDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem cell = option;
        initStyleOption(&cell, index);
        const QString text = cell.text;
        cell.text.clear();
        QStyle *style = option.widget ? option.widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &cell, painter, option.widget);
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(3, 3, -3, -3);
        bar.palette = option.palette;
        bar.state = option.state | QStyle::State_Horizontal;
        bar.minimum = 0;
        bar.maximum = 1000;
        bar.progress = qRound(index.data(RetryRunsModel::ProgressRole).toDouble() * 1000);
        bar.text = text;
        bar.textVisible = true;
        bar.textAlignment = Qt::AlignCenter;
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
    }
};
} // namespace

RetryRunsPanel::RetryRunsPanel(RetryRunService &runs, QWidget *parent)
    : QWidget(parent)
    , m_runs(runs)
    , m_model(new RetryRunsModel(this))
    , m_table(new QTableView(this))
    , m_status(new QLabel(this))
    , m_review(new QAction(tr("Review plan…"), this))
    , m_approve(new QAction(tr("Approve run…"), this))
    , m_pause(new QAction(tr("Pause run"), this))
    , m_resume(new QAction(tr("Resume run"), this))
    , m_cancel(new QAction(tr("Cancel run…"), this))
    , m_poll(new QTimer(this))
{
    setObjectName(QStringLiteral("retryRunsPanel"));
    m_table->setObjectName(QStringLiteral("retryRunsTable"));
    m_table->setModel(m_model);
    TableLook::apply(m_table, QAbstractItemView::SingleSelection);
    m_table->setItemDelegateForColumn(static_cast<int>(Column::Progress), new ProgressDelegate(m_table));
    TableLook::sizeColumns(m_table,
        { { static_cast<int>(Column::Run), QStringLiteral("#0000") },
            { static_cast<int>(Column::State), QStringLiteral("awaiting approval") },
            { static_cast<int>(Column::Progress), QStringLiteral("00,000 of 00,000") },
            { static_cast<int>(Column::Rate), QStringLiteral("000.0/s") },
            { static_cast<int>(Column::Eta), QStringLiteral("about 00 min") },
            { static_cast<int>(Column::Outcome), QStringLiteral("00,000 succeeded · 000 failed · 000 skipped") },
            { static_cast<int>(Column::PlannedBy), QStringLiteral("alice, approved by bob") } });
    m_status->setObjectName(QStringLiteral("runStatus"));
    m_status->setWordWrap(true);
    buildActions();

    auto *title = new QLabel(tr("Retry runs"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(title);
    buttons->addWidget(m_status, 1);
    buttons->addWidget(new ActionButton(m_review, QStringLiteral("reviewRunButton"), this));
    buttons->addWidget(new ActionButton(m_approve, QStringLiteral("approveRunButton"), this));
    buttons->addWidget(new ActionButton(m_pause, QStringLiteral("pauseRunButton"), this));
    buttons->addWidget(new ActionButton(m_resume, QStringLiteral("resumeRunButton"), this));
    buttons->addWidget(new ActionButton(m_cancel, QStringLiteral("cancelRunButton"), this));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);

    new EmptyState(m_table, [this] {
        return m_model->rowCount() > 0 ? QString()
                                       : tr("No bulk retries yet. Select a failure group and choose <b>Retry "
                                            "group…</b>: you see the plan, and nothing is sent before you confirm.");
    });

    m_poll->setInterval(1000);
    connect(m_poll, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
        else
            m_poll->stop(); // read again when shown
    });
    connect(&m_runs, &RetryRunService::runsChanged, this, &RetryRunsPanel::refresh);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RetryRunsPanel::selectionChanged);
    selectionChanged();
}

void RetryRunsPanel::buildActions()
{
    m_review->setObjectName(QStringLiteral("reviewRunAction"));
    m_review->setToolTip(tr("The selected run's plan, planned here or with reconsolectl: confirm or discard it."));
    m_approve->setObjectName(QStringLiteral("approveRunAction"));
    m_pause->setObjectName(QStringLiteral("pauseRunAction"));
    m_resume->setObjectName(QStringLiteral("resumeRunAction"));
    m_cancel->setObjectName(QStringLiteral("cancelRunAction"));
    m_pause->setToolTip(tr("Stop sending more of the selected run; what is out finishes."));
    m_resume->setToolTip(tr("Go on sending the selected run."));
    m_cancel->setToolTip(tr("Skip what the selected run has not sent yet; what was sent stays sent."));
    for (QAction *action : { m_review, m_approve, m_pause, m_resume, m_cancel })
        addAction(action);
    connect(m_review, &QAction::triggered, this, &RetryRunsPanel::review);
    connect(m_approve, &QAction::triggered, this, &RetryRunsPanel::approve);
    connect(m_pause, &QAction::triggered, this,
        [this] { act(tr("Retry run %1 paused."), [this](qint64 id) { return m_runs.pause(id); }); });
    connect(m_resume, &QAction::triggered, this,
        [this] { act(tr("Retry run %1 resumed."), [this](qint64 id) { return m_runs.resume(id); }); });
    connect(m_cancel, &QAction::triggered, this, &RetryRunsPanel::cancel);
}

void RetryRunsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void RetryRunsPanel::refresh()
{
    auto runs = m_runs.recent(50);
    if (!runs) {
        m_poll->stop();
        Q_EMIT message(runs.message(), true);
        return;
    }
    QString going;
    for (const RetryRun &run : runs.value())
        if (isGoing(run.state))
            going
                += QStringLiteral("%1:%2:%3;").arg(run.id).arg(static_cast<int>(run.state)).arg(run.done + run.skipped);
    const bool advanced = going != m_going && !m_going.isEmpty();
    m_going = going;

    const qint64 keep = m_selected;
    m_model->setRuns(runs.value(), QDateTime::currentMSecsSinceEpoch());
    const int row = m_model->rowOf(keep);
    if (row >= 0 || m_model->rowCount() > 0)
        m_table->selectRow(row >= 0 ? row : 0);
    selectionChanged();
    if (!going.isEmpty() && isVisible())
        m_poll->start();
    else
        m_poll->stop();
    if (advanced)
        Q_EMIT runsAdvanced();
}

void RetryRunsPanel::selectRun(qint64 runId)
{
    m_selected = runId;
    refresh();
}

const RetryRun *RetryRunsPanel::selectedRun() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->runAt(rows.first().row());
}

QString RetryRunsPanel::describe(const RetryRun &run) const
{
    const QLocale locale;
    switch (run.state) {
    case State::Planned:
        return tr("Run %1 is planned: nothing is sent until %2 confirms it.").arg(run.id).arg(run.plannedBy);
    case State::AwaitingApproval:
        if (run.plannedBy == m_runs.access().actor() || run.confirmedBy == m_runs.access().actor())
            return tr("Run %1: Waiting for a second person: support or admin. You planned it, so someone else "
                      "approves it.")
                .arg(run.id);
        return tr("Run %1: Waiting for a second person: support or admin. %2 planned it; you may approve it.")
            .arg(run.id)
            .arg(run.plannedBy);
    case State::Running:
        return tr("Run %1 is sending: %2 of %3 done.")
            .arg(run.id)
            .arg(locale.toString(run.done + run.skipped), locale.toString(run.toSend));
    case State::Paused:
        return tr("Run %1 is paused with %L2 still to send.").arg(run.id).arg(run.remaining());
    case State::Finished:
    case State::Cancelled:
    case State::Discarded:
        return tr("Run %1 %2. %3").arg(run.id).arg(RetryRunsModel::stateLabel(run.state), run.summary);
    }
    return {};
}

void RetryRunsPanel::selectionChanged()
{
    const RetryRun *run = selectedRun();
    m_selected = run ? run->id : m_selected;
    m_status->setText(run ? describe(*run) : QString());
    const AccessPolicy &access = m_runs.access();
    const bool mayApprove = access.allows(Permission::HandleOperations) || access.allows(Permission::ManageCredentials);
    const bool someoneElse = run && run->plannedBy != access.actor() && run->confirmedBy != access.actor();
    const bool awaiting = run && run->state == State::AwaitingApproval;
    m_review->setEnabled(run && run->state == State::Planned);
    m_approve->setEnabled(awaiting && someoneElse && mayApprove);
    m_approve->setToolTip(awaiting && !someoneElse
            ? tr("You planned this run: a second person (support or admin) approves it.")
            : tr("Let the selected run go as the second person: support or admin, not whoever planned it."));
    m_pause->setEnabled(run && run->state == State::Running);
    m_resume->setEnabled(run && run->state == State::Paused);
    m_cancel->setEnabled(run
        && (run->state == State::Planned || run->state == State::AwaitingApproval || run->state == State::Running
            || run->state == State::Paused));
}

void RetryRunsPanel::act(const QString &done, const std::function<Result<RetryRun>(qint64)> &action)
{
    const RetryRun *run = selectedRun();
    if (!run)
        return;
    const qint64 id = run->id;
    auto result = action(id);
    Q_EMIT message(result ? done.arg(id) : result.message(), !result);
    refresh(); // the service announced it too when it worked; a refusal changes nothing to read
}

void RetryRunsPanel::review()
{
    const RetryRun *run = selectedRun();
    if (!run || run->state != State::Planned)
        return;
    auto *dialog = new RetryPlanDialog(m_runs, *run, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RetryPlanDialog::reported, this, &RetryRunsPanel::message);
    connect(dialog, &RetryPlanDialog::confirmed, this, [this](const RetryRun &confirmed) { selectRun(confirmed.id); });
    dialog->open();
}

void RetryRunsPanel::approve()
{
    const RetryRun *run = selectedRun();
    if (!run)
        return;
    const QString question
        = tr("Send %L1 operations of %2, as %3 planned?").arg(run->toSend).arg(run->description, run->plannedBy);
    if (!Prompts::confirm(this, tr("Approve retry run %1").arg(run->id), question))
        return;
    act(tr("Retry run %1 approved: it is sending."), [this](qint64 id) { return m_runs.approve(id, {}); });
}

void RetryRunsPanel::cancel()
{
    const RetryRun *run = selectedRun();
    if (!run)
        return;
    const QString reason = Prompts::reason(this, tr("Cancel retry run %1").arg(run->id),
        tr("What it has not sent yet is skipped; what was sent stays sent. Say why:"));
    if (reason.isEmpty())
        return;
    act(tr("Retry run %1 cancelled."), [this, reason](qint64 id) { return m_runs.cancel(id, reason); });
}
