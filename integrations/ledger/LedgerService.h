#pragma once

#include "core/Result.h"

#include <QString>
#include <QStringList>

class AccessPolicy;
class Database;

struct LedgerFileImport
{
    QString fileName;
    QString format; // csv, jsonl
    QString preset;
    qint64 rows = 0;
    qint64 imported = 0;
    qint64 duplicates = 0; // entries already booked with the same content: skipped, not doubled
    QStringList ignoredColumns; // the file's columns no field of the preset reads
};

// How finance brings its own books in (reconsolectl ledger import): a CSV or JSON Lines file
// read through a ledger preset, one entry at a time, stored in one transaction with its audit
// entry. All or nothing: a file with any problem (a bad value, an id already booked with other
// content) stores nothing and names every problem found, by line and column.
class LedgerService
{
public:
    LedgerService(const Database &db, const AccessPolicy &access);

    // `presetName`: a preset of target ledger (default ledger-default). `account`: the account
    // of rows that name none; a row naming another is refused.
    Result<LedgerFileImport> importFile(
        const QString &path, const QString &presetName = {}, const QString &account = {});

private:
    const Database &m_db;
    const AccessPolicy &m_access;
};
