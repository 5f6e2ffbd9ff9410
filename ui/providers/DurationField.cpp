#include "providers/DurationField.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLocale>
#include <QSpinBox>

namespace {
constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
} // namespace

DurationField::DurationField(QWidget *parent)
    : QWidget(parent)
    , m_number(new QSpinBox(this))
    , m_unit(new QComboBox(this))
{
    m_number->setRange(0, 100000);
    m_unit->addItem(tr("s"), kSecond);
    m_unit->addItem(tr("min"), kMinute);
    m_unit->addItem(tr("h"), kHour);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_number, 1);
    layout->addWidget(m_unit);
    setFocusProxy(m_number);
    // The number stays as typed when the unit changes: "5", then "min", means five minutes.
    connect(m_number, &QSpinBox::valueChanged, this, &DurationField::changed);
    connect(m_unit, &QComboBox::currentIndexChanged, this, &DurationField::changed);
}

qint64 DurationField::ms() const
{
    return m_number->value() * m_unit->currentData().toLongLong();
}

void DurationField::setMs(qint64 ms)
{
    const QSignalBlocker number(m_number), unit(m_unit);
    int index = 0;
    for (int i = m_unit->count() - 1; i > 0; --i) {
        if (ms % m_unit->itemData(i).toLongLong() == 0) {
            index = i;
            break;
        }
    }
    m_unit->setCurrentIndex(index);
    m_number->setValue(int(ms / m_unit->itemData(index).toLongLong()));
    Q_EMIT changed();
}

QString DurationField::describe(qint64 ms)
{
    if (ms < kMinute)
        return ms % kSecond ? tr("%1 s").arg(QLocale().toString(double(ms) / kSecond, 'f', 1))
                            : tr("%1 s").arg(ms / kSecond);
    if (ms < kHour) {
        const qint64 seconds = ms % kMinute / kSecond;
        return seconds ? tr("%1 min %2 s").arg(ms / kMinute).arg(seconds) : tr("%1 min").arg(ms / kMinute);
    }
    const qint64 minutes = ms % kHour / kMinute;
    return minutes ? tr("%1 h %2 min").arg(ms / kHour).arg(minutes) : tr("%1 h").arg(ms / kHour);
}
