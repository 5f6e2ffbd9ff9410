#include "shell/ActionButton.h"

#include <QAction>

ActionButton::ActionButton(QAction *action, const QString &objectName, QWidget *parent)
    : QPushButton(parent)
    , m_action(action)
{
    setObjectName(objectName);
    connect(this, &QPushButton::clicked, action, &QAction::trigger);
    connect(action, &QAction::changed, this, &ActionButton::sync);
    sync();
}

void ActionButton::sync()
{
    setText(m_action->text());
    setEnabled(m_action->isEnabled());
    setVisible(m_action->isVisible());
    const QString shortcut = m_action->shortcut().toString(QKeySequence::NativeText);
    setToolTip(shortcut.isEmpty() || m_action->toolTip().isEmpty()
            ? m_action->toolTip()
            : QStringLiteral("%1 (%2)").arg(m_action->toolTip(), shortcut));
}
