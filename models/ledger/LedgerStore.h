#pragma once

#include "core/Result.h"
#include "ledger/LedgerEntry.h"

#include <QDate>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

class Database;
class QSqlQuery;

// The ledger_entries table (schema 16): each entry once, by our entry id; append-only.
class LedgerStore
{
public:
    explicit LedgerStore(const Database &db);
    ~LedgerStore();

    enum class Stored
    {
        New,
        Repeat, // the same entry was there already (same id, same fingerprint): nothing changed
    };

    // Inserts `entry`, inside the caller's transaction when there is one (an import's million
    // rows are one transaction, so all or nothing). The statement is prepared once per store.
    // An entry id already there with other content is a Conflict naming the fields that differ:
    // the books are never changed by a repeat.
    Result<Stored> insert(const LedgerEntry &entry);

    // The entry with our id `entryId`; an Input failure when there is none.
    Result<LedgerEntry> get(const QString &entryId) const;
    // The entries of `account` booked from `from` to `to` (inclusive; an invalid date leaves
    // that end open), by date then id, handed to `each` one at a time as they are read (forward
    // only, nothing kept); `each` returns false to stop.
    Status forEach(const QString &account, const QDate &from, const QDate &to,
        const std::function<bool(const LedgerEntry &)> &each) const;
    Result<QList<LedgerEntry>> list(const QString &account, const QDate &from = {}, const QDate &to = {}) const;
    // All entries, or those of `account`.
    Result<qint64> count(const QString &account = {}) const;

private:
    const Database &m_db;
    std::unique_ptr<QSqlQuery> m_insert;
    std::unique_ptr<QSqlQuery> m_fingerprint;
};
