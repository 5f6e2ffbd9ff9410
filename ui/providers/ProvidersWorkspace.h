#pragma once

#include "providers/ProviderConfig.h"
#include "shell/Workspace.h"

#include <QWidget>

class AccessPolicy;
class CircuitBreakerReader;
class CredentialService;
class MessageBanner;
class ProviderForm;
class ProviderRegistry;
class ProviderService;
class RetryPolicyPanel;
class QAction;
class QListWidget;

// Admins set up the providers Reconsole talks to: the list on the left, the chosen one's page on
// the right (ProviderForm), and new / save / disable / enable. Keys and webhook secrets are added
// through the Credentials flow (AddCredentialDialog, CredentialService).
class ProvidersWorkspace : public QWidget, public Workspace
{
    Q_OBJECT
public:
    ProvidersWorkspace(ProviderService &providers, CredentialService &credentials, ProviderRegistry &registry,
        const AccessPolicy &access, const QString &agentUrl, QWidget *parent = nullptr);

    // How to read the breakers the agent records; without it the page does not show them.
    void setCircuitBreakers(const CircuitBreakerReader &breakers);

    ProviderForm *form() const { return m_form; }
    RetryPolicyPanel *retryPolicies() const { return m_retries; }
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
    void showBreaker(const QString &id);
    void updateActions();
    void showMessage(const QString &text, bool error);

    ProviderService &m_providers;
    CredentialService &m_credentialService;
    const AccessPolicy &m_access;
    const CircuitBreakerReader *m_breakers = nullptr;
    QList<ProviderConfig> m_list;
    QListWidget *m_listView;
    ProviderForm *m_form;
    RetryPolicyPanel *m_retries;
    MessageBanner *m_message;
    QAction *m_new;
    QAction *m_save;
    QAction *m_disable;
    QAction *m_enable;
};
