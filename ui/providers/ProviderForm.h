#pragma once

#include "credentials/Credential.h"
#include "providers/ProviderConfig.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

// One provider's page: its settings with each kind's defaults offered, the extra CA, and what
// the admin registers at the provider (the webhook endpoint, the event types) beside the
// credentials linked to it. It checks the settings against ProviderRules as they are typed;
// saving and adding credentials are the workspace's.
class ProviderForm : public QWidget
{
    Q_OBJECT
public:
    ProviderForm(QString agentUrl, QWidget *parent = nullptr);

    // A provider to edit (its id fixed), or a new one (`isNew`: every field open).
    void load(const ProviderConfig &provider, bool isNew, const QList<Credential> &credentials);
    // The shown provider read again (enabled, its credentials); the fields stay as typed.
    void refreshStored(const ProviderConfig &stored, const QList<Credential> &credentials);
    ProviderConfig provider() const;
    // Fields changed since load(), not saved.
    bool hasUnsavedChanges() const;
    bool isNew() const { return m_new; }
    // What ProviderRules says of the fields now; empty when they would be accepted.
    QString problem() const;
    // The provider's circuit breaker under its state ("closed — no trips recorded"); empty: not shown.
    void setCircuitBreaker(const QString &text, bool tripped);

    // Tests answer the PEM file picker: the path to use, or empty for "cancelled".
    static void setCaFileHook(std::function<QString()> hook);

Q_SIGNALS:
    void edited(); // any field changed
    void addCredentialRequested(const QString &kind); // "api-key" or "webhook-secret"

private:
    QWidget *buildSettings();
    QWidget *buildTrust();
    QWidget *buildRegistration();
    void kindChanged();
    void useDefaultUrl();
    void useDefaultLimits();
    void chooseCa();
    void setCa(const QString &pem);
    void updateDerived();
    void setCredentials(const QString &inUse, const QList<Credential> &credentials);
    void showState();

    QString m_agentUrl;
    bool m_new = true;
    ProviderConfig m_loaded;
    QString m_caPem;
    QLineEdit *m_id;
    QComboBox *m_kind;
    QLineEdit *m_name;
    QLineEdit *m_baseUrl;
    QComboBox *m_environment;
    QDoubleSpinBox *m_rate;
    QSpinBox *m_burst;
    QSpinBox *m_timeout;
    QLineEdit *m_purpose;
    QLineEdit *m_owner;
    QLabel *m_ca;
    QPushButton *m_removeCa;
    QLineEdit *m_endpoint;
    QLabel *m_eventTypes;
    QLabel *m_credentials;
    QPushButton *m_addKey;
    QPushButton *m_addSecret;
    QLabel *m_problem;
    QLabel *m_state;
    QLabel *m_breaker;
};
