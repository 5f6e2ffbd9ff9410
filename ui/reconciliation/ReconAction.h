#pragma once

#include <QKeySequence>
#include <QString>

class QAction;
class QWidget;

// The Reconciliation workspace's actions, made and enabled one way: each is added to the
// workspace (the shell's menus, palette and shortcut list read it there) and keeps the tooltip
// it shows while enabled; disabled, it says why — the period's lock first.
namespace ReconAction {
QAction *make(
    QWidget *workspace, const QString &text, const QString &name, const QString &tip, const QKeySequence &keys = {});
// Enabled when the period is open (`locked` empty) and `can`; else the tooltip is `locked`, or `whyNot`.
void allow(QAction *action, const QString &locked, bool can, const QString &whyNot);
} // namespace ReconAction
