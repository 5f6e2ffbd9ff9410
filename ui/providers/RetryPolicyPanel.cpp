#include "providers/RetryPolicyPanel.h"

#include "access/AccessPolicy.h"
#include "providers/DurationField.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderService.h"
#include "providers/RetryPolicyDialog.h"
#include "shell/TableLook.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {
enum Column
{
    Level,
    Attempts,
    Backoff,
    Retries,
    Deadline,
    SetBy,
    ColumnCount
};

QPushButton *button(const QString &text, const QString &name, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    return b;
}

QString classes(const RetryPolicy &p)
{
    const QStringList names = p.retriedClassNames();
    return names.isEmpty() ? RetryPolicyPanel::tr("nothing") : names.join(QStringLiteral(", "));
}
} // namespace

RetryPolicyPanel::RetryPolicyPanel(
    ProviderService &providers, ProviderRegistry &registry, const AccessPolicy &access, QWidget *parent)
    : QGroupBox(tr("Retry policy"), parent)
    , m_providers(providers)
    , m_registry(registry)
    , m_access(access)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_edit(button(tr("Edit…"), QStringLiteral("editRetryPolicyButton"), this))
    , m_add(button(tr("Add for an action…"), QStringLiteral("addActionRetryPolicyButton"), this))
    , m_reset(button(tr("Reset"), QStringLiteral("resetRetryPolicyButton"), this))
{
    setObjectName(QStringLiteral("retryPolicyPanel"));
    m_table->setObjectName(QStringLiteral("retryPolicyTable"));
    m_table->setHorizontalHeaderLabels(
        { tr("Level"), tr("Max attempts"), tr("Backoff"), tr("Retries"), tr("Deadline"), tr("Set") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    TableLook::apply(m_table, QAbstractItemView::SingleSelection);
    TableLook::sizeColumns(m_table,
        { { Level, QStringLiteral("capture_payment") }, { Attempts, tr("Max attempts") },
            { Backoff, QStringLiteral("10 min 40 s … 2 h") },
            { Retries, QStringLiteral("network, rate_limited, server, timeout") }, { Deadline, tr("Deadline") } });
    m_table->setToolTip(tr("The agent's automatic retries: an action's own level, else the provider's for every "
                           "action. Each wait is drawn at random under the backoff's ceiling."));
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_edit);
    buttons->addWidget(m_add);
    buttons->addWidget(m_reset);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
    layout->addLayout(buttons);

    connect(m_table, &QTableWidget::itemSelectionChanged, this, &RetryPolicyPanel::updateActions);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this] {
        if (m_edit->isEnabled())
            editSelected();
    });
    connect(m_edit, &QPushButton::clicked, this, &RetryPolicyPanel::editSelected);
    connect(m_add, &QPushButton::clicked, this, &RetryPolicyPanel::addForAction);
    connect(m_reset, &QPushButton::clicked, this, &RetryPolicyPanel::resetSelected);
    hide();
}

void RetryPolicyPanel::showProvider(const ProviderConfig &provider)
{
    const bool same = provider.id == m_provider.id;
    m_provider = provider;
    const QString keep = same && selected() ? selected()->action : QString();
    reload();
    for (int row = 0; row < m_policies.size(); ++row) {
        if (m_policies.at(row).action == keep)
            m_table->selectRow(row);
    }
    show();
}

void RetryPolicyPanel::clear()
{
    m_provider = {};
    m_policies.clear();
    m_table->setRowCount(0);
    hide();
}

void RetryPolicyPanel::reload()
{
    auto policies = m_providers.retryPolicies(m_provider.id);
    if (!policies)
        Q_EMIT message(policies.message(), true);
    m_policies = policies.value_or({});
    fillTable();
}

void RetryPolicyPanel::fillTable()
{
    const QSignalBlocker quiet(m_table);
    m_table->setRowCount(int(m_policies.size()));
    const QLocale locale;
    for (int row = 0; row < m_policies.size(); ++row) {
        const RetryPolicy &p = m_policies.at(row);
        const QString setBy = p.isDefault()
            ? tr("kind's defaults")
            : tr("set by %1 at %2")
                  .arg(p.updatedBy, locale.toString(QDateTime::fromMSecsSinceEpoch(p.updatedAt), QLocale::ShortFormat));
        const QStringList cells { p.action.isEmpty() ? tr("Every action") : p.action, QString::number(p.maxAttempts),
            tr("%1 … %2").arg(DurationField::describe(p.baseDelayMs), DurationField::describe(p.maxDelayMs)),
            classes(p), DurationField::describe(p.deadlineMs), setBy };
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            item->setToolTip(p.describe());
            m_table->setItem(row, column, item);
        }
    }
    // A few rows: as tall as they are, not a scrolling pane.
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height()
        + int(qMax<qsizetype>(1, m_policies.size())) * m_table->verticalHeader()->defaultSectionSize()
        + 2 * m_table->frameWidth());
    if (!m_policies.isEmpty())
        m_table->selectRow(0);
    updateActions();
}

const RetryPolicy *RetryPolicyPanel::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() || rows.first().row() >= m_policies.size() ? nullptr : &m_policies.at(rows.first().row());
}

void RetryPolicyPanel::updateActions()
{
    const bool admin = m_access.allows(Permission::ManageCredentials);
    const RetryPolicy *p = selected();
    m_edit->setEnabled(admin && p);
    m_add->setEnabled(admin && !m_provider.id.isEmpty());
    m_reset->setEnabled(admin && p && !p->isDefault());
    if (!admin) {
        const QString why = tr("Only admins change retry policies; you are signed in as %1.").arg(m_access.describe());
        for (QPushButton *b : { m_edit, m_add, m_reset })
            b->setToolTip(why);
        return;
    }
    m_edit->setToolTip(tr("Change the selected level (audited)."));
    m_add->setToolTip(tr("Give one action a policy of its own, e.g. fewer retries for refunds (audited)."));
    m_reset->setToolTip(!p        ? QString()
            : p->isDefault()      ? tr("The kind's defaults: there is nothing to reset.")
            : p->action.isEmpty() ? tr("Back to the kind's defaults for every action without its own (audited).")
                                  : tr("Back to the provider's policy for every action (audited)."));
}

void RetryPolicyPanel::editSelected()
{
    if (const RetryPolicy *p = selected())
        openDialog(*p, false, {});
}

void RetryPolicyPanel::addForAction()
{
    if (m_policies.isEmpty())
        return;
    // The kind's actions the adapter knows, less those with a level already; any may be typed.
    QStringList actions;
    if (auto adapter = m_registry.adapterFor(m_provider.id))
        actions = adapter.value()->actions();
    for (const RetryPolicy &p : m_policies)
        actions.removeAll(p.action);
    RetryPolicy start = m_policies.first(); // an action's level starts as the provider's own
    start.updatedBy.clear();
    start.updatedAt = 0;
    start.action = actions.value(0);
    openDialog(start, true, actions);
}

void RetryPolicyPanel::resetSelected()
{
    const RetryPolicy *p = selected();
    if (!p || p->isDefault())
        return;
    const QString level = p->action.isEmpty() ? m_provider.id : m_provider.id + QLatin1Char('/') + p->action;
    const bool own = p->action.isEmpty();
    if (Status reset = m_providers.resetRetryPolicy(m_provider.id, p->action); !reset) {
        Q_EMIT message(reset.message(), true);
        return;
    }
    reload();
    Q_EMIT message(own ? tr("Retry policy of %1 reset to the kind's defaults.").arg(level)
                       : tr("Retry policy of %1 reset: the action follows the provider's own again.").arg(level),
        false);
}

void RetryPolicyPanel::openDialog(const RetryPolicy &start, bool adding, const QStringList &actions)
{
    auto *dialog = new RetryPolicyDialog(m_providers, start, adding, actions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const RetryPolicy saved = dialog->saved();
        reload();
        for (int row = 0; row < m_policies.size(); ++row) {
            if (m_policies.at(row).action == saved.action)
                m_table->selectRow(row);
        }
        const QString level
            = saved.action.isEmpty() ? saved.providerId : saved.providerId + QLatin1Char('/') + saved.action;
        Q_EMIT message(tr("Retry policy of %1 saved: %2.").arg(level, saved.describe()), false);
    });
    dialog->open();
}
