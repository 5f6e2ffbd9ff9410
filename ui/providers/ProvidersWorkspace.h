#pragma once

#include "providers/ProviderConfig.h"
#include "shell/Workspace.h"

#include <QWidget>

class AccessPolicy;
class CredentialService;
class MessageBanner;
class ProviderForm;
class ProviderService;
class QAction;
class QListWidget;

// Admins set up the providers Reconsole talks to: the list on the left, the chosen one's page on
// the right (ProviderForm), and new / save / disable / enable. Keys and webhook secrets are added
// through the Credentials flow (AddCredentialDialog, CredentialService).
class ProvidersWorkspace : public QWidget, public Workspace
{
    Q_OBJECT
public:
    ProvidersWorkspace(ProviderService &providers, CredentialService &credentials, const AccessPolicy &access,
        const QString &agentUrl, QWidget *parent = nullptr);

    ProviderForm *form() const { return m_form; }
    void newProvider();
    void save();
    void setSelectedEnabled(bool enabled);
    void selectProvider(const QString &id);
    void addCredential(const QString &kind);

    QAbstractItemView *mainTable() const override;
    void refresh() override; // keeps the selected provider

Q_SIGNALS:
    void message(const QString &text);

private:
    QString selectedId() const;
    void showSelected();
    void updateActions();
    void showMessage(const QString &text, bool error);

    ProviderService &m_providers;
    CredentialService &m_credentialService;
    const AccessPolicy &m_access;
    QList<ProviderConfig> m_list;
    QListWidget *m_listView;
    ProviderForm *m_form;
    MessageBanner *m_message;
    QAction *m_new;
    QAction *m_save;
    QAction *m_disable;
    QAction *m_enable;
};
