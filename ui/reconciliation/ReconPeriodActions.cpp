#include "reconciliation/ReconPeriodActions.h"

#include "reconciliation/ReconAction.h"
#include "reconciliation/ReconPrompts.h"
#include "reconciliation/ReconciliationDesk.h"
#include "reconciliation/ReconciliationReportPdf.h"
#include "shell/Prompts.h"

#include <QAction>
#include <QWidget>

ReconPeriodActions::ReconPeriodActions(
    ReconciliationDesk &desk, ReconciliationReportSource report, Accounts accounts, QWidget *workspace)
    : QObject(workspace)
    , m_desk(desk)
    , m_report(std::move(report))
    , m_accounts(std::move(accounts))
    , m_parent(workspace)
    , m_open(ReconAction::make(workspace, tr("Open period…"), QStringLiteral("openPeriodAction"),
          tr("Start the next period of an account: its dates, and its balances from the statement or typed in.")))
    , m_runRules(ReconAction::make(workspace, tr("Run the rules"), QStringLiteral("runRulesAction"),
          tr("Match the period's rows by the rules again: their matches become suggestions to confirm; what a "
             "person confirmed stays.")))
    , m_balances(ReconAction::make(workspace, tr("Balances…"), QStringLiteral("balancesAction"),
          tr("Type in the period's opening and closing balances, with a reason.")))
    , m_signOff(ReconAction::make(workspace, tr("Sign off"), QStringLiteral("signOffAction"),
          tr("Close and lock the period: only at a difference of zero, with no open exception or pending approval.")))
    , m_reopen(ReconAction::make(workspace, tr("Reopen…"), QStringLiteral("reopenAction"),
          tr("Unlock a signed-off period, with a reason for the audit log.")))
    , m_export(ReconAction::make(workspace, tr("Export report…"), QStringLiteral("exportReportAction"),
          tr("The period's reconciliation report for the auditor, as PDF (or CSV by the file's name).")))
{
    m_export->setVisible(static_cast<bool>(m_report));
    connect(m_open, &QAction::triggered, this, &ReconPeriodActions::openPeriod);
    connect(m_runRules, &QAction::triggered, this, &ReconPeriodActions::runRules);
    connect(m_balances, &QAction::triggered, this, &ReconPeriodActions::correctBalances);
    connect(m_signOff, &QAction::triggered, this, &ReconPeriodActions::signOff);
    connect(m_reopen, &QAction::triggered, this, &ReconPeriodActions::reopen);
    connect(m_export, &QAction::triggered, this, &ReconPeriodActions::exportReport);
    update(std::nullopt);
}

void ReconPeriodActions::update(const std::optional<PeriodSummary> &summary)
{
    m_summary = summary;
    const bool locked = summary && summary->period.signedOff;
    const bool clear = summary && summary->signOffBlockers.isEmpty();
    m_signOff->setEnabled(summary && !locked && clear);
    m_signOff->setToolTip(!summary ? tr("Pick or open a period first.")
            : locked               ? tr("The period is signed off by %1 and locked.").arg(summary->period.signedOffBy)
            : clear                ? m_signOff->property("hint").toString()
                                   : summary->signOffBlockers.join(QLatin1Char('\n')));
    ReconAction::allow(m_balances,
        !summary     ? tr("Pick or open a period first.")
            : locked ? tr("The period is signed off by %1 and locked.").arg(summary->period.signedOffBy)
                     : QString(),
        true, {});
    ReconAction::allow(m_runRules,
        !summary     ? tr("Pick or open a period first.")
            : locked ? tr("The period is signed off by %1 and locked.").arg(summary->period.signedOffBy)
                     : QString(),
        true, {});
    // Reopening is the one change a locked period allows.
    m_reopen->setEnabled(locked);
    m_reopen->setToolTip(
        locked ? m_reopen->property("hint").toString() : tr("Only a signed-off period can be reopened."));
    m_export->setEnabled(summary.has_value());
}

void ReconPeriodActions::openPeriod()
{
    ReconPrompts::PeriodRequest suggested;
    if (m_summary) { // the account's next period: from the day after this one to that month's end
        suggested.account = m_summary->period.account;
        suggested.currency = m_summary->period.currency;
        suggested.from = m_summary->period.to.addDays(1);
    } else {
        suggested.from = QDate(QDate::currentDate().year(), QDate::currentDate().month(), 1);
    }
    suggested.to = QDate(suggested.from.year(), suggested.from.month(), suggested.from.daysInMonth());
    const auto accounts = m_accounts();
    if (suggested.account.isEmpty() && !accounts.isEmpty()) {
        suggested.account = accounts.first().account;
        suggested.currency = accounts.first().currency;
    }
    const auto request = ReconPrompts::openPeriod(m_parent, accounts, suggested);
    if (!request)
        return;
    auto opened = m_desk.openPeriod(
        request->account, request->currency, request->from, request->to, request->openingMinor, request->closingMinor);
    if (!opened)
        return Q_EMIT refused(opened.message());
    Q_EMIT changed(opened.value(),
        tr("Period %1 %2 %3 to %4 opened.")
            .arg(request->account, request->currency, request->from.toString(Qt::ISODate),
                request->to.toString(Qt::ISODate)));
}

void ReconPeriodActions::correctBalances()
{
    if (!m_summary)
        return;
    const auto answer = ReconPrompts::balances(m_parent, m_summary->period);
    if (!answer)
        return;
    const Status done
        = m_desk.setBalances(m_summary->period.id, answer->openingMinor, answer->closingMinor, answer->reason);
    if (!done)
        return Q_EMIT refused(done.message());
    Q_EMIT changed(m_summary->period.id, tr("Balances corrected."));
}

void ReconPeriodActions::runRules()
{
    if (!m_summary)
        return;
    auto made = m_desk.runRules(m_summary->period.id);
    if (!made)
        return Q_EMIT refused(made.message());
    Q_EMIT changed(
        m_summary->period.id, tr("The rules suggested %n match(es) to confirm.", nullptr, int(made.value())));
}

void ReconPeriodActions::signOff()
{
    if (!m_summary
        || !Prompts::confirm(m_parent, tr("Sign off period"),
            tr("Sign off %1 and lock it? Nothing in it can change until it is reopened with a reason.")
                .arg(m_summary->period.label())))
        return;
    const Status done = m_desk.signOff(m_summary->period.id);
    if (!done)
        return Q_EMIT refused(done.message());
    Q_EMIT changed(m_summary->period.id, tr("Period signed off and locked."));
}

void ReconPeriodActions::reopen()
{
    if (!m_summary)
        return;
    const QString reason = Prompts::reason(m_parent, tr("Reopen period"),
        tr("Reopening %1 unlocks it for changes. Say why (the audit log keeps it):").arg(m_summary->period.label()));
    if (reason.isEmpty())
        return;
    const Status done = m_desk.reopen(m_summary->period.id, reason);
    if (!done)
        return Q_EMIT refused(done.message());
    Q_EMIT changed(m_summary->period.id, tr("Period reopened."));
}

void ReconPeriodActions::exportReport()
{
    if (!m_report || !m_summary)
        return;
    auto report = m_report(m_summary->period.id);
    if (!report)
        return Q_EMIT refused(report.message());
    const QString path
        = Prompts::saveFile(m_parent, tr("Export reconciliation report"), report->fileName(QStringLiteral("pdf")));
    if (path.isEmpty())
        return;
    const auto format = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)
        ? ReconciliationReportPdf::Format::Csv
        : ReconciliationReportPdf::Format::Pdf;
    const Status done = ReconciliationReportPdf::write(report.value(), format, path);
    if (!done)
        return Q_EMIT refused(done.message());
    Q_EMIT written(tr("Report written to %1.").arg(path));
}
