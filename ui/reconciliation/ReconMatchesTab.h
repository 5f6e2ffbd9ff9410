#pragma once

#include <QWidget>

class MatchesModel;
class QAction;
class QCheckBox;
class QTableView;
class ReconciliationDesk;
struct MatchListRow;

// The Matched tab: every match of the period with its rule, score and why, both sides' rows
// and totals, who confirmed it when, and its adjustment; the last run's suggestions on request.
// A match is undone here, or its leftover difference (a tolerance's cents) booked.
class ReconMatchesTab : public QWidget
{
    Q_OBJECT
public:
    // The tab's actions are added to `workspace`.
    ReconMatchesTab(MatchesModel &model, ReconciliationDesk &desk, QWidget *workspace);

    QTableView *table() const { return m_table; }
    const MatchListRow *selected() const;
    void reload(); // keeps the selected match selected
    // Enables what the selection allows while the period is open (`locked` empty).
    void updateActions(const QString &locked);

Q_SIGNALS:
    void selectionChanged();
    void changed(const QString &done);
    void refused(const QString &why);

private:
    void unmatch();
    void bookDifference();

    MatchesModel *m_model;
    ReconciliationDesk &m_desk;
    QAction *m_unmatch;
    QAction *m_bookDifference;
    QTableView *m_table;
    QCheckBox *m_suggestions;
};
