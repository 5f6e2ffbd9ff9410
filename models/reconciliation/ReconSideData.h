#pragma once

#include "reconciliation/BigVector.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>

// The columns behind a ReconSide (internal to models/reconciliation). Row i's references are
// keys[refStart[i] .. refStart[i + 1]); each key is a slice of `pool` with its hash.
struct RefKey
{
    quint64 hash = 0;
    quint32 offset = 0;
    quint32 length = 0; // 0: none
};

struct ReconSideData
{
    BigVector<qint64> ids;
    BigVector<qint64> amounts;
    BigVector<qint64> fees;
    BigVector<qint32> days;
    BigVector<quint16> currencies; // index into currencyNames
    QStringList currencyNames;
    BigVector<quint32> refStart { 0 };
    BigVector<RefKey> keys;
    BigVector<bool> hasReference; // whether keys[refStart[i]] is the row's `reference`
    BigVector<RefKey> groups; // per row; length 0: no group
    QByteArray pool; // references and group ids, trimmed, upper case, UTF-8
    BigVector<quint32> descriptionStart { 0 };
    QByteArray descriptions; // UTF-8, as given

    qsizetype size() const { return qsizetype(ids.size()); }
    qint64 net(qsizetype row) const { return amounts[row] - fees[row]; }
    QByteArrayView text(const RefKey &key) const { return QByteArrayView(pool.constData() + key.offset, key.length); }
    QString keyText(const RefKey &key) const { return QString::fromUtf8(text(key)); }
    QByteArrayView description(qsizetype row) const
    {
        return QByteArrayView(
            descriptions.constData() + descriptionStart[row], descriptionStart[row + 1] - descriptionStart[row]);
    }
    const RefKey *keysBegin(qsizetype row) const { return keys.data() + refStart[row]; }
    const RefKey *keysEnd(qsizetype row) const { return keys.data() + refStart[row + 1]; }
    bool sameKey(const RefKey &a, const ReconSideData &other, const RefKey &b) const
    {
        return a.hash == b.hash && text(a) == other.text(b);
    }
    // The first key the two rows share, or nullptr.
    const RefKey *sharedKey(qsizetype row, const ReconSideData &other, qsizetype otherRow) const;
    quint16 currencyIndex(const QString &currency); // interns
    int currencyOf(const QString &currency) const; // -1 when absent
};

quint64 hashKey(QByteArrayView text);
