#pragma once

#include <QString>

#include <functional>

class QWidget;

// The questions the console asks a person: why, which secret, are you sure. Tests answer
// them through hooks instead of modal loops.
namespace Prompts {
// A reason for the audit log; empty if the person backed out.
QString reason(QWidget *parent, const QString &title, const QString &prompt);
// A secret in a masked field; empty if the person backed out.
QString secret(QWidget *parent, const QString &title, const QString &prompt);
bool confirm(QWidget *parent, const QString &title, const QString &question);
// A file to write; empty if the person backed out.
QString saveFile(QWidget *parent, const QString &title, const QString &suggestedName);
// A file to read, of the types `filter` names ("CSV or JSON Lines (*.csv *.jsonl)"); empty if
// the person backed out.
QString openFile(QWidget *parent, const QString &title, const QString &filter);

struct TestHooks
{
    std::function<QString(const QString &title)> text; // reason(), secret(), saveFile() and openFile()
    std::function<bool(const QString &title)> confirm;
};
void setTestHooks(TestHooks hooks); // empty hooks show the real dialogs again
} // namespace Prompts
