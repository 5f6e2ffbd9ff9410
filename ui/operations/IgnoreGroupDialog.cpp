#include "operations/IgnoreGroupDialog.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {
constexpr qint64 kHourMs = 3600 * 1000;
}

IgnoreGroupDialog::IgnoreGroupDialog(const QString &title, QWidget *parent)
    : QDialog(parent)
    , m_hour(new QRadioButton(tr("For 1 hour"), this))
    , m_day(new QRadioButton(tr("For 24 hours"), this))
    , m_count(new QRadioButton(tr("Until it fails"), this))
    , m_forever(new QRadioButton(tr("For ever"), this))
    , m_failures(new QSpinBox(this))
    , m_note(new QLineEdit(this))
{
    setObjectName(QStringLiteral("ignoreGroupDialog"));
    setWindowTitle(tr("Ignore failure group"));
    auto *what = new QLabel(title, this);
    what->setWordWrap(true);
    QFont bold = what->font();
    bold.setBold(true);
    what->setFont(bold);
    auto *explain = new QLabel(tr("An ignored group leaves the default list. Its failures are still counted, and it "
                                  "opens again when the time or the count runs out."),
        this);
    explain->setWordWrap(true);

    m_hour->setObjectName(QStringLiteral("ignoreHour"));
    m_day->setObjectName(QStringLiteral("ignoreDay"));
    m_count->setObjectName(QStringLiteral("ignoreCount"));
    m_forever->setObjectName(QStringLiteral("ignoreForever"));
    m_failures->setObjectName(QStringLiteral("ignoreCountSpin"));
    m_failures->setRange(1, 1000000);
    m_failures->setValue(100);
    m_failures->setSuffix(tr(" more times"));
    auto *choice = new QButtonGroup(this);
    for (QRadioButton *b : { m_hour, m_day, m_count, m_forever })
        choice->addButton(b);
    m_hour->setChecked(true);
    m_failures->setEnabled(false);
    connect(m_count, &QRadioButton::toggled, m_failures, &QSpinBox::setEnabled);

    m_note->setObjectName(QStringLiteral("ignoreNote"));
    m_note->setPlaceholderText(tr("Why (optional; the audit log keeps it)"));

    auto *grid = new QGridLayout;
    grid->addWidget(m_hour, 0, 0, 1, 2);
    grid->addWidget(m_day, 1, 0, 1, 2);
    grid->addWidget(m_count, 2, 0);
    grid->addWidget(m_failures, 2, 1);
    grid->addWidget(m_forever, 3, 0, 1, 2);
    grid->setColumnStretch(2, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Ignore"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("ignoreOkButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(what);
    layout->addWidget(explain);
    layout->addLayout(grid);
    layout->addWidget(m_note);
    layout->addWidget(buttons);
}

qint64 IgnoreGroupDialog::ignoreUntil(qint64 now) const
{
    if (m_hour->isChecked())
        return now + kHourMs;
    if (m_day->isChecked())
        return now + 24 * kHourMs;
    return 0;
}

qint64 IgnoreGroupDialog::ignoreForFailures() const
{
    return m_count->isChecked() ? m_failures->value() : 0;
}

QString IgnoreGroupDialog::note() const
{
    return m_note->text().trimmed();
}
