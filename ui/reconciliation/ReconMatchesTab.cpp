#include "reconciliation/ReconMatchesTab.h"

#include "operations/OperationsModel.h"
#include "reconciliation/MatchesModel.h"
#include "reconciliation/ReconAction.h"
#include "reconciliation/ReconPrompts.h"
#include "reconciliation/ReconciliationDesk.h"
#include "shell/ActionButton.h"
#include "shell/EmptyState.h"
#include "shell/Prompts.h"
#include "shell/RowTintDelegate.h"
#include "shell/TableLook.h"

#include <QAction>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLocale>
#include <QTableView>
#include <QVBoxLayout>

ReconMatchesTab::ReconMatchesTab(MatchesModel &model, ReconciliationDesk &desk, QWidget *workspace)
    : QWidget(workspace)
    , m_model(&model)
    , m_desk(desk)
    , m_unmatch(ReconAction::make(workspace, tr("Unmatch…"), QStringLiteral("unmatchAction"),
          tr("Undo the selected match, with a reason; its adjustments are reversed.")))
    , m_bookDifference(ReconAction::make(workspace, tr("Book difference…"), QStringLiteral("bookDifferenceAction"),
          tr("Book what the selected match's sides do not explain as a fee, FX or rounding adjustment.")))
    , m_table(new QTableView(this))
    , m_suggestions(new QCheckBox(tr("Show the last run's suggestions too"), this))
{
    setObjectName(QStringLiteral("matchedTab"));
    m_table->setObjectName(QStringLiteral("matchesTable"));
    m_suggestions->setObjectName(QStringLiteral("showSuggestions"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(static_cast<int>(MatchColumn::ClearedOn), Qt::AscendingOrder);
    TableLook::apply(m_table, QAbstractItemView::SingleSelection);
    TableLook::sizeColumns(m_table,
        { { int(MatchColumn::ClearedOn), QStringLiteral("2026-10-31") },
            { int(MatchColumn::State), QStringLiteral("Confirmed") },
            { int(MatchColumn::Rule), QStringLiteral("tolerance-date") },
            { int(MatchColumn::Score), QStringLiteral("0.00") },
            { int(MatchColumn::LedgerRows), QStringLiteral("INV-2041, INV-2042") },
            { int(MatchColumn::LedgerAmount), QStringLiteral("-99,999.99 EUR") },
            { int(MatchColumn::StatementRows), QStringLiteral("E2E-2041, E2E-2042") },
            { int(MatchColumn::StatementAmount), QStringLiteral("-99,999.99 EUR") },
            { int(MatchColumn::Adjustment), QStringLiteral("rounding 0.03 EUR, awaiting approval") },
            { int(MatchColumn::ConfirmedBy), QStringLiteral("finance.user") },
            { int(MatchColumn::ConfirmedAt), QStringLiteral("2026-10-31 12:00") } });
    // An adjustment waiting for a second person stands out; a suggestion is not a match yet.
    m_table->setItemDelegate(new RowTintDelegate(
        [](const QModelIndex &index) -> RowTint {
            const QVariant state = index.data(MatchesModel::AdjustmentStateRole);
            if (state.isValid() && state.toInt() == static_cast<int>(Adjustment::State::Pending))
                return { RowTint::Waiting, true };
            if (!index.data(MatchesModel::ConfirmedRole).toBool())
                return { RowTint::Muted };
            return {};
        },
        m_table));
    new EmptyState(m_table, [] { return tr("<p><b>Nothing matched in this period yet.</b></p>"); });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_suggestions);
    bar->addStretch(1);
    for (QAction *a : { m_bookDifference, m_unmatch })
        bar->addWidget(
            new ActionButton(a, a->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")), this));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(bar);

    connect(m_suggestions, &QCheckBox::toggled, m_model, &MatchesModel::setShowSuggestions);
    connect(
        m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ReconMatchesTab::selectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ReconMatchesTab::selectionChanged);
    connect(m_unmatch, &QAction::triggered, this, &ReconMatchesTab::unmatch);
    connect(m_bookDifference, &QAction::triggered, this, &ReconMatchesTab::bookDifference);
}

void ReconMatchesTab::updateActions(const QString &locked)
{
    const MatchListRow *m = selected();
    ReconAction::allow(m_unmatch, locked, m != nullptr, tr("Select a match."));
    const Adjustment *a = m ? m->currentAdjustment() : nullptr;
    const bool live = a && (a->state == Adjustment::State::Pending || a->state == Adjustment::State::Approved);
    const bool open = m && !m->confirmedBy.isEmpty() && !live && m->statementMinor() != m->ledgerMinor();
    ReconAction::allow(m_bookDifference, locked, open,
        tr("Select a confirmed match whose sides differ and that has no adjustment yet."));
}

void ReconMatchesTab::unmatch()
{
    const MatchListRow *m = selected();
    if (!m)
        return;
    const qint64 id = m->id;
    const QString reason = Prompts::reason(this, tr("Unmatch"),
        tr("Undo match %1 (%2)? Its rows become unmatched again and its adjustments are reversed. Say why:")
            .arg(id)
            .arg(m->rule));
    if (reason.isEmpty())
        return;
    const Status done = m_desk.unmatch(id, reason);
    if (!done)
        return Q_EMIT refused(done.message());
    Q_EMIT changed(tr("Match %1 undone.").arg(id));
}

void ReconMatchesTab::bookDifference()
{
    const MatchListRow *m = selected();
    if (!m)
        return;
    const qint64 id = m->id;
    const auto answer = ReconPrompts::adjustment(
        this, OperationsModel::formatAmount(m->statementMinor() - m->ledgerMinor(), m->currency, QLocale()));
    if (!answer)
        return;
    const auto done = m_desk.bookDifference(id, answer->kind, answer->reason);
    if (!done)
        return Q_EMIT refused(done.message());
    Q_EMIT changed(tr("The difference of match %1 is booked as adjustment %2.").arg(id).arg(done.value()));
}

const MatchListRow *ReconMatchesTab::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->rowAt(rows.first().row());
}

void ReconMatchesTab::reload()
{
    const MatchListRow *before = selected();
    const qint64 id = before ? before->id : 0;
    m_model->reload();
    if (const int row = id ? m_model->rowOf(id) : -1; row >= 0)
        m_table->selectRow(row);
}
