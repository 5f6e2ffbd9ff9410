#pragma once

#include "credentials/CredentialService.h"
#include "providers/ProviderConfig.h"

#include <QDialog>

#include <functional>

class QComboBox;
class QDateEdit;
class QCheckBox;
class QLineEdit;
class QLabel;

// Asks for a new credential: provider, environment, kind, label, expiry and the secret in a
// masked field. It checks the secret's prefix against the environment as the admin types.
class AddCredentialDialog : public QDialog
{
    Q_OBJECT
public:
    AddCredentialDialog(const QList<ProviderConfig> &providers, QWidget *parent = nullptr);

    CredentialService::NewCredential request() const;
    QString secret() const;

    // Tests fill the real widgets (found by object name) and say whether to accept.
    static void setTestHook(std::function<bool(AddCredentialDialog &)> hook);
    int exec() override;

private:
    void check();

    QComboBox *m_provider;
    QComboBox *m_environment;
    QComboBox *m_kind;
    QLineEdit *m_label;
    QLineEdit *m_scopes;
    QCheckBox *m_expires;
    QDateEdit *m_expiry;
    QLineEdit *m_secret;
    QLabel *m_problem;
    QPushButton *m_ok;
};
