#pragma once

#include "core/Result.h"
#include "statements/StatementReader.h"
#include "statements/StatementStore.h"

class AccessPolicy;
class Database;

// One statement of an import as the reader streamed it: its header and balances, and what
// its lines came to (the lines themselves went to the store, not to memory).
struct StatementSummary
{
    Statement statement; // without its lines
    qsizetype lines = 0;
    qint64 total = 0; // signed, minor units
    bool linesInCurrency = true; // every line in the opening balance's currency

    Statement::Check check() const
    {
        return Statement::checkOf(statement.opening, statement.closing, total, linesInCurrency);
    }
};

struct StatementFileImport
{
    QString fileName;
    StatementFormat format = StatementFormat::Camt053;
    QString preset; // a CSV's
    QList<StatementSummary> statements;
    StatementImport stored;
};

// How finance brings a bank's or a card's statement in: read (all or nothing), stored with
// each line once, and audited in the same transaction — a file that fails anywhere leaves
// the database as it was. The file streams into the store inside that transaction.
class StatementService
{
public:
    StatementService(const Database &db, const AccessPolicy &access);

    // The format is detected unless given; a CSV needs `preset` (a statement preset), which
    // alone also means CSV. `account`, when given, is the account the file must be for (a
    // camt's IBAN, an MT940's :25:), so a statement is not booked to the wrong one; a
    // statement that names none (every CSV) gets it.
    Result<StatementFileImport> importFile(const QString &path, std::optional<StatementFormat> format = std::nullopt,
        const QString &account = {}, const QString &preset = {});
    // The statement presets' names, for messages and help.
    QStringList presetNames() const;

private:
    Result<StatementFormat> formatOf(
        const QString &path, std::optional<StatementFormat> format, const QString &preset) const;

    const Database &m_db;
    const AccessPolicy &m_access;
};
