#pragma once

#include "core/Result.h"
#include "statements/Statement.h"

#include <QList>
#include <QString>

class Database;
class Transaction;

struct StatementImport
{
    int statements = 0;
    int linesImported = 0;
    int duplicatesSkipped = 0; // lines already there, from this file or an overlapping one
};

// The statements and statement_lines tables (schema 12).
class StatementStore
{
public:
    explicit StatementStore(const Database &db);

    // Stores one file's statements inside `tx`, which the caller commits (with its audit
    // entry): a line whose (account, identity) is there already is skipped, not doubled.
    Result<StatementImport> store(Transaction &tx, const QList<Statement> &statements, const QString &format,
        const QString &fileName, const QString &actor);
    Result<QList<StatementLine>> lines(const QString &account) const; // oldest booking first
    Result<qint64> lineCount() const;

private:
    Result<qint64> statementId(
        const Statement &statement, const QString &format, const QString &fileName, const QString &actor);

    const Database &m_db;
};
