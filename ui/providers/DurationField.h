#pragma once

#include <QWidget>

class QComboBox;
class QSpinBox;

// A length of time typed as a number and a unit (s, min, h), for settings that range from
// seconds to days. Out-of-range values are the caller's to refuse, by name.
class DurationField : public QWidget
{
    Q_OBJECT
public:
    explicit DurationField(QWidget *parent = nullptr);

    qint64 ms() const;
    // Shown in the largest unit that holds it whole: 3600000 is "1 h", 90000 "90 s".
    void setMs(qint64 ms);
    QSpinBox *number() const { return m_number; }
    QComboBox *unit() const { return m_unit; }

    // For people, to the unit that matters: "40 s", "2 min 40 s", "1 h 25 min", "72 h".
    static QString describe(qint64 ms);

Q_SIGNALS:
    void changed();

private:
    QSpinBox *m_number;
    QComboBox *m_unit;
};
