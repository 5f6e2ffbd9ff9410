#pragma once

#include "credentials/Credential.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

class Database;

// Credential metadata as a table: a few rows, read whole; never a secret.
class CredentialsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Provider,
        Environment,
        Label,
        Fingerprint,
        Scopes,
        Created,
        Rotated,
        Expires,
        Verified,
        UsedBy,
        Status,
        ColumnCount
    };
    enum Role
    {
        CredentialIdRole = Qt::UserRole + 1,
        SortValueRole,
        ExpiringRole, // true when it expires within the warning window
        RevokedRole,
    };

    explicit CredentialsModel(const Database &db, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();
    void setExpiryWarningDays(int days);
    int expiryWarningDays() const { return m_warnDays; }
    int expiringCount() const;
    Credential credentialAt(int row) const { return m_rows.value(row).credential; }
    int rowOf(const QString &id) const;
    QString lastError() const { return m_error; }

private:
    struct Row
    {
        Credential credential;
        QStringList providers;
        qint64 operations = 0;
    };
    QString statusText(const Credential &c) const;

    const Database &m_db;
    QList<Row> m_rows;
    int m_warnDays = 14;
    QString m_error;
};
