#pragma once

#include <QDialog>

// Shows a new intake token the one time it is ever shown, with a button that copies it.
class IntakeTokenDialog : public QDialog
{
    Q_OBJECT
public:
    IntakeTokenDialog(const QString &label, const QString &token, QWidget *parent = nullptr);
};
