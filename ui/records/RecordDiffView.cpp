#include "records/RecordDiffView.h"

#include "access/AccessPolicy.h"
#include "providers/ProviderRegistry.h"
#include "shell/ActionButton.h"
#include "shell/MessageBanner.h"
#include "shell/Plural.h"
#include "shell/Prompts.h"
#include "shell/Tints.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {
struct VerdictLook
{
    QColor background;
    QColor text;
};

// In the palette's own light or dark, so a verdict reads on either desktop.
VerdictLook lookOf(const FieldDiff &d, const QPalette &palette)
{
    auto look = [&](Tints::Tone tone) {
        return VerdictLook { Tints::background(tone, palette), Tints::text(tone, palette) };
    };
    if (!d.ignoredBecause.isEmpty())
        return look(Tints::Tone::Muted);
    switch (d.verdict) {
    case FieldDiff::Verdict::InSync:
        return { QColor(Qt::transparent), Tints::text(Tints::Tone::Success, palette) };
    case FieldDiff::Verdict::OursIsWrong:
        return look(Tints::Tone::Warning);
    case FieldDiff::Verdict::ProviderIsWrong:
        return look(Tints::Tone::Info);
    case FieldDiff::Verdict::Conflict:
        return look(Tints::Tone::Error);
    }
    return {};
}

QString verdictLabel(const FieldDiff &d)
{
    if (!d.ignoredBecause.isEmpty())
        return QObject::tr("ignored: %1").arg(d.ignoredBecause);
    switch (d.verdict) {
    case FieldDiff::Verdict::InSync:
        return QObject::tr("in sync");
    case FieldDiff::Verdict::OursIsWrong:
        return QObject::tr("ours is wrong → accept the provider's value");
    case FieldDiff::Verdict::ProviderIsWrong:
        return QObject::tr("provider is wrong → push our value");
    case FieldDiff::Verdict::Conflict:
        return QObject::tr("CONFLICT: both changed since the last webhook — decide");
    }
    return {};
}
} // namespace

RecordDiffView::RecordDiffView(const ProviderRegistry &providers, RecordService &records, QWidget *parent)
    : QWidget(parent)
    , m_records(records)
    , m_type(new QComboBox(this))
    , m_id(new QLineEdit(this))
    , m_provider(new QComboBox(this))
    , m_compare(new QAction(tr("Compare"), this))
    , m_showAll(new QCheckBox(tr("Show fields that agree"), this))
    , m_summary(new QLabel(this))
    , m_message(new MessageBanner(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_accept(new QAction(tr("Accept provider's value"), this))
    , m_push(new QAction(tr("Push our value"), this))
    , m_ignore(new QAction(tr("Ignore…"), this))
{
    setObjectName(QStringLiteral("recordDiffView"));
    m_type->setObjectName(QStringLiteral("diffType"));
    m_type->addItem(tr("Contact"), QStringLiteral("contact"));
    m_type->addItem(tr("Payment"), QStringLiteral("payment"));
    m_id->setObjectName(QStringLiteral("diffId"));
    m_id->setClearButtonEnabled(true);
    m_provider->setObjectName(QStringLiteral("diffProvider"));
    m_provider->addItem(tr("Any linked system"), QString());
    for (const ProviderConfig &p : providers.configured().value_or({}))
        m_provider->addItem(p.displayName.isEmpty() ? p.id : QStringLiteral("%1 (%2)").arg(p.displayName, p.id), p.id);
    auto placeholder = [this] {
        m_id->setPlaceholderText(m_type->currentData().toString() == QLatin1String("contact")
                ? tr("Customer id, e-mail or the CRM's contact id, then Enter")
                : tr("Operation id or the provider's id (pi_…), then Enter"));
    };
    placeholder();
    connect(m_type, &QComboBox::currentIndexChanged, this, placeholder);
    // Customers are picked by id or e-mail as you type; the store does the matching.
    auto *suggestions = new QStringListModel(this);
    auto *completer = new QCompleter(suggestions, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    m_id->setCompleter(completer);
    connect(m_id, &QLineEdit::textEdited, this, [this, suggestions, completer](const QString &text) {
        if (m_type->currentData().toString() != QLatin1String("contact") || text.trimmed().size() < 2)
            return;
        suggestions->setStringList(m_records.customerSuggestions(text, 12).value_or({}));
        completer->complete();
    });
    m_compare->setObjectName(QStringLiteral("compareRecordAction"));
    m_compare->setToolTip(tr("Fetch the provider's live copy of this record and compare it with ours."));
    m_showAll->setObjectName(QStringLiteral("showAllFields"));
    m_summary->setObjectName(QStringLiteral("diffSummary"));
    m_summary->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("diffMessage"));

    m_table->setObjectName(QStringLiteral("diffTable"));
    m_table->setHorizontalHeaderLabels(
        { tr("Field"), tr("Our database"), tr("Provider (live)"), tr("Last webhook"), tr("Owner"), tr("Verdict") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(Field, 150);
    m_table->setColumnWidth(Ours, 210);
    m_table->setColumnWidth(Provider, 210);
    m_table->setColumnWidth(LastWebhook, 170);
    m_table->setColumnWidth(Owner, 90);

    m_accept->setObjectName(QStringLiteral("acceptAction"));
    m_accept->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_accept->setToolTip(
        tr("Our database takes the provider's value (the provider owns this field). Audited with before and after."));
    m_push->setObjectName(QStringLiteral("pushAction"));
    m_push->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_push->setToolTip(tr("Sends our value to the provider as a new operation with a fresh idempotency key; it appears "
                          "in the Operations workspace and is retried like any other."));
    m_ignore->setObjectName(QStringLiteral("ignoreAction"));
    m_ignore->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_ignore->setToolTip(tr("Leave this difference as it is, with a reason; it comes back when either side changes."));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Record"), this));
    top->addWidget(m_type);
    top->addWidget(m_id, 1);
    top->addWidget(new QLabel(tr("against"), this));
    top->addWidget(m_provider);
    top->addWidget(new ActionButton(m_compare, QStringLiteral("compareButton"), this));
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_showAll);
    actions->addStretch();
    actions->addWidget(new ActionButton(m_accept, QStringLiteral("acceptButton"), this));
    actions->addWidget(new ActionButton(m_push, QStringLiteral("pushButton"), this));
    actions->addWidget(new ActionButton(m_ignore, QStringLiteral("ignoreButton"), this));
    addActions({ m_compare, m_accept, m_push, m_ignore }); // the Diff workspace offers them to the shell
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);
    layout->addLayout(actions);

    auto start
        = [this] { compare(m_type->currentData().toString(), m_id->text(), m_provider->currentData().toString()); };
    connect(m_compare, &QAction::triggered, this, start);
    connect(m_id, &QLineEdit::returnPressed, this, start);
    connect(m_showAll, &QCheckBox::toggled, this, &RecordDiffView::fill);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &RecordDiffView::updateActions);
    connect(m_accept, &QAction::triggered, this, &RecordDiffView::acceptSelected);
    connect(m_push, &QAction::triggered, this, &RecordDiffView::pushSelected);
    connect(m_ignore, &QAction::triggered, this, &RecordDiffView::ignoreSelected);

    m_summary->setText(
        tr("Pick a record — or come here from an operation, a timeline or a drift scan — to see it as each "
           "system has it."));
    updateActions();
}

void RecordDiffView::compare(const QString &entityType, const QString &id, const QString &providerId)
{
    if (m_busy)
        return;
    m_type->setCurrentIndex(qMax(0, m_type->findData(entityType)));
    m_id->setText(id);
    m_provider->setCurrentIndex(qMax(0, m_provider->findData(providerId)));
    const bool sameRecord = m_comparison && m_comparison->ours.entityType == entityType
        && (m_comparison->ours.entityId == id || m_comparison->ours.externalId == id);
    if (!sameRecord)
        m_message->hide(); // what was done to the record on show stays in view after a refresh
    m_busy = true;
    m_compare->setEnabled(false);
    m_summary->setText(tr("Fetching %1 %2 from the provider…").arg(entityType, id));
    updateActions();
    m_records.compare(entityType, id, providerId, [this](Result<RecordComparison> result) {
        m_busy = false;
        m_compare->setEnabled(true);
        if (!result) {
            m_comparison.reset();
            m_summary->clear();
            showMessage(result.message(), true);
        } else {
            m_comparison = result.value();
        }
        fill();
        Q_EMIT compared();
    });
}

void RecordDiffView::compareAgain()
{
    if (m_comparison)
        compare(m_comparison->ours.entityType, m_comparison->ours.entityId, m_comparison->ours.providerId);
}

void RecordDiffView::setShowAll(bool all)
{
    m_showAll->setChecked(all);
}

void RecordDiffView::fill()
{
    const QString selected = selectedDiff() ? selectedDiff()->field : QString();
    m_table->setRowCount(0);
    if (!m_comparison) {
        updateActions();
        return;
    }
    const RecordComparison &c = *m_comparison;
    const bool all = m_showAll->isChecked();
    for (const FieldDiff &d : c.fields) {
        if (!all && !d.differs())
            continue;
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const VerdictLook look = lookOf(d, m_table->palette());
        const QStringList cells { d.field, RecordDiff::shown(d.ours), RecordDiff::shown(d.provider),
            c.lastWebhook.isEmpty() ? tr("(none received)") : RecordDiff::shown(d.lastWebhook),
            d.owner == FieldOwner::Ours ? tr("our database") : c.ours.providerId, verdictLabel(d) };
        for (int col = 0; col < ColumnCount; ++col) {
            auto *item = new QTableWidgetItem(cells.at(col));
            item->setToolTip(col == Verdict ? d.verdictText() : cells.at(col));
            if (col == Verdict || col == Field) {
                item->setForeground(look.text);
                if (look.background.alpha())
                    item->setBackground(look.background);
            }
            // The side that is wrong by the rule is the one to look at.
            const bool wrongSide = (col == Ours && d.verdict == FieldDiff::Verdict::OursIsWrong)
                || (col == Provider && d.verdict == FieldDiff::Verdict::ProviderIsWrong)
                || ((col == Ours || col == Provider) && d.verdict == FieldDiff::Verdict::Conflict);
            if (wrongSide && d.ignoredBecause.isEmpty()) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                item->setForeground(look.text);
            }
            item->setData(Qt::UserRole, d.field);
            m_table->setItem(row, col, item);
        }
    }
    const int differing = c.differing();
    const QString what = c.ours.entityType == QLatin1String("payment") ? tr("Operation %1").arg(c.ours.entityId)
                                                                       : tr("Customer %1").arg(c.ours.entityId);
    m_summary->setText(
        tr("<b>%1</b> ↔ %2 <b>%3</b> (fetched %4): %5")
            .arg(what.toHtmlEscaped(), c.ours.providerId.toHtmlEscaped(), c.ours.externalId.toHtmlEscaped(),
                QDateTime::fromMSecsSinceEpoch(c.fetchedAt).toString(QStringLiteral("HH:mm:ss")),
                differing ? plural(differing, QT_TRANSLATE_NOOP("Plural", "%Ln field needs a decision"),
                    QT_TRANSLATE_NOOP("Plural", "%Ln fields need a decision"))
                          : tr("agrees on every mapped field")));
    if (m_table->rowCount() == 0)
        m_summary->setText(m_summary->text() + tr(" — tick \"Show fields that agree\" to see them."));
    if (!selected.isEmpty())
        selectField(selected);
    updateActions();
}

bool RecordDiffView::selectField(const QString &field)
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, Field)->text() == field) {
            m_table->selectRow(row);
            return true;
        }
    }
    return false;
}

const FieldDiff *RecordDiffView::selectedDiff() const
{
    const auto rows = m_table->selectionModel() ? m_table->selectionModel()->selectedRows() : QModelIndexList();
    if (!m_comparison || rows.isEmpty())
        return nullptr;
    return m_comparison->field(m_table->item(rows.first().row(), Field)->text());
}

void RecordDiffView::updateActions()
{
    const FieldDiff *d = m_busy ? nullptr : selectedDiff();
    const bool mayFix = m_records.access().allows(Permission::HandleOperations);
    const bool open = d && d->differs() && mayFix;
    m_accept->setEnabled(open && d->verdict != FieldDiff::Verdict::ProviderIsWrong);
    m_push->setEnabled(open && d->verdict != FieldDiff::Verdict::OursIsWrong);
    m_ignore->setEnabled(open && d->ignoredBecause.isEmpty());
    // Disabled, each says why in its tooltip (the command palette shows it too).
    const QString generic = !mayFix ? tr("Fixing records needs the support role.")
        : m_busy                    ? tr("Wait for the comparison under way.")
        : !d                        ? tr("Select a field that differs first.")
        : !d->differs()             ? tr("This field agrees on both sides.")
                                    : QString();
    const QList<QPair<QAction *, QString>> reasons { { m_accept, tr("We own this field: push our value instead.") },
        { m_push, tr("The provider owns this field: accept its value instead.") },
        { m_ignore, tr("This difference is already ignored.") } };
    for (const auto &[action, own] : reasons) {
        if (action->data().isNull())
            action->setData(action->toolTip()); // what it does, kept to say beside why it cannot now
        const QString why = generic.isEmpty() ? own : generic;
        action->setToolTip(
            action->isEnabled() ? action->data().toString() : action->data().toString() + QLatin1Char(' ') + why);
    }
}

void RecordDiffView::showMessage(const QString &text, bool error)
{
    m_message->showMessage(text, error);
    Q_EMIT message(text);
}

std::optional<QString> RecordDiffView::reasonToSettle(const FieldDiff &diff, bool providerWins)
{
    if (diff.verdict != FieldDiff::Verdict::Conflict)
        return QString(); // the rule settles it; the audit log says which rule
    const QString reason = Prompts::reason(this, tr("Settle a conflict"),
        tr("Both sides changed '%1' since the last webhook. Why does %2 (%3) win?")
            .arg(diff.field, providerWins ? tr("the provider's value") : tr("our value"),
                RecordDiff::shown(providerWins ? diff.provider : diff.ours)));
    if (reason.isEmpty())
        return std::nullopt;
    return reason;
}

void RecordDiffView::acceptSelected()
{
    const FieldDiff *d = selectedDiff();
    if (!d || !m_comparison)
        return;
    const FieldDiff diff = *d;
    const auto reason = reasonToSettle(diff, true);
    if (!reason)
        return;
    Status accepted = m_records.accept(*m_comparison, diff.field, *reason);
    if (!accepted) {
        showMessage(accepted.message(), true);
        return;
    }
    showMessage(tr("Our %1 is now %2 (was %3). Audited.")
                    .arg(diff.field, RecordDiff::shown(diff.provider), RecordDiff::shown(diff.ours)),
        false);
    Q_EMIT recordChanged();
    compareAgain();
}

void RecordDiffView::pushSelected()
{
    const FieldDiff *d = selectedDiff();
    if (!d || !m_comparison)
        return;
    const FieldDiff diff = *d;
    const auto reason = reasonToSettle(diff, false);
    if (!reason)
        return;
    m_busy = true;
    updateActions();
    m_records.push(
        *m_comparison, diff.field,
        [this, diff](Result<Operation> result) {
            m_busy = false;
            if (!result) {
                showMessage(result.message(), true);
                updateActions();
                return;
            }
            const Operation &op = result.value();
            if (op.state == OperationState::Succeeded)
                showMessage(tr("Pushed our %1 (%2) as operation %3; the provider has it.")
                                .arg(diff.field, RecordDiff::shown(diff.ours))
                                .arg(op.id),
                    false);
            else
                showMessage(
                    tr("Operation %1 carries our %2 but is %3: %4 It waits in the Operations workspace and is retried "
                       "like any other.")
                        .arg(op.id)
                        .arg(diff.field, OperationStates::label(op.state).toLower(), op.lastError),
                    true);
            Q_EMIT operationCreated(op.id);
            Q_EMIT recordChanged();
            compareAgain();
        },
        *reason);
}

void RecordDiffView::ignoreSelected()
{
    const FieldDiff *d = selectedDiff();
    if (!d || !m_comparison)
        return;
    const FieldDiff diff = *d;
    const QString reason = Prompts::reason(this, tr("Ignore a difference"),
        tr("Why may '%1' stay %2 here and %3 at the provider? The difference comes "
           "back when either side changes.")
            .arg(diff.field, RecordDiff::shown(diff.ours), RecordDiff::shown(diff.provider)));
    if (reason.isEmpty())
        return;
    Status ignored = m_records.ignore(*m_comparison, diff.field, reason);
    if (!ignored) {
        showMessage(ignored.message(), true);
        return;
    }
    showMessage(tr("'%1' is ignored while both sides keep these values.").arg(diff.field), false);
    Q_EMIT recordChanged();
    compareAgain();
}
