#include "reconciliation/ReconSide.h"
#include "reconciliation/ReconSideData.h"

#include <QHash>

quint64 hashKey(QByteArrayView text)
{
    // FNV-1a, then a final mix: stable across runs (qHash is seeded), fast on short ids.
    quint64 h = 14695981039346656037ULL;
    for (char c : text)
        h = (h ^ quint8(c)) * 1099511628211ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

const RefKey *ReconSideData::sharedKey(qsizetype row, const ReconSideData &other, qsizetype otherRow) const
{
    for (const RefKey *a = keysBegin(row); a != keysEnd(row); ++a)
        for (const RefKey *b = other.keysBegin(otherRow); b != other.keysEnd(otherRow); ++b)
            if (sameKey(*a, other, *b))
                return a;
    return nullptr;
}

quint16 ReconSideData::currencyIndex(const QString &currency)
{
    const int at = currencyOf(currency);
    if (at >= 0)
        return quint16(at);
    currencyNames.append(currency);
    return quint16(currencyNames.size() - 1);
}

int ReconSideData::currencyOf(const QString &currency) const
{
    return int(currencyNames.indexOf(currency));
}

namespace {
// A reference as keys are compared, trimmed and in upper case, appended to the pool: byte by byte
// when it is ASCII (nearly always: ids), through QString otherwise.
RefKey addKey(ReconSideData &d, QByteArrayView utf8)
{
    utf8 = utf8.trimmed();
    if (utf8.isEmpty())
        return {};
    const quint32 offset = quint32(d.pool.size());
    bool ascii = true;
    for (char c : utf8)
        ascii = ascii && quint8(c) < 0x80;
    if (ascii) {
        d.pool.resize(d.pool.size() + utf8.size());
        char *to = d.pool.data() + offset;
        for (char c : utf8)
            *to++ = (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c;
    } else {
        d.pool.append(QString::fromUtf8(utf8).trimmed().toUpper().toUtf8());
    }
    const QByteArrayView text(d.pool.constData() + offset, d.pool.size() - offset);
    return { hashKey(text), offset, quint32(text.size()) };
}

quint16 currencyOf(ReconSideData &d, QByteArrayView utf8)
{
    const QByteArray upper = utf8.trimmed().toByteArray().toUpper();
    for (qsizetype i = 0; i < d.currencyNames.size(); ++i)
        if (d.currencyNames.at(i) == QLatin1String(upper))
            return quint16(i);
    return d.currencyIndex(QString::fromUtf8(upper));
}
} // namespace

ReconSide::ReconSide()
    : m_data(std::make_shared<ReconSideData>())
{ }

ReconSide::ReconSide(const QList<ReconItem> &items)
    : ReconSide()
{
    reserve(items.size());
    for (const ReconItem &item : items)
        append(item);
}

void ReconSide::detach()
{
    if (m_data.use_count() > 1)
        m_data = std::make_shared<ReconSideData>(*m_data);
}

void ReconSide::reserve(qsizetype rows)
{
    detach();
    ReconSideData &d = *m_data;
    d.ids.reserve(rows);
    d.amounts.reserve(rows);
    d.fees.reserve(rows);
    d.days.reserve(rows);
    d.currencies.reserve(rows);
    d.refStart.reserve(rows + 1);
    d.keys.reserve(rows);
    d.hasReference.reserve(rows);
    d.groups.reserve(rows);
    d.descriptionStart.reserve(rows + 1);
}

void ReconSide::append(const ReconItem &item)
{
    const QByteArray reference = item.reference.toUtf8(), currency = item.currency.toUtf8(),
                     group = item.groupId.toUtf8(), description = item.description.toUtf8();
    QList<QByteArray> others;
    for (const QString &other : item.otherRefs)
        others << other.toUtf8();
    append({ item.id, reference, item.amountMinor, item.feeMinor, currency, item.day, group, description }, others);
}

void ReconSide::append(const ReconItemUtf8 &item, const QList<QByteArray> &otherRefs)
{
    detach();
    ReconSideData &d = *m_data;
    d.ids.push_back(item.id);
    d.amounts.push_back(item.amountMinor);
    d.fees.push_back(item.feeMinor);
    d.days.push_back(item.day);
    d.currencies.push_back(currencyOf(d, item.currency));
    const qsizetype first = qsizetype(d.keys.size());
    auto addUnique = [&](QByteArrayView text) {
        const RefKey key = addKey(d, text);
        if (key.length == 0)
            return false;
        for (qsizetype k = first; k < qsizetype(d.keys.size()); ++k)
            if (d.sameKey(d.keys[k], d, key)) {
                d.pool.chop(key.length);
                return false;
            }
        d.keys.push_back(key);
        return true;
    };
    d.hasReference.push_back(addUnique(item.reference));
    for (const QByteArray &other : otherRefs)
        addUnique(other);
    d.refStart.push_back(quint32(d.keys.size()));
    d.groups.push_back(addKey(d, item.groupId));
    d.descriptions.append(item.description);
    d.descriptionStart.push_back(quint32(d.descriptions.size()));
}

qsizetype ReconSide::size() const
{
    return m_data->size();
}

ReconItem ReconSide::at(qsizetype i) const
{
    const ReconSideData &d = *m_data;
    ReconItem item;
    item.id = d.ids[i];
    item.amountMinor = d.amounts[i];
    item.feeMinor = d.fees[i];
    item.day = d.days[i];
    item.currency = d.currencyNames.at(d.currencies[i]);
    const RefKey *key = d.keysBegin(i);
    if (d.hasReference[i])
        item.reference = d.keyText(*key++);
    for (; key != d.keysEnd(i); ++key)
        item.otherRefs.append(d.keyText(*key));
    if (d.groups[i].length)
        item.groupId = d.keyText(d.groups[i]);
    item.description = QString::fromUtf8(d.description(i));
    return item;
}
