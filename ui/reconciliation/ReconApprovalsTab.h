#pragma once

#include "reconciliation/ReconciliationPeriod.h"

#include <QWidget>

class QAction;
class QTableWidget;
class ReconciliationDesk;

// Write-offs and adjustments above the account's threshold, waiting for a second finance user:
// who proposed what and why, approved or rejected here. The desk refuses a proposer's own.
class ReconApprovalsTab : public QWidget
{
    Q_OBJECT
public:
    // The tab's actions are added to `workspace`.
    ReconApprovalsTab(ReconciliationDesk &desk, QWidget *workspace);

    void setPending(const QList<Adjustment> &pending);
    const Adjustment *selected() const;
    int count() const { return static_cast<int>(m_pending.size()); }
    QTableWidget *table() const { return m_table; }

    void updateActions(const QString &locked);

Q_SIGNALS:
    void selectionChanged();
    void changed(const QString &done);
    void refused(const QString &why);

private:
    void approve();
    void reject();

    ReconciliationDesk &m_desk;
    QAction *m_approve;
    QAction *m_reject;
    QTableWidget *m_table;
    QList<Adjustment> m_pending;
};
