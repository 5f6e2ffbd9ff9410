#include "records/FieldMapDialog.h"

#include "access/AccessPolicy.h"
#include "records/RecordService.h"
#include "shell/MessageBanner.h"
#include "shell/Prompts.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

FieldMapDialog::FieldMapDialog(RecordService &records, QWidget *parent)
    : QDialog(parent)
    , m_records(records)
    , m_type(new QComboBox(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_message(new MessageBanner(this))
{
    setObjectName(QStringLiteral("fieldMapDialog"));
    setWindowTitle(tr("Field maps and ownership"));
    m_type->setObjectName(QStringLiteral("fieldMapType"));
    for (const QString &type : FieldMap::entityTypes())
        m_type->addItem(type, type);
    m_table->setObjectName(QStringLiteral("fieldMapTable"));
    m_table->setHorizontalHeaderLabels(
        { tr("Field"), tr("Our field"), tr("Provider's JSON path"), tr("Owner (system of record)") });
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(Field, 160);
    m_table->setColumnWidth(OurField, 130);
    m_table->setColumnWidth(ProviderPath, 240);

    auto *buttons = new QDialogButtonBox(
        QDialogButtonBox::Save | QDialogButtonBox::RestoreDefaults | QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("saveFieldMap"));
    buttons->button(QDialogButtonBox::RestoreDefaults)->setObjectName(QStringLiteral("restoreFieldMap"));
    connect(buttons->button(QDialogButtonBox::Save), &QPushButton::clicked, this, &FieldMapDialog::save);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
        &FieldMapDialog::restoreDefaults);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const bool admin = records.access().allows(Permission::ManageCredentials);
    buttons->button(QDialogButtonBox::Save)->setEnabled(admin);
    buttons->button(QDialogButtonBox::RestoreDefaults)->setEnabled(admin);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Record type"), this));
    top->addWidget(m_type);
    top->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    auto *hint
        = new QLabel(admin ? tr("Each of our fields maps to a path in the provider's JSON. The owner is the system of "
                                "record: when the two differ, the other side is the one that is wrong.")
                           : tr("Read only: changing field maps needs the admin role."),
            this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    connect(m_type, &QComboBox::currentIndexChanged, this, [this] { showType(m_type->currentData().toString()); });
    showType(m_type->currentData().toString());
    resize(760, 380);
}

void FieldMapDialog::showType(const QString &entityType)
{
    m_type->setCurrentIndex(qMax(0, m_type->findData(entityType)));
    auto map = m_records.fieldMap(entityType);
    if (!map) {
        m_message->showMessage(map.message(), true);
        return;
    }
    fill(map.value());
}

void FieldMapDialog::fill(const FieldMap &map)
{
    const bool admin = m_records.access().allows(Permission::ManageCredentials);
    m_table->setRowCount(0);
    for (const FieldRule &r : map.rules) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *field = new QTableWidgetItem(r.field);
        field->setFlags(field->flags() & ~Qt::ItemIsEditable);
        auto *ours = new QTableWidgetItem(r.ourPath);
        ours->setFlags(ours->flags() & ~Qt::ItemIsEditable); // fixed by our schema
        auto *path = new QTableWidgetItem(r.providerPath);
        if (!admin)
            path->setFlags(path->flags() & ~Qt::ItemIsEditable);
        m_table->setItem(row, Field, field);
        m_table->setItem(row, OurField, ours);
        m_table->setItem(row, ProviderPath, path);
        auto *owner = new QComboBox(m_table);
        owner->addItem(tr("the provider"), RecordDiff::ownerName(FieldOwner::Provider));
        owner->addItem(tr("our database"), RecordDiff::ownerName(FieldOwner::Ours));
        owner->setCurrentIndex(r.owner == FieldOwner::Provider ? 0 : 1);
        owner->setEnabled(admin);
        m_table->setCellWidget(row, Owner, owner);
    }
}

FieldMap FieldMapDialog::editedMap() const
{
    FieldMap map;
    map.entityType = m_type->currentData().toString();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto *owner = qobject_cast<QComboBox *>(m_table->cellWidget(row, Owner));
        map.rules << FieldRule { m_table->item(row, Field)->text(), m_table->item(row, OurField)->text(),
            m_table->item(row, ProviderPath)->text().trimmed(),
            RecordDiff::ownerFromName(owner->currentData().toString()).value_or(FieldOwner::Provider) };
    }
    return map;
}

bool FieldMapDialog::save()
{
    const FieldMap map = editedMap();
    const QString problem = map.problem();
    if (!problem.isEmpty()) {
        m_message->showMessage(problem, true);
        return false;
    }
    const QString reason = Prompts::reason(this, tr("Change a field map"),
        tr("Why does the %1 field map change? The audit log keeps the map before and after.").arg(map.entityType));
    if (reason.isEmpty())
        return false;
    Status saved = m_records.saveFieldMap(map, reason);
    m_message->showMessage(saved ? tr("Saved. Diffs and scans use the new map from now on.") : saved.message(), !saved);
    return saved.ok();
}

void FieldMapDialog::restoreDefaults()
{
    const QString type = m_type->currentData().toString();
    Status restored = m_records.restoreFieldMap(type);
    m_message->showMessage(
        restored ? tr("The shipped %1 map is back in force.").arg(type) : restored.message(), !restored);
    showType(type);
}
