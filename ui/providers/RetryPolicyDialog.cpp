#include "providers/RetryPolicyDialog.h"

#include "providers/DurationField.h"
#include "providers/ProviderService.h"
#include "shell/Tints.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace {
constexpr qint64 kHourMs = 3600000;
constexpr qint64 kMinimumWaitMs = 1000; // the agent waits at least this long (RetryPolicy::next)

QString levelName(const RetryPolicy &p)
{
    return p.action.isEmpty() ? RetryPolicyDialog::tr("Every action") : p.action;
}

// What each retriable class is, for the checkbox people tick.
QString classLabel(ErrorClass c)
{
    switch (c) {
    case ErrorClass::Network:
        return RetryPolicyDialog::tr("network: the request never reached the provider");
    case ErrorClass::RateLimited:
        return RetryPolicyDialog::tr("rate_limited: 429, waiting at least as long as Retry-After asks");
    case ErrorClass::Server:
        return RetryPolicyDialog::tr("server: the provider's 5xx");
    case ErrorClass::Timeout:
        return RetryPolicyDialog::tr("timeout: no answer in time, the provider may have acted");
    default:
        return errorClassName(c);
    }
}
} // namespace

RetryPolicyDialog::RetryPolicyDialog(
    ProviderService &providers, const RetryPolicy &start, bool adding, const QStringList &actions, QWidget *parent)
    : QDialog(parent)
    , m_providers(providers)
    , m_start(start)
    , m_maxAttempts(new QSpinBox(this))
    , m_baseDelay(new DurationField(this))
    , m_maxDelay(new DurationField(this))
    , m_deadline(new QDoubleSpinBox(this))
    , m_preview(new QLabel(this))
    , m_problem(new QLabel(this))
{
    setObjectName(QStringLiteral("retryPolicyDialog"));
    setWindowTitle(adding ? tr("Retry policy for an action of %1").arg(start.providerId)
                          : tr("Retry policy of %1").arg(start.providerId));
    auto *form = new QFormLayout;
    if (adding) {
        m_action = new QComboBox(this);
        m_action->setObjectName(QStringLiteral("policyActionField"));
        m_action->setEditable(true);
        m_action->addItems(actions);
        m_action->lineEdit()->setPlaceholderText(tr("capture_payment, refund, …"));
        connect(m_action, &QComboBox::currentTextChanged, this, &RetryPolicyDialog::updatePreview);
        form->addRow(tr("Action"), m_action);
    } else {
        auto *level = new QLabel(tr("<b>%1</b> of %2").arg(levelName(start).toHtmlEscaped(), start.providerId), this);
        level->setObjectName(QStringLiteral("policyLevelLabel"));
        form->addRow(tr("Level"), level);
    }
    m_maxAttempts->setObjectName(QStringLiteral("maxAttemptsField"));
    m_maxAttempts->setRange(0, 1000); // RetryPolicy::check says what is allowed, by name
    m_maxAttempts->setSuffix(tr(" sends"));
    m_maxAttempts->setToolTip(tr("Sends in all, the first one included; 1: never retried automatically."));
    m_maxAttempts->setValue(start.maxAttempts);
    m_baseDelay->setObjectName(QStringLiteral("baseDelayField"));
    m_baseDelay->setToolTip(tr("The first retry waits up to this long; each later one up to twice the one before."));
    m_baseDelay->setMs(start.baseDelayMs);
    m_maxDelay->setObjectName(QStringLiteral("maxDelayField"));
    m_maxDelay->setToolTip(tr("No wait grows beyond this."));
    m_maxDelay->setMs(start.maxDelayMs);
    m_deadline->setObjectName(QStringLiteral("deadlineField"));
    m_deadline->setRange(0, 24 * 365);
    m_deadline->setDecimals(2);
    m_deadline->setSuffix(tr(" h"));
    m_deadline->setToolTip(tr("After this long since the operation was created, no retry is scheduled: it waits "
                              "for a person."));
    m_deadline->setValue(double(start.deadlineMs) / kHourMs);
    form->addRow(tr("Max attempts"), m_maxAttempts);
    form->addRow(tr("Base delay"), m_baseDelay);
    form->addRow(tr("Max delay"), m_maxDelay);
    form->addRow(tr("Deadline"), m_deadline);
    form->addRow(tr("Retry"), buildClasses());

    auto *explain = new QLabel(tr("The agent retries failed sends on its own within these limits, each wait drawn "
                                  "at random under its ceiling so operations that failed together do not return "
                                  "together. After them, a person decides in the Failures view."),
        this);
    explain->setWordWrap(true);
    m_preview->setObjectName(QStringLiteral("schedulePreview"));
    m_preview->setWordWrap(true);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setObjectName(QStringLiteral("policyProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(Tints::bannerStyle(Tints::Tone::Error, palette()));
    m_problem->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Save"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("savePolicyButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelPolicyButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &RetryPolicyDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explain);
    layout->addLayout(form);
    layout->addWidget(m_preview);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    connect(m_maxAttempts, &QSpinBox::valueChanged, this, &RetryPolicyDialog::updatePreview);
    connect(m_baseDelay, &DurationField::changed, this, &RetryPolicyDialog::updatePreview);
    connect(m_maxDelay, &DurationField::changed, this, &RetryPolicyDialog::updatePreview);
    connect(m_deadline, &QDoubleSpinBox::valueChanged, this, &RetryPolicyDialog::updatePreview);
    updatePreview();
    resize(560, sizeHint().height());
}

QWidget *RetryPolicyDialog::buildClasses()
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    for (ErrorClass c : RetryPolicy::retriableClasses()) {
        auto *check = new QCheckBox(classLabel(c), box);
        check->setObjectName(QStringLiteral("retry_") + errorClassName(c));
        check->setChecked(m_start.retries(c));
        connect(check, &QCheckBox::toggled, this, &RetryPolicyDialog::updatePreview);
        layout->addWidget(check);
        m_classes.insert(c, check);
    }
    m_classes.value(ErrorClass::Timeout)
        ->setToolTip(tr("A timeout leaves the outcome unknown. For payments the agent looks the operation up at the "
                        "provider first and never resends it blindly, whatever is ticked here; a CRM update, safe to "
                        "repeat, is resent."));
    return box;
}

RetryPolicy RetryPolicyDialog::policy() const
{
    RetryPolicy p = m_start;
    if (m_action)
        p.action = m_action->currentText().trimmed();
    p.maxAttempts = m_maxAttempts->value();
    p.baseDelayMs = m_baseDelay->ms();
    p.maxDelayMs = m_maxDelay->ms();
    p.deadlineMs = qRound64(m_deadline->value() * kHourMs);
    p.retriedClasses.clear();
    for (ErrorClass c : RetryPolicy::retriableClasses()) {
        if (m_classes.value(c)->isChecked())
            p.retriedClasses << c;
    }
    return p;
}

QString RetryPolicyDialog::schedule(const RetryPolicy &p)
{
    if (p.retriedClasses.isEmpty())
        return tr("Nothing is retried automatically: every failure waits for a person.");
    if (p.maxAttempts <= 1)
        return tr("Never retried automatically: one send, then a person decides.");
    // Waits whose ceiling is the cap are said once: "7–99: ≤ 1 h".
    QStringList steps;
    qint64 total = 0;
    int from = 1;
    qint64 ceiling = 0;
    auto close = [&](int to) {
        const QString span = DurationField::describe(ceiling);
        steps << (from == to ? tr("%1: ≤ %2").arg(from).arg(span) : tr("%1–%2: ≤ %3").arg(from).arg(to).arg(span));
    };
    for (int n = 1; n < p.maxAttempts; ++n) {
        const qint64 wait = std::max(fullJitterMs(n, p.baseDelayMs, p.maxDelayMs, 1.0), kMinimumWaitMs);
        total += wait;
        if (n > 1 && wait != ceiling) {
            close(n - 1);
            from = n;
        }
        ceiling = wait;
    }
    close(p.maxAttempts - 1);
    steps << tr("stops after %1 sends or %2").arg(p.maxAttempts).arg(DurationField::describe(p.deadlineMs));
    const QString ends = total > p.deadlineMs
        ? tr("The waits may add up to %1, past the deadline: it can end the retries first.")
        : tr("The waits add up to %1 at most.");
    return steps.join(QStringLiteral(" · ")) + QLatin1Char('\n') + ends.arg(DurationField::describe(total));
}

void RetryPolicyDialog::updatePreview()
{
    m_preview->setText(schedule(policy()));
    // Said as typed; OK asks the service, which says it again and refuses.
    const Status valid = RetryPolicy::check(policy());
    if (valid)
        m_problem->hide();
    else
        showRefusal(valid.message());
}

void RetryPolicyDialog::showRefusal(const QString &message)
{
    m_problem->setText(message);
    m_problem->show();
}

void RetryPolicyDialog::accept()
{
    const RetryPolicy p = policy();
    if (m_action && p.action.isEmpty()) {
        showRefusal(tr("Action: name the action this policy is for, e.g. refund."));
        m_action->setFocus();
        return;
    }
    auto saved = m_providers.setRetryPolicy(p);
    if (!saved) {
        showRefusal(saved.message());
        return;
    }
    m_saved = saved.value();
    QDialog::accept();
}
