#pragma once

#include "providers/ProviderConfig.h"
#include "providers/RetryPolicy.h"

#include <QGroupBox>

class AccessPolicy;
class ProviderRegistry;
class ProviderService;
class QPushButton;
class QTableWidget;

// A provider's automatic retry policies on its page: its own (or its kind's defaults) and each
// action's own, one row a level. Admins edit a level, add one for an action and reset one back
// to the level above (RetryPolicyDialog, ProviderService, audited); everyone else reads them.
class RetryPolicyPanel : public QGroupBox
{
    Q_OBJECT
public:
    RetryPolicyPanel(
        ProviderService &providers, ProviderRegistry &registry, const AccessPolicy &access, QWidget *parent = nullptr);

    // The saved provider whose policies to show; none (a provider being set up): hidden.
    void showProvider(const ProviderConfig &provider);
    void clear();
    QTableWidget *table() const { return m_table; }
    // The shown levels, as ProviderService::retryPolicies gave them.
    const QList<RetryPolicy> &policies() const { return m_policies; }

    void editSelected();
    void addForAction();
    void resetSelected();

Q_SIGNALS:
    void message(const QString &text, bool error);

private:
    void reload();
    void fillTable();
    const RetryPolicy *selected() const;
    void updateActions();
    void openDialog(const RetryPolicy &start, bool adding, const QStringList &actions);

    ProviderService &m_providers;
    ProviderRegistry &m_registry;
    const AccessPolicy &m_access;
    ProviderConfig m_provider;
    QList<RetryPolicy> m_policies;
    QTableWidget *m_table;
    QPushButton *m_edit;
    QPushButton *m_add;
    QPushButton *m_reset;
};
