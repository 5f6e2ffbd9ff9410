#include "records/RecordImportDialog.h"

#include "access/AccessPolicy.h"
#include "shell/MessageBanner.h"
#include "shell/Prompts.h"
#include "shell/Tints.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

RecordImportDialog::RecordImportDialog(RecordService &records, QWidget *parent)
    : QDialog(parent)
    , m_records(records)
    , m_message(new MessageBanner(this))
{
    setObjectName(QStringLiteral("recordImportDialog"));
    setWindowTitle(tr("Import our records"));
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("recordImportResult"));
    m_result->setWordWrap(true);
    m_problems = new QListWidget(this);
    m_problems->setObjectName(QStringLiteral("recordImportProblems"));
    m_problems->setWordWrap(true);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(buildMapping());
    splitter->addWidget(buildPreview());
    splitter->setSizes({ 330, 620 });

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_import = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("recordImportRun"));
    m_import->setEnabled(false);
    connect(m_import, &QPushButton::clicked, this, &RecordImportDialog::runImport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildSource());
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
    resize(980, 620);
    fillPresets();
}

QWidget *RecordImportDialog::buildSource()
{
    auto *box = new QWidget(this);
    m_path = new QLineEdit(box);
    m_path->setObjectName(QStringLiteral("recordImportPath"));
    m_path->setPlaceholderText(tr("A CSV or JSON Lines file exported from our shop"));
    auto *browse = new QPushButton(tr("Choose…"), box);
    browse->setObjectName(QStringLiteral("recordImportBrowse"));
    connect(browse, &QPushButton::clicked, this, &RecordImportDialog::chooseFile);
    connect(m_path, &QLineEdit::editingFinished, this, &RecordImportDialog::reread);
    m_kind = new QComboBox(box);
    m_kind->setObjectName(QStringLiteral("recordImportKind"));
    for (const QString &target : RecordImport::targets())
        m_kind->addItem(target == QLatin1String("customers") ? tr("Customers") : tr("Payments"), target);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] { fillPresets(); });
    m_presets = new QComboBox(box);
    m_presets->setObjectName(QStringLiteral("recordImportPreset"));
    connect(m_presets, &QComboBox::activated, this, &RecordImportDialog::usePreset);

    auto *file = new QHBoxLayout;
    file->addWidget(m_path, 1);
    file->addWidget(browse);
    auto *form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("File"), file);
    auto *what = new QHBoxLayout;
    what->addWidget(m_kind);
    what->addWidget(new QLabel(tr("Preset"), box));
    what->addWidget(m_presets, 1);
    form->addRow(tr("Import as"), what);
    return box;
}

QWidget *RecordImportDialog::buildMapping()
{
    auto *box = new QWidget(this);
    m_mapping = new QTableWidget(0, MappingColumnCount, box);
    m_mapping->setObjectName(QStringLiteral("recordImportMapping"));
    m_mapping->setHorizontalHeaderLabels({ tr("Our field"), tr("The file's column") });
    m_mapping->verticalHeader()->hide();
    m_mapping->horizontalHeader()->setStretchLastSection(true);
    m_mapping->setColumnWidth(OurField, 170);
    m_mapping->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_presetName = new QLineEdit(box);
    m_presetName->setObjectName(QStringLiteral("recordImportPresetName"));
    m_presetName->setPlaceholderText(tr("Preset name, e.g. shop-customers"));
    m_savePreset = new QPushButton(tr("Save as preset"), box);
    m_savePreset->setObjectName(QStringLiteral("recordImportSavePreset"));
    connect(m_savePreset, &QPushButton::clicked, this, &RecordImportDialog::savePreset);
    const bool allowed = m_records.access().allows(Permission::HandleOperations);
    m_savePreset->setEnabled(allowed);
    if (!allowed)
        m_savePreset->setToolTip(tr("Saving presets needs the support role."));

    auto *save = new QHBoxLayout;
    save->addWidget(m_presetName, 1);
    save->addWidget(m_savePreset);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("<b>Columns</b> — which of the file's columns gives each of our fields"), box));
    layout->addWidget(m_mapping, 1);
    layout->addLayout(save);
    return box;
}

QWidget *RecordImportDialog::buildPreview()
{
    auto *box = new QWidget(this);
    m_preview = new QTableWidget(box);
    m_preview->setObjectName(QStringLiteral("recordImportPreview"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->verticalHeader()->setDefaultSectionSize(m_preview->fontMetrics().height() + 8);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(
        tr("<b>Preview</b> — the first %1 rows as our fields (the row header is the file's line)").arg(kPreviewRows),
        box));
    layout->addWidget(m_preview, 3);
    layout->addWidget(new QLabel(tr("<b>Problems and changes</b>"), box));
    layout->addWidget(m_problems, 2);
    return box;
}

void RecordImportDialog::setFile(const QString &path)
{
    m_path->setText(path);
    reread();
}

void RecordImportDialog::setKind(const QString &target)
{
    m_kind->setCurrentIndex(qMax(0, m_kind->findData(target)));
}

void RecordImportDialog::chooseFile()
{
    const QString path = Prompts::openFile(
        this, tr("Import our records"), tr("CSV or JSON Lines (*.csv *.jsonl *.ndjson);;All files (*)"));
    if (!path.isEmpty())
        setFile(path);
}

void RecordImportDialog::fillPresets(const QString &select)
{
    const QString target = m_kind->currentData().toString();
    auto presets = m_records.importPresets(target);
    if (!presets) {
        m_message->showMessage(presets.message(), true);
        return;
    }
    m_presets->clear();
    for (const ImportPreset &p : presets.value())
        m_presets->addItem(p.shipped ? tr("%1 (shipped)").arg(p.name) : p.name, p.name);
    const QString wanted = select.isEmpty() ? ImportPreset::defaultName(target) : select;
    m_presets->setCurrentIndex(qMax(0, m_presets->findData(wanted)));
    usePreset();
}

void RecordImportDialog::usePreset()
{
    auto preset = m_records.importPreset(m_presets->currentData().toString());
    if (!preset) {
        m_message->showMessage(preset.message(), true);
        return;
    }
    m_preset = preset.value();
    if (!m_preset.shipped)
        m_presetName->setText(m_preset.name);
    reread();
}

RecordImportRequest RecordImportDialog::request(bool dryRun) const
{
    RecordImportRequest r;
    r.path = m_path->text().trimmed();
    r.preset = m_preset;
    r.dryRun = dryRun;
    return r;
}

void RecordImportDialog::reread()
{
    m_import->setEnabled(false);
    m_result->clear();
    m_problems->clear();
    if (m_path->text().trimmed().isEmpty()) {
        m_file = ImportFile {};
        fillMapping();
        fillPreview();
        return;
    }
    m_file = m_records.readImport(request(true));
    fillMapping();
    fillPreview();
    for (const ImportProblem &p : m_file.problems)
        m_problems->addItem(p.text());
    if (m_file.ok())
        check();
    else
        m_result->setText(tr("Nothing can be imported until the problems above are fixed in the file or the columns."));
}

void RecordImportDialog::fillMapping()
{
    QStringList fields = RecordImport::fieldsOf(m_preset.target);
    for (const QString &system : m_records.importSystems(m_preset.target).value_or({}))
        fields << RecordImport::externalIdField(system);
    m_mapping->setRowCount(0);
    for (const QString &field : fields) {
        const int row = m_mapping->rowCount();
        m_mapping->insertRow(row);
        const bool required = RecordImport::isRequired(m_preset.target, field);
        m_mapping->setItem(row, OurField, new QTableWidgetItem(required ? field + QStringLiteral(" *") : field));
        auto *column = new QComboBox(m_mapping);
        column->setObjectName(QStringLiteral("recordImportColumn:") + field);
        column->addItem(tr("—"), QString());
        for (const QString &c : m_file.columns)
            column->addItem(c, c);
        // What the reader uses, else what the preset names (a column this file lacks shows as typed).
        QString current = m_preset.column(field);
        if (current == field && !m_file.columns.contains(field))
            current.clear(); // the default's same-named column, which this file does not have
        for (const auto &entry : m_file.mapping) {
            if (entry.first == field)
                current = entry.second;
        }
        if (!current.isEmpty() && column->findData(current) < 0)
            column->addItem(tr("%1 (not in the file)").arg(current), current);
        column->setCurrentIndex(qMax(0, column->findData(current)));
        connect(column, &QComboBox::activated, this, [this, field, column] {
            m_preset.setColumn(field, column->currentData().toString());
            reread();
        });
        m_mapping->setCellWidget(row, FileColumn, column);
    }
}

void RecordImportDialog::fillPreview()
{
    const QStringList fields = m_file.fields();
    m_preview->clear();
    m_preview->setColumnCount(static_cast<int>(fields.size()));
    m_preview->setHorizontalHeaderLabels(fields);
    const int rows = static_cast<int>(qMin<qsizetype>(kPreviewRows, m_file.rows.size()));
    m_preview->setRowCount(rows);
    QStringList lines;
    for (int r = 0; r < rows; ++r) {
        const ImportRow &row = m_file.rows.at(r);
        lines << QString::number(row.line);
        for (int c = 0; c < fields.size(); ++c) {
            const QString &field = fields.at(c);
            auto *item = new QTableWidgetItem(row.values.value(field));
            if (row.refused.contains(field)) {
                // The value as the file has it, marked, with what was expected of it.
                item->setText(row.refused.value(field));
                item->setBackground(Tints::background(Tints::Tone::Error, palette()));
                for (const ImportProblem &p : m_file.problems) {
                    if (p.line == row.line && p.column == m_file.mapping.at(c).second)
                        item->setToolTip(p.message);
                }
            }
            m_preview->setItem(r, c, item);
        }
    }
    m_preview->setVerticalHeaderLabels(lines);
    m_preview->resizeColumnsToContents();
}

void RecordImportDialog::check()
{
    auto outcome = m_records.importRecords(request(true));
    if (!outcome) {
        for (const QString &line : outcome.message().split(QLatin1Char('\n')))
            m_problems->addItem(line);
        m_result->setText(tr("Nothing can be imported until the problems above are fixed."));
        return;
    }
    for (const QString &change : outcome->changes)
        m_problems->addItem(change);
    const bool allowed = m_records.access().allows(Permission::HandleOperations);
    m_result->setText(tr("%1 rows read. Importing would make %2.").arg(m_file.rows.size()).arg(outcome->summary()));
    m_import->setEnabled(allowed && outcome->added + outcome->changed > 0);
    m_import->setToolTip(allowed ? QString() : tr("Importing needs the support role."));
}

void RecordImportDialog::savePreset()
{
    ImportPreset preset = m_preset;
    preset.name = m_presetName->text().trimmed();
    if (m_file.ok() && !m_file.rows.isEmpty()) {
        // What this file was read with: the default's same-named columns it lacks are left out.
        preset.format = m_file.format;
        preset.mapping = m_file.mapping;
    }
    Status saved = m_records.saveImportPreset(preset);
    m_message->showMessage(
        saved ? tr("Saved preset %1: %2").arg(preset.name, preset.mappingText()) : saved.message(), !saved);
    if (saved)
        fillPresets(preset.name);
}

void RecordImportDialog::runImport()
{
    auto outcome = m_records.importRecords(request(false));
    m_problems->clear();
    if (!outcome) {
        m_message->showMessage(outcome.message().section(QLatin1Char('\n'), 0, 0), true);
        for (const QString &line : outcome.message().split(QLatin1Char('\n')))
            m_problems->addItem(line);
        return;
    }
    for (const QString &change : outcome->changes)
        m_problems->addItem(change);
    const QString summary = QStringLiteral("%1: %2").arg(outcome->fileName, outcome->summary());
    m_result->setText(tr("Imported %1.").arg(summary));
    m_import->setEnabled(false); // the same file again would change nothing
    Q_EMIT imported(summary);
}
