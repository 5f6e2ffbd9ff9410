#include "operations/RetryPlanDialog.h"

#include "operations/RetryRunsModel.h"
#include "shell/Plural.h"
#include "shell/Tints.h"

#include <QDialogButtonBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
QLabel *wrapped(const QString &text, const QString &name, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}
} // namespace

RetryPlanDialog::RetryPlanDialog(RetryRunService &runs, const RetryRun &planned, QWidget *parent)
    : QDialog(parent)
    , m_runs(runs)
    , m_run(planned)
    , m_error(wrapped({}, QStringLiteral("planError"), this))
    , m_confirm(new QPushButton(tr("Confirm"), this))
{
    setObjectName(QStringLiteral("retryPlanDialog"));
    setWindowTitle(tr("Retry run %1: the plan").arg(planned.id));
    const RetryPlan &plan = planned.plan;
    const QStringList lines = plan.explain();

    auto *scope = wrapped(planned.description, QStringLiteral("planScope"), this);
    auto *headline = wrapped(lines.value(0), QStringLiteral("planHeadline"), this);
    QFont bold = headline->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    headline->setFont(bold);
    // The rest of the plan in words; its ETA and its approval, the last two lines, have their own.
    const qsizetype detail = lines.size() - 1 - (plan.toSend > 0 ? 1 : 0) - (plan.needsApproval ? 1 : 0);
    auto *explanation = wrapped(
        lines.mid(1, qMax<qsizetype>(0, detail)).join(QLatin1Char('\n')), QStringLiteral("planExplanation"), this);
    explanation->setVisible(!explanation->text().isEmpty());
    auto *eta
        = wrapped(plan.toSend > 0 ? tr("<b>ETA: about %1</b> at the providers' limits, live traffic keeping its share.")
                                        .arg(RetryRunsModel::duration(plan.etaSeconds))
                                  : tr("Nothing to send: every operation it matched is skipped."),
            QStringLiteral("planEta"), this);
    auto *approval = wrapped({}, QStringLiteral("approvalNote"), this);
    if (plan.needsApproval) {
        approval->setText(tr("More than %L1 sends: after you confirm, it waits for a second person: support or admin "
                             "approves it before anything is sent.")
                              .arg(plan.approvalAbove));
        approval->setStyleSheet(Tints::bannerStyle(Tints::Tone::Warning, palette()));
    }
    approval->setVisible(plan.needsApproval);
    m_error->setStyleSheet(Tints::bannerStyle(Tints::Tone::Error, palette()));
    m_error->hide();

    auto *buttons = new QDialogButtonBox(this);
    m_confirm->setObjectName(QStringLiteral("confirmRunButton"));
    m_confirm->setEnabled(plan.toSend > 0);
    m_confirm->setDefault(plan.toSend > 0);
    m_confirm->setToolTip(plan.needsApproval ? tr("Confirm the plan; a second person then approves it.")
                                             : tr("Start sending, at the providers' pace."));
    QPushButton *discard = buttons->addButton(tr("Discard"), QDialogButtonBox::RejectRole);
    discard->setObjectName(QStringLiteral("discardRunButton"));
    discard->setToolTip(tr("Drop the plan: nothing is sent."));
    buttons->addButton(m_confirm, QDialogButtonBox::AcceptRole);
    connect(m_confirm, &QPushButton::clicked, this, &RetryPlanDialog::confirmRun);
    connect(discard, &QPushButton::clicked, this, &RetryPlanDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scope);
    layout->addWidget(headline);
    layout->addWidget(explanation);
    layout->addWidget(buildSkips());
    layout->addWidget(eta);
    layout->addWidget(approval);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(560);
}

// Every skip reason with its count, the zeros too, so a person sees what was checked.
QWidget *RetryPlanDialog::buildSkips()
{
    const RetryPlan &plan = m_run.plan;
    auto *box = new QGroupBox(plural(plan.skippedTotal(), QT_TRANSLATE_NOOP("Plural", "Skipped: %Ln operation"),
                                  QT_TRANSLATE_NOOP("Plural", "Skipped: %Ln operations")),
        this);
    box->setObjectName(QStringLiteral("skipCounts"));
    auto *grid = new QGridLayout(box);
    int row = 0;
    for (RetryPlan::Skip skip : RetryPlan::allSkips()) {
        const qint64 n = plan.skipped.value(skip);
        auto *count = new QLabel(QLocale().toString(n), box);
        count->setObjectName(QStringLiteral("skip_") + RetryPlan::skipName(skip));
        count->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto *label = new QLabel(RetryPlan::skipLabel(skip), box);
        if (n == 0) {
            for (QLabel *l : { count, label }) {
                QPalette muted = l->palette();
                muted.setColor(QPalette::WindowText, Tints::text(Tints::Tone::Muted, muted));
                l->setPalette(muted);
            }
        }
        grid->addWidget(count, row, 0);
        grid->addWidget(label, row, 1);
        ++row;
    }
    grid->setColumnStretch(1, 1);
    return box;
}

Result<RetryPlanDialog *> RetryPlanDialog::planAndOpen(
    RetryRunService &runs, const OperationsFilter &scope, QWidget *parent)
{
    auto planned = runs.plan(scope);
    if (!planned)
        return planned.error();
    auto *dialog = new RetryPlanDialog(runs, planned.value(), parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void RetryPlanDialog::confirmRun()
{
    auto result = m_runs.confirm(m_run.id);
    if (!result) {
        // Still planned: the person reads why here, and may discard it.
        m_error->setText(result.message());
        m_error->show();
        Q_EMIT reported(result.message(), true);
        return;
    }
    m_settled = true;
    const RetryRun &run = result.value();
    const QString sends
        = plural(run.toSend, QT_TRANSLATE_NOOP("Plural", "%Ln send"), QT_TRANSLATE_NOOP("Plural", "%Ln sends"));
    if (run.state == RetryRun::State::AwaitingApproval)
        Q_EMIT reported(tr("Retry run %1 confirmed (%2). Waiting for a second person: support or admin approves it "
                           "before anything is sent.")
                            .arg(run.id)
                            .arg(sends),
            false);
    else
        Q_EMIT reported(tr("Retry run %1 is running: %2, %3.")
                            .arg(run.id)
                            .arg(sends, tr("about %1").arg(RetryRunsModel::duration(run.plan.etaSeconds))),
            false);
    Q_EMIT confirmed(run);
    accept();
}

void RetryPlanDialog::reject()
{
    if (!m_settled) {
        m_settled = true;
        auto discarded = m_runs.cancel(m_run.id, QStringLiteral("discarded"));
        Q_EMIT reported(discarded ? tr("Retry run %1 discarded: nothing was sent.").arg(m_run.id) : discarded.message(),
            !discarded);
    }
    QDialog::reject();
}
