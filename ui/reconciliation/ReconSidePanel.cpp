#include "reconciliation/ReconSidePanel.h"

#include "core/Money.h"
#include "operations/OperationsModel.h"
#include "reconciliation/ReconRowsModel.h"
#include "shell/EmptyState.h"
#include "shell/Plural.h"
#include "shell/RowTintDelegate.h"
#include "shell/TableLook.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace {
constexpr int kCountLimit = 10000; // counted no further: "10,000+" says enough

QString sideName(RowSide side)
{
    return side == RowSide::Ledger ? QStringLiteral("ledger") : QStringLiteral("statement");
}
} // namespace

ReconSidePanel::ReconSidePanel(ReconRowsModel &model, const QString &title, QWidget *parent)
    : QWidget(parent)
    , m_model(&model)
    , m_table(new QTableView(this))
    , m_search(new QLineEdit(this))
    , m_amount(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_total(new QLabel(this))
    , m_delay(new QTimer(this))
{
    const QString side = sideName(model.side());
    setObjectName(side + QStringLiteral("Panel"));
    m_table->setObjectName(side + QStringLiteral("Table"));
    m_search->setObjectName(side + QStringLiteral("Search"));
    m_amount->setObjectName(side + QStringLiteral("AmountFilter"));
    m_count->setObjectName(side + QStringLiteral("Count"));
    m_total->setObjectName(side + QStringLiteral("SelectionTotal"));

    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(static_cast<int>(ReconColumn::Date), Qt::AscendingOrder);
    TableLook::apply(m_table, QAbstractItemView::ExtendedSelection);
    TableLook::sizeColumns(m_table,
        { { int(ReconColumn::Date), QStringLiteral("2026-10-31") },
            { int(ReconColumn::Amount), QLocale().toString(-999999.99, 'f', 2) + QStringLiteral(" EUR") },
            { int(ReconColumn::Fee), QStringLiteral("99.99 EUR") },
            { int(ReconColumn::Reference), QStringLiteral("INV-2041-XXXX") },
            { int(ReconColumn::Counterparty), QStringLiteral("Counterparty Ltd") },
            { int(ReconColumn::Suggestion), QStringLiteral("tolerance · 0.85") } });
    // What the last run suggests waits for a person: one key press confirms it.
    m_table->setItemDelegateForColumn(static_cast<int>(ReconColumn::Suggestion),
        new RowTintDelegate(
            [](const QModelIndex &index) {
                return index.data(ReconRowsModel::SuggestedRole).toBool() ? RowTint { RowTint::Waiting, true }
                                                                          : RowTint {};
            },
            m_table));
    new EmptyState(
        m_table, [this] { return emptyMessage(); },
        [this](const QString &href) {
            if (href == QLatin1String("clear"))
                clearFilter();
        });

    m_search->setPlaceholderText(tr("Reference, counterparty or description…"));
    m_search->setClearButtonEnabled(true);
    m_amount->setPlaceholderText(tr("Amount: 120.50, 100..200, >1000"));
    m_amount->setClearButtonEnabled(true);
    m_amount->setToolTip(tr("An amount matches either sign; -120.50 only that one. A range is low..high; >, >=, < and "
                            "<= give one bound."));
    m_amount->setMaximumWidth(200);
    m_delay->setSingleShot(true);
    m_delay->setInterval(250); // one query when typing pauses
    connect(m_search, &QLineEdit::textChanged, m_delay, qOverload<>(&QTimer::start));
    connect(m_amount, &QLineEdit::textChanged, m_delay, qOverload<>(&QTimer::start));
    connect(m_delay, &QTimer::timeout, this, &ReconSidePanel::applyFilter);

    auto *heading = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), this);
    auto *top = new QHBoxLayout;
    top->addWidget(heading);
    top->addStretch(1);
    top->addWidget(m_count);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_amount);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_total);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showTotal();
        Q_EMIT selectionChanged();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        const auto counted = m_model->countUpTo(kCountLimit);
        const qint64 n = counted.value_or(0);
        m_count->setText(n >= kCountLimit ? tr("%L1+ unmatched").arg(kCountLimit) : tr("%L1 unmatched").arg(n));
        // A provider's fee column where its lines have fees; a bank's lines have none.
        bool fees = false;
        for (int row = 0; row < m_model->rowCount() && !fees; ++row)
            fees = m_model->rowAt(row)->feeMinor != 0;
        m_table->setColumnHidden(static_cast<int>(ReconColumn::Fee), !fees);
        showTotal();
    });
    showTotal();
}

QString ReconSidePanel::emptyMessage() const
{
    if (!m_model->period())
        return tr("<p><b>No period open.</b></p><p>Pick a period above, or open one.</p>");
    if (!(m_model->filter() == ReconRowsFilter {}))
        return tr("Nothing unmatched matches these filters. <a href=\"clear\">Clear filters</a>");
    return tr("<p><b>Everything on this side is matched.</b></p>");
}

void ReconSidePanel::applyFilter()
{
    ReconRowsFilter filter;
    filter.text = m_search->text();
    const QString currency = m_model->period() ? m_model->period()->currency : QStringLiteral("EUR");
    const auto amount = AmountFilter::parse(m_amount->text(), Money::exponent(currency));
    if (!amount) {
        Q_EMIT filterRefused(tr("\"%1\" is not an amount: try 120.50, 100..200 or >1000.").arg(m_amount->text()));
        return;
    }
    filter.amount = *amount;
    if (filter == m_model->filter())
        return;
    m_model->setFilter(filter);
}

void ReconSidePanel::clearFilter()
{
    m_search->clear();
    m_amount->clear();
    m_delay->stop();
    applyFilter();
}

QList<const ReconRow *> ReconSidePanel::selectedRows() const
{
    QList<const ReconRow *> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        if (const ReconRow *r = m_model->rowAt(index.row()))
            rows << r;
    std::sort(rows.begin(), rows.end(),
        [this](const ReconRow *a, const ReconRow *b) { return m_model->rowOf(a->id) < m_model->rowOf(b->id); });
    return rows;
}

QList<qint64> ReconSidePanel::selectedIds() const
{
    QList<qint64> ids;
    for (const ReconRow *r : selectedRows())
        ids << r->id;
    return ids;
}

qint64 ReconSidePanel::selectedTotal() const
{
    qint64 sum = 0;
    for (const ReconRow *r : selectedRows())
        sum += r->clearedMinor();
    return sum;
}

void ReconSidePanel::showTotal()
{
    const QList<const ReconRow *> rows = selectedRows();
    if (rows.isEmpty()) {
        m_total->setText(tr("Nothing selected"));
        return;
    }
    const QString currency = rows.first()->currency;
    m_total->setText(plural(rows.size(), QT_TRANSLATE_NOOP("Plural", "%Ln row selected: %1"),
        QT_TRANSLATE_NOOP("Plural", "%Ln rows selected: %1"))
                         .arg(OperationsModel::formatAmount(selectedTotal(), currency, QLocale())));
}

void ReconSidePanel::reload()
{
    const QList<qint64> before = selectedIds();
    const QModelIndex current = m_table->currentIndex();
    const int atRow = current.isValid() ? current.row() : -1;
    m_model->reload();
    QItemSelection again;
    for (qint64 id : before)
        if (const int row = m_model->rowOf(id); row >= 0)
            again.select(m_model->index(row, 0), m_model->index(row, m_model->columnCount() - 1));
    if (again.isEmpty() && atRow >= 0 && m_model->rowCount() > 0) {
        const int row = qMin(atRow, m_model->rowCount() - 1); // the row after the one a match took
        again.select(m_model->index(row, 0), m_model->index(row, m_model->columnCount() - 1));
    }
    if (!again.isEmpty()) {
        m_table->selectionModel()->select(again, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_table->selectionModel()->setCurrentIndex(again.first().topLeft(), QItemSelectionModel::NoUpdate);
        m_table->scrollTo(again.first().topLeft());
    }
    showTotal();
}

void ReconSidePanel::selectFirst()
{
    if (m_model->rowCount() > 0) {
        m_table->selectRow(0);
        m_table->setFocus();
    }
}
