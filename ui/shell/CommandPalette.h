#pragma once

#include <QDialog>
#include <QList>
#include <QPointer>

class QAction;
class QLineEdit;
class QListWidget;

// Ctrl+K: every action the window offers (the shell's and the shown workspace's), found by
// name as you type — substrings first, then letters in order. Enter runs the chosen one,
// Escape closes. What cannot run now is listed greyed, its tooltip saying why.
class CommandPalette : public QDialog
{
    Q_OBJECT
public:
    explicit CommandPalette(QWidget *parent = nullptr);

    // Opens on these actions; the text field starts empty.
    void open(const QList<QAction *> &actions);
    // How well `text` names `query`: 0 none; substrings rank above letters in order.
    static int score(const QString &text, const QString &query);
    static QString plainText(const QAction *action);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void filter();
    void runCurrent();

    QLineEdit *m_search;
    QListWidget *m_list;
    QList<QPointer<QAction>> m_actions;
};
