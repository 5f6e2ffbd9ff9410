#pragma once

#include <QString>

class QAbstractItemView;
class QLineEdit;

// What the shell asks of every workspace, beside the QActions it adds to itself (which become
// the Actions menu, the command palette's entries and the shortcuts list).
class Workspace
{
public:
    virtual ~Workspace() = default;
    // The table File > Export as CSV writes and Edit > Select all selects; null when none.
    virtual QAbstractItemView *mainTable() const = 0;
    // The field Edit > Find (Ctrl+F) focuses; null when the workspace has none.
    virtual QLineEdit *searchField() const { return nullptr; }
    // Reads what it shows again, keeping selection and scroll position (F5, or after a change).
    virtual void refresh() = 0;
};
