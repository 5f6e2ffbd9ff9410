#pragma once

#include "core/Result.h"
#include "statements/StatementReader.h"
#include "statements/StatementStore.h"

class AccessPolicy;
class Database;

struct StatementFileImport
{
    QString fileName;
    StatementFormat format = StatementFormat::Camt053;
    QList<Statement> statements;
    StatementImport stored;
};

// How finance brings a bank's or a card's statement in: read (all or nothing), stored with
// each line once, and audited in the same transaction — a file that fails anywhere leaves
// the database as it was.
class StatementService
{
public:
    StatementService(const Database &db, const AccessPolicy &access);

    // The format is detected unless given. `account`, when given, is the account the file
    // must be for (a camt's IBAN, an MT940's :25:), so a statement is not booked to the
    // wrong one; a statement that names none gets it.
    Result<StatementFileImport> importFile(
        const QString &path, std::optional<StatementFormat> format = std::nullopt, const QString &account = {});

private:
    const Database &m_db;
    const AccessPolicy &m_access;
};
