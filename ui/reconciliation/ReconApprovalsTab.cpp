#include "reconciliation/ReconApprovalsTab.h"

#include "operations/OperationsModel.h"
#include "reconciliation/ReconAction.h"
#include "reconciliation/ReconciliationDesk.h"
#include "shell/ActionButton.h"
#include "shell/Prompts.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

ReconApprovalsTab::ReconApprovalsTab(ReconciliationDesk &desk, QWidget *workspace)
    : QWidget(workspace)
    , m_desk(desk)
    , m_approve(ReconAction::make(workspace, tr("Approve"), QStringLiteral("approveAction"),
          tr("Approve the selected adjustment (not your own).")))
    , m_reject(ReconAction::make(workspace, tr("Reject…"), QStringLiteral("rejectAction"),
          tr("Reject the selected adjustment, with a note to its proposer.")))
    , m_table(new QTableWidget(this))
{
    setObjectName(QStringLiteral("approvalsTab"));
    m_table->setObjectName(QStringLiteral("approvalsTable"));
    m_table->setColumnCount(6);
    m_table->setHorizontalHeaderLabels(
        { tr("Kind"), tr("Amount"), tr("Day"), tr("Proposed by"), tr("Proposed at"), tr("Reason") });
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(0, 110);
    m_table->setColumnWidth(1, 130);
    m_table->setColumnWidth(3, 150);
    m_table->setColumnWidth(4, 140);
    auto *hint = new QLabel(tr("A second finance user decides these; the proposer cannot."), this);
    auto *bar = new QHBoxLayout;
    bar->addWidget(hint, 1);
    for (QAction *a : { m_approve, m_reject })
        bar->addWidget(
            new ActionButton(a, a->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")), this));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(bar);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ReconApprovalsTab::selectionChanged);
    connect(m_approve, &QAction::triggered, this, &ReconApprovalsTab::approve);
    connect(m_reject, &QAction::triggered, this, &ReconApprovalsTab::reject);
}

void ReconApprovalsTab::updateActions(const QString &locked)
{
    for (QAction *a : { m_approve, m_reject })
        ReconAction::allow(a, locked, selected() != nullptr, tr("Select a pending adjustment."));
}

void ReconApprovalsTab::approve()
{
    const Adjustment *a = selected();
    if (!a)
        return;
    const qint64 id = a->id;
    const Status done = m_desk.approve(id);
    if (!done)
        return Q_EMIT refused(done.message());
    Q_EMIT changed(tr("Adjustment %1 approved.").arg(id));
}

void ReconApprovalsTab::reject()
{
    const Adjustment *a = selected();
    if (!a)
        return;
    const qint64 id = a->id;
    const QString note = Prompts::reason(
        this, tr("Reject adjustment"), tr("Reject adjustment %1 by %2? Tell them why:").arg(id).arg(a->proposedBy));
    if (note.isEmpty())
        return;
    const Status done = m_desk.reject(id, note);
    if (!done)
        return Q_EMIT refused(done.message());
    Q_EMIT changed(tr("Adjustment %1 rejected.").arg(id));
}

void ReconApprovalsTab::setPending(const QList<Adjustment> &pending)
{
    const Adjustment *before = selected();
    const qint64 keep = before ? before->id : 0;
    m_pending = pending;
    m_table->setRowCount(static_cast<int>(pending.size()));
    for (int row = 0; row < pending.size(); ++row) {
        const Adjustment &a = pending.at(row);
        const QStringList cells { a.kind == Adjustment::Kind::WriteOff ? tr("write-off") : Adjustment::kindName(a.kind),
            OperationsModel::formatAmount(a.amountMinor, a.currency, QLocale()), a.day.toString(Qt::ISODate),
            a.proposedBy, QDateTime::fromMSecsSinceEpoch(a.proposedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm")),
            a.reason };
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            if (c == 1)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (c == 5)
                item->setToolTip(a.reason);
            m_table->setItem(row, c, item);
        }
        if (a.id == keep)
            m_table->selectRow(row);
    }
    Q_EMIT selectionChanged();
}

const Adjustment *ReconApprovalsTab::selected() const
{
    const QList<QTableWidgetSelectionRange> ranges = m_table->selectedRanges();
    if (ranges.isEmpty())
        return nullptr;
    const int row = ranges.first().topRow();
    return row < m_pending.size() ? &m_pending.at(row) : nullptr;
}
