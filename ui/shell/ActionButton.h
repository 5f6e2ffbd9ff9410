#pragma once

#include <QPushButton>

class QAction;

// A push button that shows and runs a QAction. The action is what a workspace declares (it adds
// it to itself with addAction): the menu bar, the command palette and the shortcuts list read
// it from there, and the button mirrors its text, state and tooltip.
class ActionButton : public QPushButton
{
    Q_OBJECT
public:
    ActionButton(QAction *action, const QString &objectName, QWidget *parent);
    QAction *action() const { return m_action; }

private:
    void sync();

    QAction *m_action;
};
