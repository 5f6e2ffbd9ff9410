#pragma once

#include "records/RecordDiff.h"

#include <QWidget>

class DriftScanner;
class MessageBanner;
class ProviderRegistry;
class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class RecordService;

// Drift scan of one record type at one provider: progress, cancel, resume; the drifted records
// with conflicts first; each opens in the diff view; one field accepted in bulk for a selection.
class DriftScanPanel : public QWidget
{
    Q_OBJECT
public:
    DriftScanPanel(const ProviderRegistry &providers, RecordService &records, QWidget *parent = nullptr);

    void setEntityType(const QString &entityType); // contact or payment
    void scan(bool restart);
    void cancel();
    void reload(); // the stored findings of the chosen type and provider
    void acceptFieldForSelection();
    QTableWidget *table() const { return m_table; }
    DriftScanner *scanner() const { return m_scanner; }

Q_SIGNALS:
    void recordRequested(const QString &entityType, const QString &id, const QString &providerId);
    void message(const QString &text);

private:
    void fillProviders();
    void showFindings(const QList<DriftedRecord> &records);
    void updateActions();
    void suggestBulkField();
    void showMessage(const QString &text, bool error);
    QString entityType() const;
    QString providerId() const;

    const ProviderRegistry &m_providers;
    RecordService &m_records;
    DriftScanner *m_scanner;
    QComboBox *m_type;
    QComboBox *m_provider;
    QPushButton *m_scan;
    QPushButton *m_restart;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_status;
    MessageBanner *m_message;
    QCheckBox *m_conflictsOnly;
    QTableWidget *m_table;
    QComboBox *m_field;
    QPushButton *m_acceptField;
    QList<DriftedRecord> m_shown; // one per table row
    bool m_running = false;
};
