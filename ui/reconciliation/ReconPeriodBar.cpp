#include "reconciliation/ReconPeriodBar.h"

#include "operations/OperationsModel.h"
#include "shell/ActionButton.h"
#include "shell/Tints.h"

#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace {
QString money(qint64 minor, const QString &currency)
{
    return OperationsModel::formatAmount(minor, currency, QLocale());
}

void setTone(QLabel *label, Tints::Tone tone)
{
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, Tints::text(tone, p));
    label->setPalette(p);
}

QString pickerText(const ReconciliationPeriod &p)
{
    return p.signedOff ? QObject::tr("%1 — signed off").arg(p.label()) : QObject::tr("%1 — open").arg(p.label());
}
} // namespace

ReconPeriodBar::ReconPeriodBar(const QList<QAction *> &actions, QWidget *parent)
    : QWidget(parent)
    , m_picker(new QComboBox(this))
    , m_state(new QLabel(this))
    , m_balances(new QLabel(this))
    , m_difference(new QLabel(this))
    , m_blockers(new QLabel(this))
{
    setObjectName(QStringLiteral("periodBar"));
    m_picker->setObjectName(QStringLiteral("periodPicker"));
    m_picker->setMinimumContentsLength(58);
    m_picker->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_state->setObjectName(QStringLiteral("periodState"));
    m_balances->setObjectName(QStringLiteral("periodBalances"));
    m_difference->setObjectName(QStringLiteral("differenceLabel"));
    m_blockers->setObjectName(QStringLiteral("signOffBlockers"));
    m_blockers->setWordWrap(true);
    m_state->setWordWrap(true);
    QFont big = m_difference->font();
    big.setPointSizeF(big.pointSizeF() * 2.2);
    big.setBold(true);
    m_difference->setFont(big);
    m_difference->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_difference->setToolTip(tr("Closing balance − opening balance − cleared: zero when every line is explained."));
    setTone(m_blockers, Tints::Tone::Warning);

    auto *pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("Period"), this));
    pick->addWidget(m_picker);
    for (QAction *a : actions)
        pick->addWidget(
            new ActionButton(a, a->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")), this));
    pick->addStretch(1);
    auto *left = new QVBoxLayout;
    left->addLayout(pick);
    left->addWidget(m_state);
    left->addWidget(m_balances);
    left->addWidget(m_blockers);
    left->addStretch(1);
    auto *right = new QVBoxLayout;
    auto *caption = new QLabel(tr("Difference"), this);
    caption->setAlignment(Qt::AlignRight);
    right->addWidget(caption);
    right->addWidget(m_difference);
    right->addStretch(1);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(left, 1);
    layout->addLayout(right);

    connect(m_picker, &QComboBox::currentIndexChanged, this,
        [this] { Q_EMIT periodChosen(m_picker->currentData().toLongLong()); });
    setSummary(std::nullopt);
}

void ReconPeriodBar::setPeriods(const QList<ReconciliationPeriod> &periods, qint64 selectId)
{
    const QSignalBlocker quiet(m_picker);
    m_picker->clear();
    for (const ReconciliationPeriod &p : periods)
        m_picker->addItem(pickerText(p), p.id);
    if (periods.isEmpty())
        m_picker->addItem(tr("No period yet: open one"), qint64(0));
    const int at = m_picker->findData(selectId);
    m_picker->setCurrentIndex(at >= 0 ? at : 0);
}

qint64 ReconPeriodBar::currentPeriodId() const
{
    return m_picker->currentData().toLongLong();
}

void ReconPeriodBar::setSummary(const std::optional<PeriodSummary> &summary)
{
    if (!summary) {
        m_state->clear();
        m_balances->clear();
        m_blockers->clear();
        m_blockers->hide();
        m_difference->setText(QStringLiteral("—"));
        setTone(m_difference, Tints::Tone::Muted);
        return;
    }
    const ReconciliationPeriod &p = summary->period;
    if (const int at = m_picker->findData(p.id); at >= 0)
        m_picker->setItemText(at, pickerText(p));
    if (p.signedOff) {
        m_state->setText(
            tr("<b>Locked</b>: signed off by %1 on %2. Reopen it, with a reason, to change anything.")
                .arg(p.signedOffBy,
                    QDateTime::fromMSecsSinceEpoch(p.signedOffAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
        setTone(m_state, Tints::Tone::Info);
    } else {
        m_state->setText(
            tr("Open: %L1 ledger and %L2 statement rows unmatched, %L3 open exceptions, %L4 awaiting approval.")
                .arg(summary->unmatchedLedger)
                .arg(summary->unmatchedStatement)
                .arg(summary->openExceptions)
                .arg(summary->pendingApprovals));
        setTone(m_state, Tints::Tone::Muted);
    }
    const QString from = p.balancesFrom == QLatin1String("typed") ? tr("typed in")
        : p.balancesFrom == QLatin1String("previous")             ? tr("from the previous period")
                                                                  : tr("from the statement");
    m_balances->setText(tr("Opening %1 · Closing %2 · Cleared %3 (balances %4)")
                            .arg(money(p.openingMinor, p.currency), money(p.closingMinor, p.currency),
                                money(summary->clearedMinor, p.currency), from));
    m_difference->setText(money(summary->differenceMinor, p.currency));
    setTone(m_difference, summary->differenceMinor == 0 ? Tints::Tone::Success : Tints::Tone::Error);
    const bool blocked = !p.signedOff && !summary->signOffBlockers.isEmpty();
    m_blockers->setText(blocked ? tr("Cannot be signed off yet:") + QStringLiteral("\n• ")
                + summary->signOffBlockers.join(QStringLiteral("\n• "))
                                : QString());
    m_blockers->setVisible(blocked);
}
