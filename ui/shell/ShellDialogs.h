#pragma once

#include <QList>
#include <QString>
#include <QStringList>

class QAction;
class QWidget;

// The Help and File dialogs of the shell: each a function, so the window stays small.
namespace ShellDialogs {
// What a bug report needs: version, the Qt it was built with and runs on, the database (never
// its password) and the licence.
QString aboutText(const QString &databaseName);
void about(QWidget *parent, const QString &databaseName);

struct ActionGroup
{
    QString title; // "Window", "Operations", …
    QList<QAction *> actions;
};
// Every action with its shortcut, generated from the actions themselves.
void shortcuts(QWidget *parent, const QList<ActionGroup> &groups);

// The README and docs/architecture.md, compiled in as resources so the guide is never a dead link.
void userGuide(QWidget *parent);

// An SQLite file or a postgresql:// URL to open; empty when cancelled. `recent` fills the field's
// suggestions.
QString openDatabase(QWidget *parent, const QStringList &recent);
} // namespace ShellDialogs
