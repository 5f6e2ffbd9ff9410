#pragma once

#include "reconciliation/ReconRowsQuery.h"
#include "reconciliation/ReconciliationPeriod.h"
#include "reconciliation/ReconciliationReport.h"

#include <QObject>

#include <functional>
#include <optional>

class QAction;
class QWidget;
class ReconciliationDesk;

// What the Reconciliation workspace does to a period as a whole: open the next one, run the
// rules over it, correct its balances, sign it off, reopen it with a reason, export its report. Each goes through the
// desk; the workspace hears what changed (and reads everything again) or what was refused.
class ReconPeriodActions : public QObject
{
    Q_OBJECT
public:
    using Accounts = std::function<QList<AccountCurrency>()>;
    // The actions are added to `workspace`, which the shell's menus and palette read them from.
    ReconPeriodActions(
        ReconciliationDesk &desk, ReconciliationReportSource report, Accounts accounts, QWidget *workspace);

    QList<QAction *> actions() const { return { m_open, m_runRules, m_balances, m_signOff, m_reopen, m_export }; }
    // Enables what `summary` allows, each disabled action saying why.
    void update(const std::optional<PeriodSummary> &summary);

Q_SIGNALS:
    void changed(qint64 periodId, const QString &done);
    void refused(const QString &why);
    void written(const QString &done);

private:
    void openPeriod();
    void runRules();
    void correctBalances();
    void signOff();
    void reopen();
    void exportReport();

    ReconciliationDesk &m_desk;
    ReconciliationReportSource m_report;
    Accounts m_accounts;
    QWidget *m_parent;
    std::optional<PeriodSummary> m_summary;
    QAction *m_open;
    QAction *m_runRules;
    QAction *m_balances;
    QAction *m_signOff;
    QAction *m_reopen;
    QAction *m_export;
};
