#include "operations/OperationDetailPane.h"

#include "operations/OperationService.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {
QString timeText(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
              : QStringLiteral("—");
}

QLabel *valueLabel(const QString &text, const QString &objectName)
{
    auto *label = new QLabel(text.isEmpty() ? QStringLiteral("—") : text);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

// One payload value as a person reads it: text as is, whole numbers without a decimal point,
// objects and arrays (metadata, line items) as compact JSON rather than nothing.
QString payloadText(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return value.toVariant().toString();
}
} // namespace

OperationDetailPane::OperationDetailPane(const OperationService &operations, QWidget *parent)
    : QWidget(parent)
    , m_operations(operations)
    , m_title(new QLabel(this))
    , m_history(nullptr)
    , m_form(new QFormLayout)
    , m_attempts(new QTableWidget(0, 6, this))
    , m_exchange(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("operationDetail"));
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_attempts->setObjectName(QStringLiteral("attemptsTable"));
    m_attempts->setHorizontalHeaderLabels(
        { tr("#"), tr("Started"), tr("Status"), tr("HTTP"), tr("Latency"), tr("Error class") });
    m_attempts->horizontalHeader()->setStretchLastSection(true);
    m_attempts->verticalHeader()->hide();
    m_attempts->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_attempts->setSelectionMode(QAbstractItemView::SingleSelection);
    m_attempts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_attempts, &QTableWidget::currentCellChanged, this, [this](int row) { showAttempt(row); });

    m_exchange->setObjectName(QStringLiteral("attemptExchange"));
    m_exchange->setReadOnly(true);
    m_exchange->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_exchange->setPlaceholderText(tr("Select an attempt to see its request and the provider's answer (secrets and "
                                      "card data are redacted)."));

    // Every field stays reachable however small the pane: what does not fit scrolls, it is never cut.
    auto *fieldsPage = new QWidget;
    auto *fieldsLayout = new QVBoxLayout(fieldsPage);
    fieldsLayout->setContentsMargins(0, 0, 0, 0);
    fieldsLayout->addWidget(m_title);
    fieldsLayout->addLayout(m_form);
    fieldsLayout->addStretch();
    auto *fields = new QScrollArea(this);
    fields->setObjectName(QStringLiteral("detailFields"));
    fields->setWidgetResizable(true);
    fields->setFrameShape(QFrame::NoFrame);
    fields->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // values wrap instead
    fields->setWidget(fieldsPage);

    auto *history = new QWidget(this);
    m_history = history;
    auto *historyLayout = new QVBoxLayout(history);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    historyLayout->addWidget(new QLabel(tr("<b>Attempts</b>"), history));
    historyLayout->addWidget(m_attempts, 1);
    historyLayout->addWidget(m_exchange, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(fields);
    splitter->addWidget(history);
    // The fields scroll, so they would get only a sliver by their size hint: start them at half.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 1000, 1000 });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    showOperation(0);
}

void OperationDetailPane::showOperation(qint64 id)
{
    m_id = id;
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_attempts->setRowCount(0);
    m_exchanges.clear();
    m_exchange->clear();
    m_history->setVisible(id != 0);
    if (id == 0) {
        m_title->setText(tr("Select an operation to see its fields and every attempt."));
        return;
    }
    auto op = m_operations.get(id);
    if (!op) {
        m_title->setText(op.message());
        return;
    }
    m_title->setText(tr("Operation %1 — %2").arg(id).arg(OperationStates::label(op->state)));
    m_form->addRow(tr("Business action"), valueLabel(op->action, QStringLiteral("detailAction")));
    m_form->addRow(
        tr("Entity"), valueLabel(op->entityType + QLatin1Char(' ') + op->entityId, QStringLiteral("detailEntity")));
    m_form->addRow(tr("Provider"), valueLabel(op->providerId, QStringLiteral("detailProvider")));
    m_form->addRow(tr("State"), valueLabel(OperationStates::label(op->state), QStringLiteral("detailState")));
    m_form->addRow(tr("Attempts"), valueLabel(QString::number(op->attempts), QStringLiteral("detailAttempts")));
    m_form->addRow(tr("Idempotency key"), valueLabel(op->idempotencyKey, QStringLiteral("detailKey")));
    m_form->addRow(tr("External id"), valueLabel(op->externalId, QStringLiteral("detailExternalId")));
    if (op->state == OperationState::RetryScheduled)
        m_form->addRow(tr("Next attempt"), valueLabel(timeText(op->nextAttemptAt), QStringLiteral("detailNext")));
    if (!op->lastError.isEmpty())
        m_form->addRow(tr("Last error"),
            valueLabel(QStringLiteral("%1 — %2").arg(errorClassName(op->lastErrorClass), op->lastError),
                QStringLiteral("detailError")));
    if (!op->resolution.isEmpty())
        m_form->addRow(tr("Resolution"),
            valueLabel(
                QStringLiteral("%1: %2").arg(op->resolvedBy, op->resolution), QStringLiteral("detailResolution")));
    QStringList payload;
    for (auto it = op->payload.constBegin(); it != op->payload.constEnd(); ++it)
        payload << QStringLiteral("%1: %2").arg(it.key(), payloadText(it.value()));
    // Plain text that wraps anywhere (ids and JSON have no spaces to wrap at) and copies exactly.
    auto *payloadView = new QPlainTextEdit(payload.join(QLatin1Char('\n')));
    payloadView->setObjectName(QStringLiteral("detailPayload"));
    payloadView->setReadOnly(true);
    payloadView->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    payloadView->setFixedHeight(payloadView->fontMetrics().lineSpacing() * (qMin(payload.size(), 8) + 1) + 8);
    m_form->addRow(tr("Payload"), payloadView);
    m_form->addRow(tr("Created"), valueLabel(timeText(op->createdAt), QStringLiteral("detailCreated")));

    auto attempts = m_operations.attempts(id);
    if (!attempts)
        return;
    m_attempts->setRowCount(static_cast<int>(attempts->size()));
    int row = 0;
    for (const Attempt &a : attempts.value()) {
        // A lookup asked the provider before a resend; it sent nothing that could charge.
        const QString number
            = a.kind == Attempt::Kind::Lookup ? tr("%1 lookup").arg(a.number) : QString::number(a.number);
        const QStringList cells { number, timeText(a.startedAt), Attempt::statusName(a.status),
            a.httpStatus ? QString::number(a.httpStatus) : QStringLiteral("—"),
            QStringLiteral("%1 ms").arg(a.latencyMs), errorClassName(a.errorClass) };
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            item->setToolTip(a.errorMessage);
            m_attempts->setItem(row, c, item);
        }
        m_exchanges << qMakePair(a.request, a.response.isEmpty() ? a.errorMessage : a.response);
        ++row;
    }
    m_attempts->resizeColumnsToContents();
    if (row > 0)
        m_attempts->selectRow(row - 1);
}

void OperationDetailPane::showAttempt(int row)
{
    if (row < 0 || row >= m_exchanges.size()) {
        m_exchange->clear();
        return;
    }
    QString response = m_exchanges.at(row).second;
    const QJsonDocument json = QJsonDocument::fromJson(response.toUtf8());
    if (!json.isNull())
        response = QString::fromUtf8(json.toJson(QJsonDocument::Indented));
    m_exchange->setPlainText(tr("— request —\n%1\n\n— answer —\n%2").arg(m_exchanges.at(row).first, response));
}
