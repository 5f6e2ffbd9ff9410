#pragma once

#include "ledger/LedgerEntry.h"

#include <QDate>
#include <QFile>
#include <QTemporaryDir>

// What the reconciliation suites set up alike: a ledger entry as an import books it, and a
// statement or ledger file written into a scratch folder.
namespace ReconciliationFixtures {

inline LedgerEntry ledgerEntry(
    const QString &account, const QString &id, const QString &reference, qint64 amount, const QDate &day)
{
    LedgerEntry e;
    e.entryId = id;
    e.account = account;
    e.bookedOn = day;
    e.amountMinor = amount;
    e.currency = QStringLiteral("EUR");
    e.reference = reference;
    e.source = LedgerEntry::Source::Import;
    e.createdBy = QStringLiteral("tester");
    return e;
}

// The file's path, or an empty string when it could not be written.
inline QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return file.fileName();
}

} // namespace ReconciliationFixtures
