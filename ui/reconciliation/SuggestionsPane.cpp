#include "reconciliation/SuggestionsPane.h"

#include "operations/OperationsModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
QString money(qint64 minor, const QString &currency)
{
    return OperationsModel::formatAmount(minor, currency, QLocale());
}
} // namespace

SuggestionsPane::SuggestionsPane(QWidget *parent)
    : QWidget(parent)
    , m_heading(new QLabel(this))
    , m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("suggestionsPane"));
    m_heading->setObjectName(QStringLiteral("suggestionsHeading"));
    m_heading->setWordWrap(true);
    m_list->setObjectName(QStringLiteral("suggestionsList"));
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->setUniformRowHeights(true);
    m_list->setHeaderLabels({ tr("Score"), tr("Rule"), tr("Other side"), tr("Amount"), tr("Why") });
    m_list->header()->setStretchLastSection(true);
    const QFontMetrics metrics(m_list->font());
    m_list->setColumnWidth(0, metrics.horizontalAdvance(QStringLiteral("0.000")) + 24);
    m_list->setColumnWidth(1, metrics.horizontalAdvance(QStringLiteral("tolerance-date")) + 18);
    m_list->setColumnWidth(2, metrics.horizontalAdvance(QStringLiteral("2026-10-03 INV-2041-0001")) + 18);
    m_list->setColumnWidth(3, metrics.horizontalAdvance(QStringLiteral("-99,999.99 EUR")) + 18);
    m_list->setToolTip(tr("Enter or Space confirms the selected suggestion (the best one unless you pick another)."));
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, &SuggestionsPane::confirmRequested);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_heading);
    layout->addWidget(m_list, 1);
    showNothing(tr("Select one row to see what the rules would match it with."));
}

void SuggestionsPane::showNothing(const QString &why)
{
    m_candidates.clear();
    m_list->clear();
    m_heading->setText(why);
}

void SuggestionsPane::show(const ReconRow &row, const QList<Candidate> &candidates)
{
    m_candidates = candidates;
    m_list->clear();
    const QString what = QStringLiteral("%1 %2 %3")
                             .arg(row.day.toString(Qt::ISODate), money(row.amountMinor, row.currency), row.reference);
    m_heading->setText(candidates.isEmpty()
            ? tr("<b>No suggestion</b> for %1: match it by hand, split it or write it off.").arg(what.toHtmlEscaped())
            : tr("<b>Suggestions</b> for %1 — Enter confirms the selected one.").arg(what.toHtmlEscaped()));
    for (const Candidate &c : candidates) {
        QStringList refs;
        qint64 total = 0;
        for (const ReconRow &r : c.counterparts) {
            refs << QStringLiteral("%1 %2").arg(r.day.toString(Qt::ISODate), r.reference);
            total += r.clearedMinor();
        }
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, QString::number(c.suggestion.match.score, 'f', 2));
        item->setText(1, c.suggestion.match.rule);
        item->setText(2,
            refs.size() > 2 ? tr("%1 rows: %2, …").arg(refs.size()).arg(refs.first())
                            : refs.join(QStringLiteral(", ")));
        item->setToolTip(2, refs.join(QLatin1Char('\n')));
        item->setText(3, money(total, row.currency));
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(4, c.suggestion.match.why);
        item->setToolTip(4, c.suggestion.match.why);
        if (c.suggestion.storedMatchId)
            item->setToolTip(1, tr("Stored by the last run as match %1").arg(c.suggestion.storedMatchId));
    }
    if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));
}

const SuggestionsPane::Candidate *SuggestionsPane::current() const
{
    if (m_candidates.isEmpty())
        return nullptr;
    const int at = m_list->currentItem() ? m_list->indexOfTopLevelItem(m_list->currentItem()) : 0;
    return &m_candidates.at(qBound(0, at, static_cast<int>(m_candidates.size()) - 1));
}
