#include "ledger/LedgerEntry.h"

#include <QCryptographicHash>
#include <QStringList>

namespace {
QStringList contentOf(const LedgerEntry &e)
{
    return { e.entryId, e.account, e.bookedOn.toString(Qt::ISODate), QString::number(e.amountMinor), e.currency,
        e.reference, e.counterparty, e.description, e.entityType, e.entityId };
}

const char *const kFieldNames[] = { "id", "account", "booked_on", "amount_minor", "currency", "reference",
    "counterparty", "description", "entity_type", "entity_id" };
} // namespace

QString LedgerEntry::fingerprint() const
{
    // U+001F between fields, which no field holds, so "a"+"bc" and "ab"+"c" differ.
    const QByteArray text = contentOf(*this).join(QChar(0x1f)).toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex());
}

QString LedgerEntry::differences(const LedgerEntry &other) const
{
    const QStringList mine = contentOf(*this);
    const QStringList theirs = contentOf(other);
    QStringList differing;
    for (qsizetype i = 0; i < mine.size(); ++i)
        if (mine.at(i) != theirs.at(i))
            differing << QLatin1String(kFieldNames[i]);
    return differing.join(QStringLiteral(", "));
}

QString LedgerEntry::sourceName(Source source)
{
    switch (source) {
    case Source::Import:
        return QStringLiteral("import");
    case Source::Intake:
        return QStringLiteral("intake");
    case Source::Operation:
        break;
    }
    return QStringLiteral("operation");
}

std::optional<LedgerEntry::Source> LedgerEntry::sourceFromName(const QString &name)
{
    for (Source s : { Source::Import, Source::Intake, Source::Operation })
        if (sourceName(s) == name)
            return s;
    return std::nullopt;
}
