#include "records/DiffWorkspace.h"

#include "records/DriftScanPanel.h"
#include "records/FieldMapDialog.h"
#include "records/RecordDiffView.h"
#include "records/RecordImportDialog.h"
#include "records/RecordService.h"
#include "shell/ActionButton.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

DiffWorkspace::DiffWorkspace(const ProviderRegistry &providers, RecordService &records, QWidget *parent)
    : QWidget(parent)
    , m_records(records)
    , m_diff(new RecordDiffView(providers, records, this))
    , m_scan(new DriftScanPanel(providers, records, this))
{
    setObjectName(QStringLiteral("diffWorkspace"));
    auto *maps = new QAction(tr("Field maps…"), this);
    maps->setObjectName(QStringLiteral("fieldMapsAction"));
    maps->setToolTip(tr("Which provider field each of ours maps to, and which system owns it."));
    connect(maps, &QAction::triggered, this, &DiffWorkspace::editFieldMaps);
    auto *import = new QAction(tr("Import our records…"), this);
    import->setObjectName(QStringLiteral("importRecordsAction"));
    import->setToolTip(tr("Our customers or payments from a CSV or JSON Lines file, all or nothing."));
    connect(import, &QAction::triggered, this, &DiffWorkspace::importRecords);
    // The shell offers what the workspace holds: the diff's fixes, the field maps and the import.
    addActions(m_diff->actions());
    addAction(maps);
    addAction(import);
    auto *title = new QLabel(
        tr("<b>Records across systems</b> — ours beside the provider's, field by field, with who owns each"), this);
    auto *top = new QHBoxLayout;
    top->addWidget(title, 1);
    top->addWidget(new ActionButton(import, QStringLiteral("importRecordsButton"), this));
    top->addWidget(new ActionButton(maps, QStringLiteral("fieldMapsButton"), this));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("diffSplitter"));
    splitter->addWidget(m_diff);
    splitter->addWidget(m_scan);
    splitter->setSizes({ 430, 370 });
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(m_scan, &DriftScanPanel::recordRequested, m_diff, &RecordDiffView::compare);
    connect(m_diff, &RecordDiffView::recordChanged, m_scan, &DriftScanPanel::reload);
    connect(m_diff, &RecordDiffView::message, this, &DiffWorkspace::message);
    connect(m_scan, &DriftScanPanel::message, this, &DiffWorkspace::message);
    connect(m_diff, &RecordDiffView::operationCreated, this, &DiffWorkspace::operationCreated);
}

void DiffWorkspace::editFieldMaps()
{
    FieldMapDialog dialog(m_records, this);
    dialog.exec();
}

RecordImportDialog *DiffWorkspace::importRecords()
{
    auto *dialog = new RecordImportDialog(m_records, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RecordImportDialog::imported, this, &DiffWorkspace::message);
    dialog->open();
    return dialog;
}

QAbstractItemView *DiffWorkspace::mainTable() const
{
    return m_diff->table();
}

QLineEdit *DiffWorkspace::searchField() const
{
    return m_diff->idField();
}

void DiffWorkspace::refresh()
{
    m_scan->reload();
    m_diff->compareAgain();
}

void DiffWorkspace::recordsChanged(const QString &entityType, const QStringList &entityIds)
{
    Q_UNUSED(entityIds) // the findings of the type are one small read
    Q_UNUSED(entityType)
    m_scan->reload();
}
