#include "timeline/TimelineWorkspace.h"

#include "records/RecordService.h"
#include "shell/ActionButton.h"
#include "shell/EmptyState.h"
#include "shell/Plural.h"
#include "shell/Prompts.h"
#include "shell/RowTintDelegate.h"
#include "timeline/TimelineModel.h"

#include <QAction>
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
#include <QScrollBar>
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
    , m_compare(new QAction(tr("Compare with provider"), this))
    , m_export(new QAction(tr("Export timeline as CSV…"), this))
{
    setObjectName(QStringLiteral("timelineWorkspace"));
    m_entity->setObjectName(QStringLiteral("entityField"));
    m_entity->setPlaceholderText(tr("Order id, customer e-mail, external id (pi_…) or idempotency key, then Enter"));
    m_entity->setClearButtonEnabled(true);
    auto *show = new QPushButton(tr("Show"), this);
    m_export->setObjectName(QStringLiteral("exportTimelineAction"));
    m_export->setToolTip(tr("Every shown line of this timeline, with its payload, as a CSV file."));
    m_compare->setObjectName(QStringLiteral("compareAction"));
    m_compare->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    addAction(m_compare); // the shell's menus and command palette read them from here
    addAction(m_export);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Entity"), this));
    top->addWidget(m_entity, 1);
    top->addWidget(show);
    top->addWidget(new ActionButton(m_export, QStringLiteral("exportButton"), this));
    top->addWidget(new ActionButton(m_compare, QStringLiteral("compareButton"), this));
    m_compare->setToolTip(tr("The selected line's record as we have it, beside the provider's live object and the last "
                             "webhook."));
    m_compare->setEnabled(false);
    connect(m_compare, &QAction::triggered, this, [this] {
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
    splitter->setObjectName(QStringLiteral("timelineSplitter"));
    splitter->addWidget(m_table);
    splitter->addWidget(m_payload);
    splitter->setSizes({ 600, 250 });
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(chips);
    layout->addWidget(splitter, 1);

    connect(m_entity, &QLineEdit::returnPressed, this, [this] { showEntity(m_entity->text()); });
    connect(show, &QPushButton::clicked, this, [this] { showEntity(m_entity->text()); });
    connect(m_export, &QAction::triggered, this, &TimelineWorkspace::exportCsv);
    m_table->setToolTip(tr("Double-click a line to open its operation."));
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (const qint64 id = index.data(TimelineModel::OperationIdRole).toLongLong())
            Q_EMIT operationRequested(id);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TimelineWorkspace::showSelected);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_summary->setText(m_model->entityId().isEmpty()
                ? QString()
                : tr("%1: %2, %3")
                      .arg(m_model->entityId(),
                          plural(m_model->rowCount(), QT_TRANSLATE_NOOP("Plural", "%Ln line"),
                              QT_TRANSLATE_NOOP("Plural", "%Ln lines")),
                          plural(m_model->anomalies(), QT_TRANSLATE_NOOP("Plural", "%Ln anomaly"),
                              QT_TRANSLATE_NOOP("Plural", "%Ln anomalies"))));
        m_export->setEnabled(!m_model->entityId().isEmpty());
        m_table->resizeColumnToContents(TimelineModel::Time);
        m_table->resizeColumnToContents(TimelineModel::Source);
        m_table->resizeColumnToContents(TimelineModel::Type);
    });
    m_export->setEnabled(false);
    new EmptyState(m_table, [this] {
        return m_model->entityId().isEmpty()
            ? tr("Type an order id, a customer's e-mail, an external id (pi_…) or an idempotency key above and press "
                 "Enter to see everything that happened to it.")
            : tr("Nothing is known about %1. Check the id, or search for it in Operations.")
                  .arg(m_model->entityId().toHtmlEscaped());
    });
}

QAbstractItemView *TimelineWorkspace::mainTable() const
{
    return m_table;
}

QLineEdit *TimelineWorkspace::searchField() const
{
    return m_entity;
}

void TimelineWorkspace::refresh()
{
    if (m_model->entityId().isEmpty())
        return;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const int row = rows.isEmpty() ? -1 : rows.first().row();
    const int scroll = m_table->verticalScrollBar()->value();
    if (!m_model->load(m_model->entityId())) {
        Q_EMIT message(m_model->lastError());
        return;
    }
    // Lines are in time order and new ones come last, so the same row is the same line.
    m_table->doItemsLayout();
    m_table->verticalScrollBar()->setValue(scroll);
    if (row >= 0 && row < m_model->rowCount())
        m_table->selectRow(row);
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
    m_compare->setToolTip(m_compare->isEnabled()
            ? tr("The selected line's record as we have it, beside the provider's live object and the last webhook.")
            : tr("Select a line about an operation or a customer to compare its record."));
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
        Q_EMIT message(tr("Exported %1 to %2.")
                           .arg(plural(m_model->rowCount(), QT_TRANSLATE_NOOP("Plural", "%Ln line"),
                                    QT_TRANSLATE_NOOP("Plural", "%Ln lines")),
                               path));
}
