#include "shell/Prompts.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
Prompts::TestHooks &hooks()
{
    static Prompts::TestHooks h;
    return h;
}

// One small dialog: a prompt, an input, OK enabled only once something was typed.
template <typename Input> QString ask(QWidget *parent, const QString &title, const QString &prompt, Input *input)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(title);
    auto *layout = new QVBoxLayout(&dialog);
    auto *label = new QLabel(prompt, &dialog);
    label->setWordWrap(true);
    input->setParent(&dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    auto text = [input] {
        if constexpr (std::is_same_v<Input, QLineEdit>)
            return input->text().trimmed();
        else
            return input->toPlainText().trimmed();
    };
    QObject::connect(input, &Input::textChanged, ok, [ok, text] { ok->setEnabled(!text().isEmpty()); });
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(label);
    layout->addWidget(input);
    layout->addWidget(buttons);
    dialog.resize(460, dialog.sizeHint().height());
    return dialog.exec() == QDialog::Accepted ? text() : QString();
}
} // namespace

namespace Prompts {

void setTestHooks(TestHooks h)
{
    hooks() = std::move(h);
}

QString reason(QWidget *parent, const QString &title, const QString &prompt)
{
    if (hooks().text)
        return hooks().text(title);
    auto *text = new QPlainTextEdit;
    text->setObjectName(QStringLiteral("reasonText"));
    text->setPlaceholderText(QObject::tr("For example: customer paid by bank transfer, see ticket #4821"));
    return ask(parent, title, prompt, text);
}

QString secret(QWidget *parent, const QString &title, const QString &prompt)
{
    if (hooks().text)
        return hooks().text(title);
    auto *field = new QLineEdit;
    field->setObjectName(QStringLiteral("secretField"));
    field->setEchoMode(QLineEdit::Password); // never on screen, never in a screenshot
    return ask(parent, title, prompt, field);
}

QString saveFile(QWidget *parent, const QString &title, const QString &suggestedName)
{
    if (hooks().text)
        return hooks().text(title);
    return QFileDialog::getSaveFileName(parent, title, QDir::home().filePath(suggestedName));
}

QString openFile(QWidget *parent, const QString &title, const QString &filter)
{
    if (hooks().text)
        return hooks().text(title);
    return QFileDialog::getOpenFileName(parent, title, QDir::homePath(), filter);
}

bool confirm(QWidget *parent, const QString &title, const QString &question)
{
    if (hooks().confirm)
        return hooks().confirm(title);
    return QMessageBox::question(parent, title, question, QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
        == QMessageBox::Yes;
}

} // namespace Prompts
