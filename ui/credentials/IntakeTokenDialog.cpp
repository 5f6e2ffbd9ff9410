#include "credentials/IntakeTokenDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

IntakeTokenDialog::IntakeTokenDialog(const QString &label, const QString &token, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("intakeTokenDialog"));
    setWindowTitle(tr("Intake token for %1").arg(label));
    auto *explain = new QLabel(tr("This is the only time the token is shown. Put it in the backend's secret store "
                                  "now; it sends it as <code>Authorization: Bearer …</code> to "
                                  "<code>POST /v1/operations</code>. Lost, it cannot be shown again: revoke it and "
                                  "make another."),
        this);
    explain->setWordWrap(true);
    auto *field = new QLineEdit(token, this);
    field->setObjectName(QStringLiteral("intakeTokenField"));
    field->setReadOnly(true);
    field->setMinimumWidth(field->fontMetrics().horizontalAdvance(token) + 24);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyIntakeToken"));
    connect(copy, &QPushButton::clicked, this, [token, copy] {
        QApplication::clipboard()->setText(token);
        copy->setText(tr("Copied"));
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explain);
    layout->addWidget(field);
    layout->addWidget(buttons);
}
