#pragma once

#include "reconciliation/ReconRowsQuery.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QWidget>

class QLabel;
class QTreeWidget;

// What the rules would match the selected row with: each candidate's rows on the other side,
// the rule and score, and why ("amount within 0.50, 2 days apart, reference contains INV-2041").
// The best is selected, so Enter confirms it.
class SuggestionsPane : public QWidget
{
    Q_OBJECT
public:
    explicit SuggestionsPane(QWidget *parent = nullptr);

    struct Candidate
    {
        Suggestion suggestion;
        QList<ReconRow> counterparts; // the other side's rows it would match
    };
    void show(const ReconRow &row, const QList<Candidate> &candidates);
    void showNothing(const QString &why);
    // The selected candidate, else the first; null when there is none.
    const Candidate *current() const;
    int count() const { return static_cast<int>(m_candidates.size()); }
    QTreeWidget *list() const { return m_list; }

Q_SIGNALS:
    void confirmRequested(); // a candidate was double-clicked

private:
    QLabel *m_heading;
    QTreeWidget *m_list;
    QList<Candidate> m_candidates;
};
