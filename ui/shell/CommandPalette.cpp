#include "shell/CommandPalette.h"

#include <QAction>
#include <QCoreApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

#include <algorithm>

namespace {
constexpr int kShortcutRole = Qt::UserRole + 1;

// The name on the left, its shortcut on the right, as menus show them.
class PaletteDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        const QString keys = index.data(kShortcutRole).toString();
        if (keys.isEmpty())
            return;
        const bool selected = option.state & QStyle::State_Selected;
        const QPalette::ColorGroup group
            = (option.state & QStyle::State_Enabled) ? QPalette::Normal : QPalette::Disabled;
        painter->save();
        painter->setPen(option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::PlaceholderText));
        painter->drawText(option.rect.adjusted(0, 0, -8, 0), Qt::AlignRight | Qt::AlignVCenter, keys);
        painter->restore();
    }
};
} // namespace

CommandPalette::CommandPalette(QWidget *parent)
    : QDialog(parent)
    , m_search(new QLineEdit(this))
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("commandPalette"));
    setWindowTitle(tr("Command palette"));
    m_search->setObjectName(QStringLiteral("paletteSearch"));
    m_search->setPlaceholderText(tr("Type an action or a workspace…"));
    m_search->installEventFilter(this);
    m_list->setObjectName(QStringLiteral("paletteList"));
    m_list->setUniformItemSizes(true);
    m_list->setItemDelegate(new PaletteDelegate(m_list));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    connect(m_search, &QLineEdit::textChanged, this, &CommandPalette::filter);
    connect(m_search, &QLineEdit::returnPressed, this, &CommandPalette::runCurrent);
    connect(m_list, &QListWidget::itemActivated, this, &CommandPalette::runCurrent);
    resize(560, 420);
}

QString CommandPalette::plainText(const QAction *action)
{
    QString text = action->text();
    text.remove(QLatin1Char('&'));
    return text;
}

int CommandPalette::score(const QString &text, const QString &query)
{
    const QString t = text.toCaseFolded();
    const QString q = query.simplified().toCaseFolded();
    if (q.isEmpty())
        return 1;
    const qsizetype at = t.indexOf(q);
    if (at == 0)
        return 1000;
    if (at > 0)
        return 500 - qMin<qsizetype>(at, 400);
    qsizetype from = 0; // every letter of the query, in order, anywhere
    for (const QChar c : q) {
        if (c.isSpace())
            continue;
        from = t.indexOf(c, from);
        if (from < 0)
            return 0;
        ++from;
    }
    return 50;
}

void CommandPalette::open(const QList<QAction *> &actions)
{
    m_actions.clear();
    for (QAction *a : actions) {
        if (a && a->isVisible() && !a->isSeparator() && !a->menu())
            m_actions << a;
    }
    m_search->clear();
    filter();
    show();
    raise();
    activateWindow();
    m_search->setFocus();
}

void CommandPalette::filter()
{
    struct Hit
    {
        int score;
        int index;
    };
    QList<Hit> hits;
    for (int i = 0; i < m_actions.size(); ++i) {
        if (!m_actions.at(i))
            continue;
        if (const int s = score(plainText(m_actions.at(i)), m_search->text()))
            hits << Hit { s, i };
    }
    std::stable_sort(hits.begin(), hits.end(), [](const Hit &a, const Hit &b) { return a.score > b.score; });
    m_list->clear();
    for (const Hit &hit : hits) {
        QAction *a = m_actions.at(hit.index);
        const QString shortcut = a->shortcut().toString(QKeySequence::NativeText);
        auto *item = new QListWidgetItem(plainText(a), m_list);
        item->setData(kShortcutRole, shortcut);
        item->setData(Qt::UserRole, hit.index);
        item->setToolTip(a->toolTip());
        if (!a->isEnabled())
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    }
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->flags() & Qt::ItemIsEnabled) {
            m_list->setCurrentRow(row);
            break;
        }
    }
}

void CommandPalette::runCurrent()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item || !(item->flags() & Qt::ItemIsEnabled))
        return;
    QPointer<QAction> action = m_actions.value(item->data(Qt::UserRole).toInt());
    accept();
    if (action && action->isEnabled())
        action->trigger();
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    // Up and Down move through the list while the typing stays in the field.
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Up || key == Qt::Key_Down || key == Qt::Key_PageUp || key == Qt::Key_PageDown) {
            QCoreApplication::sendEvent(m_list, event);
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}
