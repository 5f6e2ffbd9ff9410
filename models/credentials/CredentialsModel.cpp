#include "credentials/CredentialsModel.h"

#include "credentials/CredentialStore.h"
#include "store/Database.h"

#include <QDateTime>

namespace {
QString dateText(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}
} // namespace

CredentialsModel::CredentialsModel(const Database &db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(db)
{
    reload();
}

void CredentialsModel::reload()
{
    beginResetModel();
    m_rows.clear();
    CredentialStore directory(m_db);
    auto all = directory.all();
    m_error = all ? QString() : all.message();
    if (all) {
        for (const Credential &c : all.value()) {
            Row row { c, directory.providersUsing(c.id).value_or({}), directory.operationsUsing(c.id).value_or(0) };
            m_rows << row;
        }
    }
    endResetModel();
}

void CredentialsModel::setExpiryWarningDays(int days)
{
    m_warnDays = days;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int CredentialsModel::expiringCount() const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    int n = 0;
    for (const Row &r : m_rows)
        n += r.credential.expiresWithin(now, m_warnDays) ? 1 : 0;
    return n;
}

int CredentialsModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).credential.id == id)
            return i;
    }
    return -1;
}

int CredentialsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int CredentialsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CredentialsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles { tr("Provider"), tr("Env"), tr("Label"), tr("Key"), tr("Scopes"), tr("Created"),
        tr("Rotated"), tr("Expires"), tr("Verified"), tr("Used by"), tr("Status") };
    return titles.value(section);
}

QString CredentialsModel::statusText(const Credential &c) const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (c.isRevoked())
        return tr("Revoked %1").arg(dateText(c.revokedAt));
    if (!c.replacedBy.isEmpty())
        return tr("Replaced by %1 — revoke when done").arg(c.replacedBy);
    if (c.expiresAt && c.expiresAt <= now)
        return tr("Expired");
    if (c.expiresWithin(now, m_warnDays))
        return tr("Expires in %1 d").arg(qMax<qint64>(0, (c.expiresAt - now) / 86400000));
    if (!c.verifyResult.isEmpty() && c.verifyResult != QLatin1String("ok"))
        return tr("Rejected at last check");
    return tr("Active");
}

QVariant CredentialsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Credential &c = row.credential;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Provider:
            return c.providerId;
        case Environment:
            return c.environment;
        case Label:
            return c.kind == QLatin1String("api-key") ? c.label : QStringLiteral("%1 (%2)").arg(c.label, c.kind);
        case Fingerprint:
            return c.fingerprint;
        case Scopes:
            return c.scopes;
        case Created:
            return dateText(c.createdAt);
        case Rotated:
            return dateText(c.rotatedAt);
        case Expires:
            return dateText(c.expiresAt);
        case Verified:
            return c.verifiedAt ? QStringLiteral("%1 — %2").arg(dateText(c.verifiedAt), c.verifyResult) : QString();
        case UsedBy:
            return row.providers.isEmpty() ? QString()
                                           : tr("%1 (%Ln operations)", nullptr, static_cast<int>(row.operations))
                                                 .arg(row.providers.join(QStringLiteral(", ")));
        case Status:
            return statusText(c);
        }
        return {};
    case Qt::ToolTipRole:
        return index.column() == Verified ? c.verifyResult : QVariant();
    case CredentialIdRole:
        return c.id;
    case SortValueRole:
        return index.column() == Expires ? QVariant(c.expiresAt) : data(index, Qt::DisplayRole);
    case ExpiringRole:
        return c.expiresWithin(QDateTime::currentMSecsSinceEpoch(), m_warnDays);
    case RevokedRole:
        return c.isRevoked();
    default:
        return {};
    }
}
