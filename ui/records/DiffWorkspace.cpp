#include "records/DiffWorkspace.h"

#include "records/DriftScanPanel.h"
#include "records/FieldMapDialog.h"
#include "records/RecordDiffView.h"
#include "records/RecordService.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

DiffWorkspace::DiffWorkspace(const ProviderRegistry &providers, RecordService &records, QWidget *parent)
    : QWidget(parent)
    , m_records(records)
    , m_diff(new RecordDiffView(providers, records, this))
    , m_scan(new DriftScanPanel(providers, records, this))
{
    setObjectName(QStringLiteral("diffWorkspace"));
    auto *maps = new QPushButton(tr("Field maps…"), this);
    maps->setObjectName(QStringLiteral("fieldMapsButton"));
    maps->setToolTip(tr("Which provider field each of ours maps to, and which system owns it."));
    connect(maps, &QPushButton::clicked, this, &DiffWorkspace::editFieldMaps);
    auto *title = new QLabel(
        tr("<b>Records across systems</b> — ours beside the provider's, field by field, with who owns each"), this);
    auto *top = new QHBoxLayout;
    top->addWidget(title, 1);
    top->addWidget(maps);

    auto *splitter = new QSplitter(Qt::Vertical, this);
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
