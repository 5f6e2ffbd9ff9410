#pragma once

#include <QString>

#include <functional>

class QWidget;

// Asks a person why (resolve, cancel). Tests answer it through the hook instead of a modal loop.
namespace ReasonDialog {
// Returns the reason, or an empty string if the person backed out.
QString ask(QWidget *parent, const QString &title, const QString &prompt);
// When set, ask() returns the hook's answer without showing anything.
void setTestHook(std::function<QString(const QString &title)> hook);
} // namespace ReasonDialog
