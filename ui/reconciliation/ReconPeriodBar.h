#pragma once

#include "reconciliation/ReconciliationPeriod.h"

#include <QWidget>

#include <optional>

class QAction;
class QComboBox;
class QLabel;

// The head of the Reconciliation workspace: which period, its state, its balances, and its
// difference (closing − opening − cleared) in big figures, green at zero; below it, why the
// period cannot be signed off yet, each reason on its own line.
class ReconPeriodBar : public QWidget
{
    Q_OBJECT
public:
    // `actions` are shown as buttons beside the picker (open, sign off, reopen, export).
    ReconPeriodBar(const QList<QAction *> &actions, QWidget *parent = nullptr);

    void setPeriods(const QList<ReconciliationPeriod> &periods, qint64 selectId);
    qint64 currentPeriodId() const;
    void setSummary(const std::optional<PeriodSummary> &summary);
    QLabel *differenceLabel() const { return m_difference; }

Q_SIGNALS:
    void periodChosen(qint64 periodId); // 0: none

private:
    QComboBox *m_picker;
    QLabel *m_state;
    QLabel *m_balances;
    QLabel *m_difference;
    QLabel *m_blockers;
};
