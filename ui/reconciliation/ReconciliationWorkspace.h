#pragma once

#include "reconciliation/ReconciliationPeriod.h"
#include "reconciliation/ReconciliationReport.h"
#include "shell/Workspace.h"

#include <QWidget>

#include <optional>

class ExceptionsModel;
class MatchesModel;
class MessageBanner;
class QAction;
class QLabel;
class QTabWidget;
class ReconApprovalsTab;
class ReconciliationDesk;
class ReconExceptionsTab;
class ReconMatchesTab;
class ReconPeriodActions;
class ReconPeriodBar;
class ReconRowsModel;
class ReconSidePanel;
class SuggestionsPane;
struct ReconRow;

// Where finance closes a period: our ledger's unmatched rows beside the statement's, the rules'
// suggestions for the selected row (Enter confirms), matching by hand with the difference booked
// as an adjustment, splits and write-offs, the matches, the exceptions queue and the approvals
// a second person gives; the period's difference big above it all, and sign-off once it is zero.
// Every change goes through the ReconciliationDesk, which checks and audits it; what the desk
// refuses is shown in the banner, and a signed-off period offers no change at all.
class ReconciliationWorkspace : public QWidget, public Workspace
{
    Q_OBJECT
public:
    struct Models
    {
        ReconRowsModel *ledger = nullptr;
        ReconRowsModel *statement = nullptr;
        MatchesModel *matches = nullptr;
        ExceptionsModel *exceptions = nullptr;
    };
    // `report` makes a period's report for "Export report…"; without it the action is hidden.
    ReconciliationWorkspace(ReconciliationDesk &desk, const Models &models, ReconciliationReportSource report = {},
        QWidget *parent = nullptr);

    void selectPeriod(qint64 periodId);
    qint64 periodId() const { return m_periodId; }
    int pendingApprovals() const;
    const std::optional<PeriodSummary> &summary() const { return m_summary; }
    ReconSidePanel *ledgerPanel() const { return m_ledger; }
    ReconSidePanel *statementPanel() const { return m_statement; }
    SuggestionsPane *suggestionsPane() const { return m_suggestions; }

    QAbstractItemView *mainTable() const override;
    QLineEdit *searchField() const override;
    void refresh() override;

Q_SIGNALS:
    void message(const QString &text); // for the status bar
    void timelineRequested(const QString &entityId);
    void compareRequested(qint64 operationId);
    void pendingApprovalsChanged(int count);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildActions();
    QWidget *buildUnmatchedTab();
    static qint64 defaultPeriod(const QList<ReconciliationPeriod> &periods);
    void loadPeriods(qint64 selectId);
    void periodChosen(qint64 periodId);
    void refreshSummary();
    void refreshApprovals();
    void afterChange(const QString &done);
    void refused(const QString &why);
    void updateActions();
    void showSuggestions();
    ReconSidePanel *activePanel() const;
    const ReconRow *singleSelected() const; // of the active side, or the exceptions tab's
    QString lockReason() const;

    void confirmSuggestion();
    void confirmAbove();
    void matchByHand();
    void split();
    void writeOff();
    void saveException();
    void openLink(bool timeline);

    ReconciliationDesk &m_desk;
    Models m_models;
    ReconciliationReportSource m_report;
    qint64 m_periodId = 0;
    std::optional<PeriodSummary> m_summary;
    RowSide m_activeSide = RowSide::Ledger;

    ReconPeriodActions *m_periodActions = nullptr;
    ReconPeriodBar *m_bar = nullptr;
    MessageBanner *m_banner = nullptr;
    QTabWidget *m_tabs = nullptr;
    ReconSidePanel *m_ledger = nullptr;
    ReconSidePanel *m_statement = nullptr;
    QLabel *m_selection = nullptr;
    SuggestionsPane *m_suggestions = nullptr;
    ReconMatchesTab *m_matched = nullptr;
    ReconExceptionsTab *m_exceptions = nullptr;
    ReconApprovalsTab *m_approvals = nullptr;

    QAction *m_confirm;
    QAction *m_confirmAbove;
    QAction *m_match;
    QAction *m_split;
    QAction *m_writeOff;
    QAction *m_saveException;
    QAction *m_timeline;
    QAction *m_diff;
};
