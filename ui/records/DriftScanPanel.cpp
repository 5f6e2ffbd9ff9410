#include "records/DriftScanPanel.h"

#include "access/AccessPolicy.h"
#include "providers/ProviderRegistry.h"
#include "records/DriftScanner.h"
#include "records/RecordService.h"
#include "shell/MessageBanner.h"
#include "shell/Plural.h"
#include "shell/Prompts.h"
#include "shell/Tints.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {
enum Column
{
    Ours,
    Theirs,
    Fields,
    Verdicts,
    ColumnCount
};

} // namespace

DriftScanPanel::DriftScanPanel(const ProviderRegistry &providers, RecordService &records, QWidget *parent)
    : QWidget(parent)
    , m_providers(providers)
    , m_records(records)
    , m_scanner(&records.scanner())
    , m_type(new QComboBox(this))
    , m_provider(new QComboBox(this))
    , m_scan(new QPushButton(tr("Scan"), this))
    , m_restart(new QPushButton(tr("Start over"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_message(new MessageBanner(this))
    , m_conflictsOnly(new QCheckBox(tr("Conflicts only"), this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_field(new QComboBox(this))
    , m_acceptField(new QPushButton(tr("Accept provider's value for selection"), this))
{
    setObjectName(QStringLiteral("driftScanPanel"));
    m_type->setObjectName(QStringLiteral("scanType"));
    m_type->addItem(tr("Contacts"), QStringLiteral("contact"));
    m_type->addItem(tr("Payments"), QStringLiteral("payment"));
    m_provider->setObjectName(QStringLiteral("scanProvider"));
    m_scan->setObjectName(QStringLiteral("scanButton"));
    m_scan->setToolTip(tr("Pages through the provider's records within its rate limit and compares each with ours. A "
                          "stopped scan resumes where it ended."));
    m_restart->setObjectName(QStringLiteral("restartScanButton"));
    m_restart->setToolTip(tr("Forget the stored position and findings, and scan from the first record."));
    m_cancel->setObjectName(QStringLiteral("cancelScanButton"));
    m_progress->setObjectName(QStringLiteral("scanProgress"));
    m_progress->setTextVisible(true);
    m_status->setObjectName(QStringLiteral("scanStatus"));
    m_message->setObjectName(QStringLiteral("scanMessage"));
    m_conflictsOnly->setObjectName(QStringLiteral("conflictsOnly"));
    m_field->setObjectName(QStringLiteral("bulkField"));
    m_acceptField->setObjectName(QStringLiteral("bulkAcceptButton"));
    m_acceptField->setToolTip(tr("For each selected record where the provider owns this field and ours differs, our "
                                 "database takes the provider's value. Conflicts are skipped, never overwritten."));

    m_table->setObjectName(QStringLiteral("findingsTable"));
    m_table->setHorizontalHeaderLabels(
        { tr("Our record"), tr("Provider's id"), tr("Fields that differ"), tr("Verdicts") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(Ours, 150);
    m_table->setColumnWidth(Theirs, 150);
    m_table->setColumnWidth(Fields, 300);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Drift scan"), this));
    top->addWidget(m_type);
    top->addWidget(new QLabel(tr("at"), this));
    top->addWidget(m_provider);
    top->addWidget(m_scan);
    top->addWidget(m_restart);
    top->addWidget(m_cancel);
    top->addWidget(m_progress, 1);
    top->addWidget(m_status);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_conflictsOnly);
    bottom->addStretch();
    bottom->addWidget(new QLabel(tr("Field"), this));
    bottom->addWidget(m_field);
    bottom->addWidget(m_acceptField);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);
    layout->addLayout(bottom);

    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        fillProviders();
        reload();
    });
    connect(m_provider, &QComboBox::currentIndexChanged, this, &DriftScanPanel::reload);
    connect(m_scan, &QPushButton::clicked, this, [this] { scan(false); });
    connect(m_restart, &QPushButton::clicked, this, [this] { scan(true); });
    connect(m_cancel, &QPushButton::clicked, this, &DriftScanPanel::cancel);
    connect(m_conflictsOnly, &QCheckBox::toggled, this, &DriftScanPanel::reload);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        suggestBulkField();
        updateActions();
    });
    connect(m_acceptField, &QPushButton::clicked, this, &DriftScanPanel::acceptFieldForSelection);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row) {
        const QString ours = m_table->item(row, Ours)->data(Qt::UserRole).toString();
        const QString theirs = m_table->item(row, Theirs)->text();
        Q_EMIT recordRequested(entityType(), ours.isEmpty() ? theirs : ours, providerId());
    });
    connect(m_scanner, &DriftScanner::progress, this, [this](int compared, int drifted) {
        m_progress->setMaximum(qMax(m_progress->maximum(), compared));
        m_progress->setValue(compared);
        m_status->setText(tr("%L1 compared, %L2 drifted in this run").arg(compared).arg(drifted));
    });
    fillProviders();
    reload();
}

void DriftScanPanel::setEntityType(const QString &entityType)
{
    m_type->setCurrentIndex(qMax(0, m_type->findData(entityType)));
}

QString DriftScanPanel::entityType() const
{
    return m_type->currentData().toString();
}

QString DriftScanPanel::providerId() const
{
    return m_provider->currentData().toString();
}

void DriftScanPanel::fillProviders()
{
    // Contacts live in CRMs, payments at payments providers.
    const QString kind = entityType() == QLatin1String("contact") ? QStringLiteral("crm") : QStringLiteral("payments");
    QSignalBlocker blocker(m_provider);
    m_provider->clear();
    for (const ProviderConfig &p : m_providers.configured(kind).value_or({}))
        m_provider->addItem(p.id, p.id);
    QSignalBlocker fieldBlocker(m_field);
    m_field->clear();
    for (const FieldRule &r : m_records.fieldMap(entityType()).value_or({}).rules) {
        if (r.owner == FieldOwner::Provider)
            m_field->addItem(r.field);
    }
    updateActions();
}

void DriftScanPanel::reload()
{
    showFindings(
        providerId().isEmpty() ? QList<DriftedRecord>() : m_records.findings(providerId(), entityType()).value_or({}));
}

void DriftScanPanel::showFindings(const QList<DriftedRecord> &records)
{
    m_table->setRowCount(0);
    m_shown.clear();
    int conflicts = 0;
    for (const DriftedRecord &r : records) {
        const bool conflict = r.hasConflict();
        conflicts += conflict ? 1 : 0;
        if (m_conflictsOnly->isChecked() && !conflict)
            continue;
        QStringList fields;
        QSet<QString> verdicts;
        for (const FieldDiff &d : r.fields) {
            fields
                << QStringLiteral("%1: %2 → %3").arg(d.field, RecordDiff::shown(d.ours), RecordDiff::shown(d.provider));
            verdicts << (d.verdict == FieldDiff::Verdict::Conflict ? tr("CONFLICT")
                    : d.verdict == FieldDiff::Verdict::OursIsWrong ? tr("ours is wrong")
                                                                   : tr("provider is wrong"));
        }
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_shown << r;
        const QString ours = r.entityId.isEmpty()      ? tr("(not in our records)")
            : entityType() == QLatin1String("payment") ? tr("operation %1").arg(r.entityId)
                                                       : r.entityId;
        const QStringList cells { ours, r.externalId, fields.join(QStringLiteral("; ")),
            QStringList(verdicts.values()).join(QStringLiteral(", ")) };
        for (int col = 0; col < ColumnCount; ++col) {
            auto *item = new QTableWidgetItem(cells.at(col));
            item->setToolTip(cells.at(col));
            if (conflict) {
                item->setBackground(Tints::background(Tints::Tone::Error, m_table->palette()));
                item->setForeground(Tints::text(Tints::Tone::Error, m_table->palette()));
            }
            m_table->setItem(row, col, item);
        }
        m_table->item(row, Ours)->setData(Qt::UserRole, r.entityId);
    }
    if (!m_running) {
        QString status = records.isEmpty() ? tr("No drift on record; scan to look.")
                                           : plural(records.size(), QT_TRANSLATE_NOOP("Plural", "%Ln record drifted"),
                                                 QT_TRANSLATE_NOOP("Plural", "%Ln records drifted"))
                + (conflicts ? plural(conflicts, QT_TRANSLATE_NOOP("Plural", ", %Ln conflict"),
                       QT_TRANSLATE_NOOP("Plural", ", %Ln conflicts"))
                             : QString());
        if (!providerId().isEmpty() && m_scanner->resumable(entityType(), providerId()))
            status += tr(" — a scan stopped part-way; Scan resumes it");
        m_status->setText(status);
    }
    updateActions();
}

void DriftScanPanel::scan(bool restart)
{
    if (m_running || providerId().isEmpty())
        return;
    m_running = true;
    m_message->hide();
    m_progress->setRange(0, qMax(1, m_records.linkedCount(entityType(), providerId()).value_or(0)));
    m_progress->setValue(0);
    m_status->setText(restart ? tr("Scanning from the start…") : tr("Scanning…"));
    updateActions();
    m_scanner->scan(entityType(), providerId(), restart, [this](Result<DriftReport> report) {
        m_running = false;
        if (!report) {
            showMessage(report.message() + tr(" Scan again to resume where it stopped."), true);
        } else {
            const DriftReport &r = report.value();
            if (r.complete)
                m_progress->setValue(m_progress->maximum());
            showMessage(r.complete
                    ? tr("Scan complete: %L1 records compared in this run; %n drifted in all.", nullptr,
                        static_cast<int>(r.drifted.size()))
                          .arg(r.compared)
                    : tr("Scan stopped after %L1 records; Scan resumes where it stopped.").arg(r.compared),
                false);
        }
        reload();
    });
}

void DriftScanPanel::cancel()
{
    m_scanner->cancel(); // stops after the page in flight, keeping its position
    m_status->setText(tr("Stopping after this page…"));
}

void DriftScanPanel::suggestBulkField()
{
    // The field the selection most often has wrong on our side is the one to offer.
    QHash<QString, int> wrongOnOurSide;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        for (const FieldDiff &d : m_shown.value(index.row()).fields) {
            if (d.verdict == FieldDiff::Verdict::OursIsWrong)
                ++wrongOnOurSide[d.field];
        }
    }
    QString best;
    for (auto it = wrongOnOurSide.cbegin(); it != wrongOnOurSide.cend(); ++it) {
        if (best.isEmpty() || it.value() > wrongOnOurSide.value(best))
            best = it.key();
    }
    if (!best.isEmpty())
        m_field->setCurrentText(best);
}

void DriftScanPanel::acceptFieldForSelection()
{
    QStringList ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids << m_table->item(index.row(), Theirs)->text();
    const QString field = m_field->currentText();
    if (ids.isEmpty() || field.isEmpty())
        return;
    if (!Prompts::confirm(this, tr("Accept in bulk"),
            plural(ids.size(),
                QT_TRANSLATE_NOOP("Plural",
                    "Take the provider's %1 into our database for the selected record if ours is wrong by the "
                    "rules? A conflict or anything else is skipped."),
                QT_TRANSLATE_NOOP("Plural",
                    "Take the provider's %1 into our database for the %Ln selected records where ours is wrong by "
                    "the rules? Conflicts and anything else are skipped."))
                .arg(field)))
        return;
    const auto result = m_records.acceptFound(providerId(), entityType(), field, ids);
    QString text = plural(result.accepted, QT_TRANSLATE_NOOP("Plural", "Accepted the provider's %1 for %Ln record"),
        QT_TRANSLATE_NOOP("Plural", "Accepted the provider's %1 for %Ln records"))
                       .arg(field);
    if (result.skipped)
        text += tr("; skipped %n: ", nullptr, result.skipped) + result.problems.mid(0, 5).join(QStringLiteral("; "));
    showMessage(text + QLatin1Char('.'), result.accepted == 0 && result.skipped > 0);
    reload();
}

void DriftScanPanel::updateActions()
{
    const bool mayFix = m_records.access().allows(Permission::HandleOperations);
    m_scan->setEnabled(!m_running && !providerId().isEmpty());
    m_restart->setEnabled(!m_running && !providerId().isEmpty());
    m_cancel->setEnabled(m_running);
    m_acceptField->setEnabled(!m_running && mayFix && m_field->count() > 0 && m_table->selectionModel()
        && m_table->selectionModel()->hasSelection());
}

void DriftScanPanel::showMessage(const QString &text, bool error)
{
    m_message->showMessage(text, error);
    Q_EMIT message(text);
}
