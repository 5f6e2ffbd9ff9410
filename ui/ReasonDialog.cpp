#include "ReasonDialog.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
std::function<QString(const QString &)> &hook()
{
    static std::function<QString(const QString &)> h;
    return h;
}
} // namespace

namespace ReasonDialog {

void setTestHook(std::function<QString(const QString &title)> h)
{
    hook() = std::move(h);
}

QString ask(QWidget *parent, const QString &title, const QString &prompt)
{
    if (hook())
        return hook()(title);
    QDialog dialog(parent);
    dialog.setWindowTitle(title);
    auto *layout = new QVBoxLayout(&dialog);
    auto *label = new QLabel(prompt, &dialog);
    label->setWordWrap(true);
    auto *text = new QPlainTextEdit(&dialog);
    text->setObjectName(QStringLiteral("reasonText"));
    text->setPlaceholderText(QObject::tr("For example: customer paid by bank transfer, see ticket #4821"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    QObject::connect(text, &QPlainTextEdit::textChanged, ok,
                     [text, ok] { ok->setEnabled(!text->toPlainText().trimmed().isEmpty()); });
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(label);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog.resize(460, 220);
    return dialog.exec() == QDialog::Accepted ? text->toPlainText().trimmed() : QString();
}

} // namespace ReasonDialog
