#include "reconciliation/ReconciliationWorkspace.h"

#include "operations/OperationsModel.h"
#include "reconciliation/ExceptionsModel.h"
#include "reconciliation/MatchesModel.h"
#include "reconciliation/ReconAction.h"
#include "reconciliation/ReconApprovalsTab.h"
#include "reconciliation/ReconExceptionsTab.h"
#include "reconciliation/ReconMatchesTab.h"
#include "reconciliation/ReconPeriodActions.h"
#include "reconciliation/ReconPeriodBar.h"
#include "reconciliation/ReconPrompts.h"
#include "reconciliation/ReconRowsModel.h"
#include "reconciliation/ReconSidePanel.h"
#include "reconciliation/ReconciliationDesk.h"
#include "reconciliation/SuggestionsPane.h"
#include "shell/ActionButton.h"
#include "shell/MessageBanner.h"
#include "shell/Plural.h"
#include "shell/Prompts.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
enum Tab
{
    UnmatchedTab,
    MatchedTab,
    ExceptionsTab,
    ApprovalsTab
};

QString money(qint64 minor, const QString &currency)
{
    return OperationsModel::formatAmount(minor, currency, QLocale());
}

} // namespace

ReconciliationWorkspace::ReconciliationWorkspace(
    ReconciliationDesk &desk, const Models &models, ReconciliationReportSource report, QWidget *parent)
    : QWidget(parent)
    , m_desk(desk)
    , m_models(models)
    , m_report(std::move(report))
{
    setObjectName(QStringLiteral("reconciliationWorkspace"));
    m_periodActions = new ReconPeriodActions(
        m_desk, m_report, [this] { return m_models.ledger->knownAccounts().value_or(QList<AccountCurrency> {}); },
        this);
    buildActions();
    m_bar = new ReconPeriodBar(m_periodActions->actions(), this);
    m_banner = new MessageBanner(this);
    m_banner->setObjectName(QStringLiteral("actionMessage"));
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("reconciliationTabs"));
    m_tabs->addTab(buildUnmatchedTab(), tr("Unmatched"));
    m_matched = new ReconMatchesTab(*m_models.matches, m_desk, this);
    m_tabs->addTab(m_matched, tr("Matched"));
    m_exceptions = new ReconExceptionsTab(*m_models.exceptions, { m_saveException }, this);
    m_tabs->addTab(m_exceptions, tr("Exceptions"));
    m_approvals = new ReconApprovalsTab(m_desk, this);
    m_tabs->addTab(m_approvals, tr("Approvals"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_bar);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);

    m_models.exceptions->setAge(m_desk.exceptionAgeDays());
    connect(m_bar, &ReconPeriodBar::periodChosen, this, &ReconciliationWorkspace::periodChosen);
    connect(m_periodActions, &ReconPeriodActions::changed, this, [this](qint64 periodId, const QString &done) {
        loadPeriods(periodId);
        afterChange(done);
    });
    connect(m_periodActions, &ReconPeriodActions::refused, this, &ReconciliationWorkspace::refused);
    connect(m_matched, &ReconMatchesTab::changed, this, &ReconciliationWorkspace::afterChange);
    connect(m_matched, &ReconMatchesTab::refused, this, &ReconciliationWorkspace::refused);
    connect(m_approvals, &ReconApprovalsTab::changed, this, &ReconciliationWorkspace::afterChange);
    connect(m_approvals, &ReconApprovalsTab::refused, this, &ReconciliationWorkspace::refused);
    connect(m_periodActions, &ReconPeriodActions::written, this, [this](const QString &done) {
        m_banner->showMessage(done, false);
        Q_EMIT message(done);
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, &ReconciliationWorkspace::updateActions);
    connect(m_matched, &ReconMatchesTab::selectionChanged, this, &ReconciliationWorkspace::updateActions);
    connect(m_exceptions, &ReconExceptionsTab::selectionChanged, this, &ReconciliationWorkspace::updateActions);
    connect(m_approvals, &ReconApprovalsTab::selectionChanged, this, &ReconciliationWorkspace::updateActions);
    auto failed = [this](const QString &text) { refused(text); };
    connect(m_models.ledger, &ReconRowsModel::loadFailed, this, failed);
    connect(m_models.statement, &ReconRowsModel::loadFailed, this, failed);
    connect(m_models.matches, &MatchesModel::loadFailed, this, failed);
    connect(m_models.exceptions, &ExceptionsModel::loadFailed, this, failed);
    loadPeriods(0);
}

void ReconciliationWorkspace::buildActions()
{
    m_confirm = ReconAction::make(this, tr("Confirm suggestion"), QStringLiteral("confirmSuggestionAction"),
        tr("Confirm the selected suggestion (Enter or Space in the tables)."));
    m_confirmAbove = ReconAction::make(this, tr("Confirm all above score…"), QStringLiteral("confirmAboveAction"),
        tr("Confirm every suggestion of the period with at least a score; shows how many first."));
    m_match = ReconAction::make(this, tr("Match selected"), QStringLiteral("matchAction"),
        tr("Match the selected rows of both sides: one-to-one, one-to-many or many-to-one. A difference is booked as "
           "a fee, FX or rounding adjustment with a reason."),
        QKeySequence(Qt::CTRL | Qt::Key_M));
    m_split = ReconAction::make(this, tr("Split line…"), QStringLiteral("splitAction"),
        tr("Split the selected statement line into parts that sum to it."));
    m_writeOff = ReconAction::make(this, tr("Write off…"), QStringLiteral("writeOffAction"),
        tr("Settle the selected row with no counterpart, with a reason; above the threshold a second finance user "
           "approves it."));
    m_saveException = ReconAction::make(this, tr("Save"), QStringLiteral("saveExceptionAction"),
        tr("Set the selected exception's state, assignee and note."));
    m_timeline = ReconAction::make(this, tr("Open in Timeline"), QStringLiteral("reconTimelineAction"),
        tr("Everything that happened to the payment this row is about."), QKeySequence(Qt::CTRL | Qt::Key_T));
    m_diff = ReconAction::make(this, tr("Open in Diff"), QStringLiteral("reconDiffAction"),
        tr("The payment's record beside the provider's, field by field."), QKeySequence(Qt::CTRL | Qt::Key_D));
    connect(m_confirm, &QAction::triggered, this, &ReconciliationWorkspace::confirmSuggestion);
    connect(m_confirmAbove, &QAction::triggered, this, &ReconciliationWorkspace::confirmAbove);
    connect(m_match, &QAction::triggered, this, &ReconciliationWorkspace::matchByHand);
    connect(m_split, &QAction::triggered, this, &ReconciliationWorkspace::split);
    connect(m_writeOff, &QAction::triggered, this, &ReconciliationWorkspace::writeOff);
    connect(m_saveException, &QAction::triggered, this, &ReconciliationWorkspace::saveException);
    connect(m_timeline, &QAction::triggered, this, [this] { openLink(true); });
    connect(m_diff, &QAction::triggered, this, [this] { openLink(false); });
}

QWidget *ReconciliationWorkspace::buildUnmatchedTab()
{
    auto *tab = new QWidget(this);
    m_ledger = new ReconSidePanel(*m_models.ledger, tr("Our ledger"), tab);
    m_statement = new ReconSidePanel(*m_models.statement, tr("Statement"), tab);
    m_suggestions = new SuggestionsPane(tab);
    m_selection = new QLabel(tab);
    m_selection->setObjectName(QStringLiteral("selectionDifference"));
    auto *sides = new QSplitter(Qt::Horizontal, tab);
    sides->setObjectName(QStringLiteral("reconSidesSplitter"));
    sides->addWidget(m_ledger);
    sides->addWidget(m_statement);
    auto *lower = new QWidget(tab);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_selection, 1);
    for (QAction *a : { m_confirm, m_confirmAbove, m_match, m_split, m_writeOff, m_timeline, m_diff })
        buttons->addWidget(
            new ActionButton(a, a->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")), lower));
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addLayout(buttons);
    lowerLayout->addWidget(m_suggestions, 1);
    auto *split = new QSplitter(Qt::Vertical, tab);
    split->setObjectName(QStringLiteral("reconSuggestionsSplitter"));
    split->addWidget(sides);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(split);
    for (ReconSidePanel *panel : { m_ledger, m_statement }) {
        const RowSide side = panel->model()->side();
        connect(panel, &ReconSidePanel::selectionChanged, this, [this, side] {
            m_activeSide = side;
            showSuggestions();
            updateActions();
        });
        connect(panel, &ReconSidePanel::filterRefused, this, &ReconciliationWorkspace::refused);
        panel->table()->installEventFilter(this);
    }
    m_suggestions->list()->installEventFilter(this);
    connect(m_suggestions, &SuggestionsPane::confirmRequested, this, &ReconciliationWorkspace::confirmSuggestion);
    return tab;
}

bool ReconciliationWorkspace::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::FocusIn) {
        if (watched == m_ledger->table() || watched == m_statement->table())
            m_activeSide = watched == m_ledger->table() ? RowSide::Ledger : RowSide::Statement;
    } else if (event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const bool confirmKey = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter
            || (key->key() == Qt::Key_Space && key->modifiers() == Qt::NoModifier);
        if (confirmKey) { // one key press confirms the suggestion, wherever the eye is
            if (m_confirm->isEnabled())
                m_confirm->trigger();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

// The latest open period, else the latest: where work is.
qint64 ReconciliationWorkspace::defaultPeriod(const QList<ReconciliationPeriod> &periods)
{
    const ReconciliationPeriod *best = nullptr;
    for (bool openOnly : { true, false }) {
        for (const ReconciliationPeriod &p : periods)
            if ((!openOnly || !p.signedOff) && (!best || p.to > best->to))
                best = &p;
        if (best)
            break;
    }
    return best ? best->id : 0;
}

void ReconciliationWorkspace::loadPeriods(qint64 selectId)
{
    auto periods = m_desk.periods();
    if (!periods) {
        refused(periods.message());
        return;
    }
    m_bar->setPeriods(periods.value(), selectId ? selectId : defaultPeriod(periods.value()));
    periodChosen(m_bar->currentPeriodId());
}

void ReconciliationWorkspace::selectPeriod(qint64 periodId)
{
    loadPeriods(periodId);
}

void ReconciliationWorkspace::periodChosen(qint64 periodId)
{
    m_periodId = periodId;
    std::optional<ReconciliationPeriod> period;
    if (periodId) {
        auto p = m_desk.period(periodId);
        if (p)
            period = p.value();
        else
            refused(p.message());
    }
    m_models.ledger->setPeriod(period);
    m_models.statement->setPeriod(period);
    m_models.matches->setPeriod(period);
    m_models.exceptions->setPeriod(period);
    refreshSummary();
    refreshApprovals();
    showSuggestions();
    updateActions();
}

void ReconciliationWorkspace::refreshSummary()
{
    m_summary.reset();
    if (m_periodId) {
        auto s = m_desk.summary(m_periodId);
        if (s)
            m_summary = s.value();
        else
            refused(s.message());
    }
    m_bar->setSummary(m_summary);
    const qint64 open = m_summary ? m_summary->openExceptions : 0;
    m_tabs->setTabText(ExceptionsTab, open ? tr("Exceptions (%L1 open)").arg(open) : tr("Exceptions"));
}

void ReconciliationWorkspace::refreshApprovals()
{
    QList<Adjustment> pending;
    if (m_summary) {
        auto all = m_desk.adjustments(m_summary->period.account, true);
        if (all) {
            for (const Adjustment &a : all.value())
                if (a.currency == m_summary->period.currency)
                    pending << a;
        } else {
            refused(all.message());
        }
    }
    m_approvals->setPending(pending);
    m_tabs->setTabText(ApprovalsTab, pending.isEmpty() ? tr("Approvals") : tr("Approvals (%L1)").arg(pending.size()));
    Q_EMIT pendingApprovalsChanged(static_cast<int>(pending.size()));
}

int ReconciliationWorkspace::pendingApprovals() const
{
    return m_approvals->count();
}

void ReconciliationWorkspace::refresh()
{
    // Periods are opened, signed off and reopened in other consoles too.
    auto periods = m_desk.periods();
    if (!periods)
        return refused(periods.message());
    const qint64 shown = m_periodId;
    m_bar->setPeriods(periods.value(), shown ? shown : defaultPeriod(periods.value()));
    if (m_bar->currentPeriodId() != shown || shown == 0)
        return periodChosen(m_bar->currentPeriodId());
    m_ledger->reload();
    m_statement->reload();
    m_matched->reload();
    m_exceptions->reload();
    refreshSummary();
    refreshApprovals();
    showSuggestions();
    updateActions();
}

void ReconciliationWorkspace::afterChange(const QString &done)
{
    m_banner->showMessage(done, false);
    Q_EMIT message(done);
    refresh();
}

void ReconciliationWorkspace::refused(const QString &why)
{
    m_banner->showMessage(why, true);
    Q_EMIT message(why);
}

QString ReconciliationWorkspace::lockReason() const
{
    if (!m_summary)
        return tr("Pick or open a period first.");
    if (m_summary->period.signedOff)
        return tr("The period is signed off by %1 and locked; reopen it, with a reason, to change it.")
            .arg(m_summary->period.signedOffBy);
    return {};
}

ReconSidePanel *ReconciliationWorkspace::activePanel() const
{
    return m_activeSide == RowSide::Ledger ? m_ledger : m_statement;
}

const ReconRow *ReconciliationWorkspace::singleSelected() const
{
    if (m_tabs->currentIndex() == ExceptionsTab)
        return m_exceptions->selected();
    const QList<const ReconRow *> rows = activePanel()->selectedRows();
    return rows.size() == 1 ? rows.first() : nullptr;
}

void ReconciliationWorkspace::updateActions()
{
    const QString locked = lockReason();
    const bool open = locked.isEmpty();
    const qint64 ledgerSum = m_ledger->selectedTotal();
    const qint64 statementSum = m_statement->selectedTotal();
    const int ledgerRows = static_cast<int>(m_ledger->selectedIds().size());
    const int statementRows = static_cast<int>(m_statement->selectedIds().size());
    const QString currency = m_summary ? m_summary->period.currency : QString();
    m_selection->setText(ledgerRows && statementRows
            ? tr("Selected: ledger %1, statement %2, difference %3")
                  .arg(money(ledgerSum, currency), money(statementSum, currency),
                      money(statementSum - ledgerSum, currency))
            : QString());
    const ReconRow *one = singleSelected();
    auto set = [&locked](QAction *a, bool can, const QString &whyNot) { ReconAction::allow(a, locked, can, whyNot); };
    set(m_confirm, m_suggestions->current() != nullptr, tr("Select a row with a suggestion."));
    set(m_confirmAbove, true, {});
    set(m_match, ledgerRows > 0 && statementRows > 0 && (ledgerRows == 1 || statementRows == 1),
        tr("Select rows on both sides: one on one side, one or more on the other."));
    set(m_split, one && one->side == RowSide::Statement && m_tabs->currentIndex() == UnmatchedTab,
        tr("Select one statement line."));
    set(m_writeOff, one != nullptr, tr("Select one row."));
    m_matched->updateActions(locked);
    m_approvals->updateActions(locked);
    set(m_saveException, m_exceptions->selected() != nullptr, tr("Select an exception."));
    m_exceptions->setEditable(open, locked);
    m_periodActions->update(m_summary);
    RowLink link;
    if (one) {
        const ReconRowsModel *model = one->side == RowSide::Ledger ? m_models.ledger : m_models.statement;
        link = model->linkOf(*one).value_or(RowLink {});
    }
    m_timeline->setEnabled(!link.entityId.isEmpty());
    m_diff->setEnabled(link.operationId != 0);
    m_timeline->setToolTip(m_timeline->isEnabled() ? m_timeline->property("hint").toString()
                                                   : tr("Select one row about a payment Reconsole knows."));
    m_diff->setToolTip(m_diff->isEnabled() ? m_diff->property("hint").toString()
                                           : tr("Select one row about a payment Reconsole knows."));
}

void ReconciliationWorkspace::showSuggestions()
{
    const QList<const ReconRow *> rows = activePanel()->selectedRows();
    if (!m_summary || rows.size() != 1) {
        m_suggestions->showNothing(rows.size() > 1
                ? tr("%L1 rows selected: Match selected matches them by hand.").arg(rows.size())
                : tr("Select one row to see what the rules would match it with."));
        return;
    }
    const ReconRow &row = *rows.first();
    auto found = m_desk.suggestions(m_summary->period.account, row.ref());
    if (!found) {
        m_suggestions->showNothing(found.message());
        return;
    }
    const RowSide other = row.side == RowSide::Ledger ? RowSide::Statement : RowSide::Ledger;
    QList<SuggestionsPane::Candidate> candidates;
    for (const Suggestion &s : found.value()) {
        const QList<qint64> ids = other == RowSide::Ledger ? s.match.left : s.match.right;
        candidates << SuggestionsPane::Candidate { s, m_models.ledger->rows(other, ids).value_or(QList<ReconRow> {}) };
    }
    m_suggestions->show(row, candidates);
}

QAbstractItemView *ReconciliationWorkspace::mainTable() const
{
    switch (m_tabs->currentIndex()) {
    case MatchedTab:
        return m_matched->table();
    case ExceptionsTab:
        return m_exceptions->table();
    default:
        return activePanel()->table();
    }
}

QLineEdit *ReconciliationWorkspace::searchField() const
{
    return activePanel()->searchField();
}

void ReconciliationWorkspace::confirmSuggestion()
{
    const SuggestionsPane::Candidate *c = m_suggestions->current();
    if (!c)
        return;
    const auto done = m_desk.confirm(c->suggestion);
    if (!done)
        return refused(done.message());
    afterChange(tr("Match %1 confirmed (%2, score %3).")
                    .arg(done.value())
                    .arg(c->suggestion.match.rule)
                    .arg(c->suggestion.match.score, 0, 'f', 2));
    activePanel()->table()->setFocus(); // the next row is selected: Enter again confirms it
}

void ReconciliationWorkspace::confirmAbove()
{
    if (!m_summary)
        return;
    const auto score = ReconPrompts::minimumScore(this, 0.9);
    if (!score)
        return;
    const ReconciliationPeriod &p = m_summary->period;
    const auto count = m_desk.confirmAbove(p.account, p.from, p.to, *score, true);
    if (!count)
        return refused(count.message());
    if (count.value() == 0)
        return m_banner->showMessage(
            tr("No suggestion of the period has a score of %1 or more.").arg(*score, 0, 'f', 2), false);
    const QString many
        = plural(count.value(), QT_TRANSLATE_NOOP("Plural", "%Ln match"), QT_TRANSLATE_NOOP("Plural", "%Ln matches"));
    if (!Prompts::confirm(this, tr("Confirm %1").arg(many),
            tr("This confirms %1 with a score of %2 or more. Go ahead?").arg(many).arg(*score, 0, 'f', 2)))
        return;
    const auto done = m_desk.confirmAbove(p.account, p.from, p.to, *score, false);
    if (!done)
        return refused(done.message());
    afterChange(plural(done.value(), QT_TRANSLATE_NOOP("Plural", "%Ln match confirmed."),
        QT_TRANSLATE_NOOP("Plural", "%Ln matches confirmed.")));
}

void ReconciliationWorkspace::matchByHand()
{
    if (!m_summary)
        return;
    const QList<qint64> ledger = m_ledger->selectedIds();
    const QList<qint64> statement = m_statement->selectedIds();
    const qint64 difference = m_statement->selectedTotal() - m_ledger->selectedTotal();
    std::optional<Adjustment::Kind> kind;
    QString reason;
    if (difference != 0) {
        const auto answer = ReconPrompts::adjustment(this, money(difference, m_summary->period.currency));
        if (!answer)
            return;
        kind = answer->kind;
        reason = answer->reason;
    }
    const auto done = m_desk.matchByHand(m_summary->period.account, ledger, statement, kind, reason);
    if (!done)
        return refused(done.message());
    afterChange(difference == 0 ? tr("Matched by hand: match %1.").arg(done.value())
                                : tr("Matched by hand: match %1, the difference of %2 booked as %3.")
                                      .arg(done.value())
                                      .arg(money(difference, m_summary->period.currency), Adjustment::kindName(*kind)));
}

void ReconciliationWorkspace::split()
{
    const ReconRow *line = singleSelected();
    if (!line || line->side != RowSide::Statement)
        return;
    const auto answer = ReconPrompts::split(this, *line);
    if (!answer)
        return;
    const auto done = m_desk.split(line->id, answer->partsMinor, answer->reason);
    if (!done)
        return refused(done.message());
    afterChange(plural(done->size(), QT_TRANSLATE_NOOP("Plural", "Line split into %Ln part."),
        QT_TRANSLATE_NOOP("Plural", "Line split into %Ln parts.")));
}

void ReconciliationWorkspace::writeOff()
{
    const ReconRow *row = singleSelected();
    if (!row || !m_summary)
        return;
    const RowRef ref = row->ref();
    const QString what = QStringLiteral("%1 %2").arg(money(row->amountMinor, row->currency), row->reference);
    const QString reason = Prompts::reason(this, tr("Write off"),
        tr("Write off %1? It is settled with no counterpart. Say why (the audit log keeps it):").arg(what));
    if (reason.isEmpty())
        return;
    const auto done = m_desk.writeOff(m_summary->period.account, ref, reason);
    if (!done)
        return refused(done.message());
    bool pending = false;
    for (const Adjustment &a : m_desk.adjustments(m_summary->period.account, true).value_or(QList<Adjustment> {}))
        pending = pending || a.id == done.value();
    afterChange(pending ? tr("Write-off of %1 proposed: a second finance user approves it (Approvals tab).").arg(what)
                        : tr("%1 written off.").arg(what));
}

void ReconciliationWorkspace::saveException()
{
    const ReconRow *row = m_exceptions->selected();
    if (!row || !m_summary)
        return;
    const Status done = m_desk.setException(m_summary->period.account, row->ref(), m_exceptions->editedState(),
        m_exceptions->editedNote(), m_exceptions->editedAssignee());
    if (!done)
        return refused(done.message());
    afterChange(tr("Exception set to %1.").arg(RowException::stateName(m_exceptions->editedState())));
}

void ReconciliationWorkspace::openLink(bool timeline)
{
    const ReconRow *row = singleSelected();
    if (!row)
        return;
    const ReconRowsModel *model = row->side == RowSide::Ledger ? m_models.ledger : m_models.statement;
    const auto link = model->linkOf(*row);
    if (!link)
        return refused(link.message());
    if (timeline && !link->entityId.isEmpty())
        Q_EMIT timelineRequested(link->entityId);
    else if (!timeline && link->operationId)
        Q_EMIT compareRequested(link->operationId);
    else
        refused(tr("This row refers to no payment Reconsole knows."));
}
