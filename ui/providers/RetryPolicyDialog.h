#pragma once

#include "providers/RetryPolicy.h"

#include <QDialog>
#include <QMap>

class DurationField;
class ProviderService;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

// Sets one level of a provider's automatic retry policy, the provider's own or one action's: how
// many sends in all, the backoff between them, which failures are retried and the deadline, with
// the schedule they make shown as they are typed. OK stores it through ProviderService (admins,
// audited); a refusal names the field, and the dialog stays open to fix it.
class RetryPolicyDialog : public QDialog
{
    Q_OBJECT
public:
    // `start`: the level to edit, or, `adding`, the values a new action's level starts from with
    // the provider kind's `actions` offered (any other may be typed).
    RetryPolicyDialog(ProviderService &providers, const RetryPolicy &start, bool adding, const QStringList &actions,
        QWidget *parent = nullptr);

    // What the fields say now.
    RetryPolicy policy() const;
    // The policy as stored, once accepted.
    const RetryPolicy &saved() const { return m_saved; }
    void accept() override;

    // The ceiling of each wait and what ends the retries: "1: ≤ 1 min · 2: ≤ 2 min · … · stops
    // after 8 sends or 24 h".
    static QString schedule(const RetryPolicy &policy);

private:
    QWidget *buildClasses();
    void updatePreview();
    void showRefusal(const QString &message);

    ProviderService &m_providers;
    RetryPolicy m_start;
    RetryPolicy m_saved;
    QComboBox *m_action = nullptr; // adding only; else the level is fixed
    QSpinBox *m_maxAttempts;
    DurationField *m_baseDelay;
    DurationField *m_maxDelay;
    QDoubleSpinBox *m_deadline;
    QMap<ErrorClass, QCheckBox *> m_classes;
    QLabel *m_preview;
    QLabel *m_problem;
};
