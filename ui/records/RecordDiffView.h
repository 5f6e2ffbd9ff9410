#pragma once

#include "records/RecordService.h"

#include <QWidget>

#include <optional>

class MessageBanner;
class ProviderRegistry;
class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

// One record in three columns — our database, the provider's live object, the last webhook's
// copy — with the owner of each field and which side is wrong by that rule, and the fixes the
// owner allows: accept the provider's value, push ours, or ignore with a reason.
class RecordDiffView : public QWidget
{
    Q_OBJECT
public:
    enum Column
    {
        Field,
        Ours,
        Provider,
        LastWebhook,
        Owner,
        Verdict,
        ColumnCount
    };

    RecordDiffView(const ProviderRegistry &providers, RecordService &records, QWidget *parent = nullptr);

    // "contact" or "payment"; `id` as OurRecords::find takes it. Fetches the provider's copy now.
    void compare(const QString &entityType, const QString &id, const QString &providerId = {});
    void setShowAll(bool all);
    bool selectField(const QString &field);
    void acceptSelected();
    void pushSelected();
    void ignoreSelected();

    QTableWidget *table() const { return m_table; }
    QLineEdit *idField() const { return m_id; }
    // The shown record again, with a fresh copy from the provider (F5).
    void compareAgain();
    const std::optional<RecordComparison> &comparison() const { return m_comparison; }

Q_SIGNALS:
    void compared(); // a comparison arrived (or failed)
    void message(const QString &text); // for the status bar
    void operationCreated(qint64 id); // a push made a new operation
    void recordChanged(); // our side or a decision changed

private:
    void fill();
    void updateActions();
    const FieldDiff *selectedDiff() const;
    void showMessage(const QString &text, bool error);
    // A conflict is settled only with a reason: empty for a rule-settled field, nullopt when
    // the person backed out.
    std::optional<QString> reasonToSettle(const FieldDiff &diff, bool providerWins);

    RecordService &m_records;
    QComboBox *m_type;
    QLineEdit *m_id;
    QComboBox *m_provider;
    QAction *m_compare;
    QCheckBox *m_showAll;
    QLabel *m_summary;
    MessageBanner *m_message;
    QTableWidget *m_table;
    QAction *m_accept;
    QAction *m_push;
    QAction *m_ignore;
    std::optional<RecordComparison> m_comparison;
    bool m_busy = false;
};
