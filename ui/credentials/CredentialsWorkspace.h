#pragma once

#include "shell/Workspace.h"

#include <QWidget>

class AccessPolicy;
class CredentialService;
class CredentialsModel;
class MessageBanner;
class ProviderRegistry;
class QAction;
class QLabel;
class QSpinBox;
class QTableView;

// Admins' view of the keys every integration runs on: metadata from the database, secrets
// only in the keychain, and the verify / rotate / revoke / reveal actions.
class CredentialsWorkspace : public QWidget, public Workspace
{
    Q_OBJECT
public:
    CredentialsWorkspace(CredentialsModel &model, CredentialService &service, const ProviderRegistry &providers,
        const AccessPolicy &access, QWidget *parent = nullptr);

    CredentialsModel *model() const { return m_model; }
    void addCredential();
    // A new intake token for a backend, shown once in a dialog with a Copy button.
    void createIntakeToken();
    void verifySelected();
    void rotateSelected();
    void revokeSelected();
    void revealSelected();
    void copySelected();

    QAbstractItemView *mainTable() const override;
    void refresh() override; // keeps the selected credential and the scroll position

Q_SIGNALS:
    void message(const QString &text);
    void expiringChanged(int count, int days);

private:
    QString selectedId() const;
    void showMessage(const QString &text, bool error);
    void selectCredential(const QString &id);
    void updateActions();

    CredentialService &m_service;
    const ProviderRegistry &m_providers;
    const AccessPolicy &m_access;
    CredentialsModel *m_model;
    QTableView *m_table;
    MessageBanner *m_message;
    QSpinBox *m_warnDays;
    QAction *m_add;
    QAction *m_intakeToken;
    QAction *m_verify;
    QAction *m_rotate;
    QAction *m_revoke;
    QAction *m_reveal;
    QAction *m_copy;
};
