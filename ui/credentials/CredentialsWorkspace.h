#pragma once

#include <QWidget>

class AccessPolicy;
class CredentialService;
class CredentialsModel;
class MessageBanner;
class ProviderRegistry;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;

// Admins' view of the keys every integration runs on: metadata from the database, secrets
// only in the keychain, and the verify / rotate / revoke / reveal actions.
class CredentialsWorkspace : public QWidget
{
    Q_OBJECT
public:
    CredentialsWorkspace(CredentialsModel &model, CredentialService &service, const ProviderRegistry &providers,
        const AccessPolicy &access, QWidget *parent = nullptr);

    CredentialsModel *model() const { return m_model; }
    void addCredential();
    void verifySelected();
    void rotateSelected();
    void revokeSelected();
    void revealSelected();
    void copySelected();

Q_SIGNALS:
    void message(const QString &text);
    void expiringChanged(int count, int days);

private:
    QString selectedId() const;
    void showMessage(const QString &text, bool error);
    void reloadKeeping(const QString &id);
    void updateActions();

    CredentialService &m_service;
    const ProviderRegistry &m_providers;
    const AccessPolicy &m_access;
    CredentialsModel *m_model;
    QTableView *m_table;
    MessageBanner *m_message;
    QSpinBox *m_warnDays;
    QPushButton *m_add;
    QPushButton *m_verify;
    QPushButton *m_rotate;
    QPushButton *m_revoke;
    QPushButton *m_reveal;
    QPushButton *m_copy;
};
