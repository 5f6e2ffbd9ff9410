#pragma once

#include <QDialog>

class QLineEdit;
class QRadioButton;
class QSpinBox;

// How long a failure group stays ignored: an hour, a day, until it fails N more times, or for
// ever. A group whose time or count runs out opens again by itself.
class IgnoreGroupDialog : public QDialog
{
    Q_OBJECT
public:
    explicit IgnoreGroupDialog(const QString &title, QWidget *parent = nullptr);

    // Epoch ms the ignore ends at, counted from `now`; 0 when not by time.
    qint64 ignoreUntil(qint64 now) const;
    // More failures that end the ignore; 0 when not by count.
    qint64 ignoreForFailures() const;
    QString note() const;

private:
    QRadioButton *m_hour;
    QRadioButton *m_day;
    QRadioButton *m_count;
    QRadioButton *m_forever;
    QSpinBox *m_failures;
    QLineEdit *m_note;
};
