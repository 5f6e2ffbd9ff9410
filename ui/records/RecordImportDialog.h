#pragma once

#include "records/RecordService.h"

#include <QDialog>

class MessageBanner;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

// Our customers or payments from a file, as `reconsolectl records import` does it: pick the
// file, the kind and a preset, or map each of our fields to one of the file's columns and save
// that as a preset; the first rows as they will be read, every problem named by line and
// column, and what the import would change (a dry run) before anything is.
class RecordImportDialog : public QDialog
{
    Q_OBJECT
public:
    enum MappingColumn
    {
        OurField,
        FileColumn,
        MappingColumnCount
    };
    static constexpr int kPreviewRows = 10;

    explicit RecordImportDialog(RecordService &records, QWidget *parent = nullptr);

    void setFile(const QString &path);
    void setKind(const QString &target);
    // The preset as the mapping table shows it now.
    const ImportPreset &preset() const { return m_preset; }
    const ImportFile &file() const { return m_file; }

Q_SIGNALS:
    void imported(const QString &summary);

private:
    QWidget *buildSource();
    QWidget *buildMapping();
    QWidget *buildPreview();
    void chooseFile();
    void fillPresets(const QString &select = {});
    void usePreset();
    void reread();
    void fillMapping();
    void fillPreview();
    void check();
    void savePreset();
    void runImport();
    RecordImportRequest request(bool dryRun) const;

    RecordService &m_records;
    ImportPreset m_preset;
    ImportFile m_file;
    QLineEdit *m_path = nullptr;
    QComboBox *m_kind = nullptr;
    QComboBox *m_presets = nullptr;
    QTableWidget *m_mapping = nullptr;
    QLineEdit *m_presetName = nullptr;
    QPushButton *m_savePreset = nullptr;
    QTableWidget *m_preview = nullptr;
    QListWidget *m_problems = nullptr;
    QLabel *m_result = nullptr;
    QPushButton *m_import = nullptr;
    MessageBanner *m_message = nullptr;
};
