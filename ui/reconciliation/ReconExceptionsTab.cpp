#include "reconciliation/ReconExceptionsTab.h"

#include "reconciliation/ExceptionsModel.h"
#include "shell/ActionButton.h"
#include "shell/EmptyState.h"
#include "shell/RowTintDelegate.h"
#include "shell/TableLook.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace {
using State = RowException::State;
}

ReconExceptionsTab::ReconExceptionsTab(ExceptionsModel &model, const QList<QAction *> &actions, QWidget *parent)
    : QWidget(parent)
    , m_model(&model)
    , m_table(new QTableView(this))
    , m_show(new QComboBox(this))
    , m_state(new QComboBox(this))
    , m_assignee(new QLineEdit(this))
    , m_note(new QLineEdit(this))
{
    setObjectName(QStringLiteral("exceptionsTab"));
    m_table->setObjectName(QStringLiteral("exceptionsTable"));
    m_show->setObjectName(QStringLiteral("exceptionsShow"));
    m_state->setObjectName(QStringLiteral("exceptionState"));
    m_assignee->setObjectName(QStringLiteral("exceptionAssignee"));
    m_note->setObjectName(QStringLiteral("exceptionNote"));
    m_table->setModel(m_model);
    TableLook::apply(m_table, QAbstractItemView::SingleSelection);
    TableLook::sizeColumns(m_table,
        { { int(ExceptionColumn::Side), QStringLiteral("Statement") },
            { int(ExceptionColumn::Date), QStringLiteral("2026-10-31") },
            { int(ExceptionColumn::Age), QStringLiteral("999 d") },
            { int(ExceptionColumn::Amount), QStringLiteral("-99,999.99 EUR") },
            { int(ExceptionColumn::Reference), QStringLiteral("INV-2041-XXXXXX") },
            { int(ExceptionColumn::Counterparty), QStringLiteral("Counterparty GmbH") },
            { int(ExceptionColumn::State), QStringLiteral("Investigating") },
            { int(ExceptionColumn::Assignee), QStringLiteral("finance.user") } });
    m_table->setItemDelegateForColumn(static_cast<int>(ExceptionColumn::State),
        new RowTintDelegate(
            [](const QModelIndex &index) -> RowTint {
                switch (static_cast<State>(index.data(ExceptionsModel::StateRole).toInt())) {
                case State::Open:
                    return { RowTint::Urgent, true };
                case State::Investigating:
                    return { RowTint::Waiting, true };
                case State::Resolved:
                    return { RowTint::Muted };
                }
                return {};
            },
            m_table));
    new EmptyState(
        m_table, [] { return tr("<p><b>No exceptions.</b></p><p>Every old row is matched or settled.</p>"); });

    m_show->addItem(tr("Not resolved"), QStringLiteral("unresolved"));
    m_show->addItem(tr("Open"), QStringLiteral("open"));
    m_show->addItem(tr("Investigating"), QStringLiteral("investigating"));
    m_show->addItem(tr("Resolved"), QStringLiteral("resolved"));
    m_show->addItem(tr("All"), QString());
    connect(m_show, &QComboBox::currentIndexChanged, this, [this] {
        const QString which = m_show->currentData().toString();
        if (which == QLatin1String("unresolved"))
            m_model->setStates({ State::Open, State::Investigating });
        else if (const auto state = RowException::stateFromName(which))
            m_model->setStates({ *state });
        else
            m_model->setStates({});
    });
    m_model->setStates({ State::Open, State::Investigating });

    m_state->addItem(tr("Open"), static_cast<int>(State::Open));
    m_state->addItem(tr("Investigating"), static_cast<int>(State::Investigating));
    m_state->addItem(tr("Resolved"), static_cast<int>(State::Resolved));
    m_assignee->setPlaceholderText(tr("Who looks into it"));
    m_note->setPlaceholderText(tr("What is known so far, where it is tracked"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Show"), this));
    top->addWidget(m_show);
    top->addStretch(1);
    auto *edit = new QHBoxLayout;
    edit->addWidget(new QLabel(tr("State"), this));
    edit->addWidget(m_state);
    edit->addWidget(new QLabel(tr("Assignee"), this));
    edit->addWidget(m_assignee);
    edit->addWidget(new QLabel(tr("Note"), this));
    edit->addWidget(m_note, 1);
    for (QAction *a : actions)
        edit->addWidget(
            new ActionButton(a, a->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")), this));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addLayout(edit);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        fillEditor();
        Q_EMIT selectionChanged();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ReconExceptionsTab::selectionChanged);
    fillEditor();
}

const ReconRow *ReconExceptionsTab::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->rowAt(rows.first().row());
}

void ReconExceptionsTab::fillEditor()
{
    const ReconRow *r = selected();
    m_state->setCurrentIndex(m_state->findData(static_cast<int>(r ? r->exceptionState : State::Open)));
    m_assignee->setText(r ? r->exceptionAssignee : QString());
    m_note->setText(r ? r->exceptionNote : QString());
}

RowException::State ReconExceptionsTab::editedState() const
{
    return static_cast<State>(m_state->currentData().toInt());
}

QString ReconExceptionsTab::editedNote() const
{
    return m_note->text().trimmed();
}

QString ReconExceptionsTab::editedAssignee() const
{
    return m_assignee->text().trimmed();
}

void ReconExceptionsTab::setEditable(bool editable, const QString &whyNot)
{
    for (QWidget *w : std::initializer_list<QWidget *> { m_state, m_assignee, m_note }) {
        w->setEnabled(editable);
        w->setToolTip(editable ? QString() : whyNot);
    }
}

void ReconExceptionsTab::reload()
{
    const ReconRow *before = selected();
    const std::optional<RowRef> keep = before ? std::optional<RowRef>(before->ref()) : std::nullopt;
    m_model->reload();
    if (keep)
        if (const int row = m_model->rowOf(*keep); row >= 0)
            m_table->selectRow(row);
}
