#include "reconciliation/ReconAction.h"

#include <QAction>
#include <QWidget>

namespace ReconAction {

QAction *make(
    QWidget *workspace, const QString &text, const QString &name, const QString &tip, const QKeySequence &keys)
{
    auto *a = new QAction(text, workspace);
    a->setObjectName(name);
    a->setToolTip(tip);
    a->setProperty("hint", tip);
    a->setShortcut(keys);
    workspace->addAction(a);
    return a;
}

void allow(QAction *action, const QString &locked, bool can, const QString &whyNot)
{
    action->setEnabled(locked.isEmpty() && can);
    action->setToolTip(!locked.isEmpty() ? locked : (can ? action->property("hint").toString() : whyNot));
}

} // namespace ReconAction
