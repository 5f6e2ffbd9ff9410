#pragma once

#include "shell/Workspace.h"

#include <QStringList>
#include <QWidget>

class DriftScanPanel;
class ProviderRegistry;
class RecordImportDialog;
class RecordDiffView;
class RecordService;

// Records across systems: one record's diff above, drift scans below, field maps for admins.
class DiffWorkspace : public QWidget, public Workspace
{
    Q_OBJECT
public:
    DiffWorkspace(const ProviderRegistry &providers, RecordService &records, QWidget *parent = nullptr);

    RecordDiffView *diffView() const { return m_diff; }
    DriftScanPanel *scanPanel() const { return m_scan; }
    void editFieldMaps();
    // Opens the import of our records from a file (window-modal; it stays open over the workspace).
    RecordImportDialog *importRecords();

    QAbstractItemView *mainTable() const override;
    QLineEdit *searchField() const override;
    void refresh() override;
    // Our side of records changed elsewhere: the scan's stored findings are read again.
    void recordsChanged(const QString &entityType, const QStringList &entityIds);

Q_SIGNALS:
    void message(const QString &text);
    void operationCreated(qint64 id);

private:
    RecordService &m_records;
    RecordDiffView *m_diff;
    DriftScanPanel *m_scan;
};
