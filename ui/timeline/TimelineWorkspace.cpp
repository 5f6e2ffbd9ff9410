#include "timeline/TimelineWorkspace.h"

#include "records/RecordService.h"
#include "shell/Prompts.h"
#include "shell/RowTintDelegate.h"
#include "timeline/TimelineModel.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace {
// Anomalies (out of order, contradicting our state) in amber so they are not read past.
RowTint tintOfLine(const QModelIndex &index)
{
    return index.data(TimelineModel::AnomalyRole).toString().isEmpty() ? RowTint {} : RowTint { RowTint::Anomaly };
}
} // namespace

TimelineWorkspace::TimelineWorkspace(TimelineModel &model, const RecordService &records, QWidget *parent)
    : QWidget(parent)
    , m_records(records)
    , m_model(&model)
    , m_entity(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_payload(new QPlainTextEdit(this))
    , m_summary(new QLabel(this))
    , m_compare(new QPushButton(tr("Compare with provider"), this))
{
    setObjectName(QStringLiteral("timelineWorkspace"));
    m_entity->setObjectName(QStringLiteral("entityField"));
    m_entity->setPlaceholderText(tr("Order id, customer e-mail, external id (pi_…) or idempotency key, then Enter"));
    m_entity->setClearButtonEnabled(true);
    auto *show = new QPushButton(tr("Show"), this);
    auto *exportButton = new QPushButton(tr("Export CSV…"), this);
    exportButton->setObjectName(QStringLiteral("exportButton"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Entity"), this));
    top->addWidget(m_entity, 1);
    top->addWidget(show);
    top->addWidget(exportButton);
    top->addWidget(m_compare);
    m_compare->setObjectName(QStringLiteral("compareButton"));
    m_compare->setToolTip(tr("The selected line's record as we have it, beside the provider's live object and the last "
                             "webhook."));
    m_compare->setEnabled(false);
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        if (rows.isEmpty())
            return;
        if (const qint64 operation = rows.first().data(TimelineModel::OperationIdRole).toLongLong())
            Q_EMIT compareRequested(operation);
        else if (m_records.isCustomer(m_model->entityId()))
            Q_EMIT compareContactRequested(m_model->entityId());
    });

    // Source filter chips.
    auto *chips = new QHBoxLayout;
    chips->addWidget(new QLabel(tr("Show:"), this));
    const QList<QPair<QString, QString>> channels { { QStringLiteral("webhook"), tr("Webhooks") },
        { QStringLiteral("sync"), tr("Synced events") }, { QStringLiteral("attempt"), tr("Attempts") },
        { QStringLiteral("internal"), tr("Internal") }, { QStringLiteral("audit"), tr("People") } };
    for (const auto &[channel, label] : channels) {
        auto *chip = new QPushButton(label, this);
        chip->setObjectName(QStringLiteral("chip_") + channel);
        chip->setCheckable(true);
        chip->setChecked(true);
        chip->setStyleSheet(
            QStringLiteral("QPushButton { border-radius: 10px; padding: 3px 10px; border: 1px solid #9db4d0; }"
                           "QPushButton:checked { background: #dbe8f7; }"));
        connect(chip, &QPushButton::toggled, this, [this, channel](bool on) { m_model->setChannelShown(channel, on); });
        chips->addWidget(chip);
    }
    chips->addStretch();
    m_summary->setObjectName(QStringLiteral("timelineSummary"));
    chips->addWidget(m_summary);

    m_table->setObjectName(QStringLiteral("timelineTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegate(new RowTintDelegate(tintOfLine, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(TimelineModel::Summary, QHeaderView::Stretch);
    m_payload->setObjectName(QStringLiteral("payloadView"));
    m_payload->setReadOnly(true);
    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setPlaceholderText(tr("Select a line to see its payload (secrets redacted)."));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_payload);
    splitter->setSizes({ 600, 250 });
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(chips);
    layout->addWidget(splitter, 1);

    connect(m_entity, &QLineEdit::returnPressed, this, [this] { showEntity(m_entity->text()); });
    connect(show, &QPushButton::clicked, this, [this] { showEntity(m_entity->text()); });
    connect(exportButton, &QPushButton::clicked, this, &TimelineWorkspace::exportCsv);
    m_table->setToolTip(tr("Double-click a line to open its operation."));
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (const qint64 id = index.data(TimelineModel::OperationIdRole).toLongLong())
            Q_EMIT operationRequested(id);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TimelineWorkspace::showSelected);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_summary->setText(m_model->entityId().isEmpty() ? QString()
                                                         : tr("%1: %2 lines, %3 anomalies")
                                                               .arg(m_model->entityId())
                                                               .arg(m_model->rowCount())
                                                               .arg(m_model->anomalies()));
        m_table->resizeColumnToContents(TimelineModel::Time);
        m_table->resizeColumnToContents(TimelineModel::Source);
        m_table->resizeColumnToContents(TimelineModel::Type);
    });
}

void TimelineWorkspace::showEntity(const QString &entityId)
{
    if (entityId.trimmed().isEmpty())
        return;
    m_entity->setText(entityId.trimmed());
    if (!m_model->load(entityId))
        Q_EMIT message(m_model->lastError());
    else if (m_model->rowCount() == 0)
        Q_EMIT message(tr("Nothing is known about %1.").arg(entityId));
    m_payload->clear();
}

void TimelineWorkspace::showSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    m_compare->setEnabled(!rows.isEmpty()
        && (rows.first().data(TimelineModel::OperationIdRole).toLongLong() > 0
            || m_records.isCustomer(m_model->entityId())));
    if (rows.isEmpty()) {
        m_payload->clear();
        return;
    }
    QString payload = rows.first().data(TimelineModel::PayloadRole).toString();
    const QJsonDocument json = QJsonDocument::fromJson(payload.toUtf8());
    if (!json.isNull())
        payload = QString::fromUtf8(json.toJson(QJsonDocument::Indented));
    const QString anomaly = rows.first().data(TimelineModel::AnomalyRole).toString();
    m_payload->setPlainText(anomaly.isEmpty() ? payload : tr("⚠ %1\n\n%2").arg(anomaly, payload));
}

void TimelineWorkspace::exportCsv()
{
    if (m_model->entityId().isEmpty())
        return;
    const QString path = Prompts::saveFile(this, tr("Export timeline"), m_model->entityId() + QStringLiteral(".csv"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    const QByteArray csv = Timeline::toCsv(m_model->shownEntries()).toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(csv) != csv.size() || !file.commit())
        Q_EMIT message(tr("Cannot write %1: %2").arg(path, file.errorString()));
    else
        Q_EMIT message(tr("Exported %1 lines to %2.").arg(m_model->rowCount()).arg(path));
}
