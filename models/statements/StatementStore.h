#pragma once

#include "core/Result.h"
#include "statements/Statement.h"

#include <QList>
#include <QSqlQuery>
#include <QString>

class Database;
class Transaction;

struct StatementImport
{
    int statements = 0;
    int linesImported = 0;
    int duplicatesSkipped = 0; // lines already there, from this file or an overlapping one
    int lockedSkipped = 0; // new lines dated in a signed-off reconciliation period, left out
};

// Stores one file's statements as a reader streams them, inside the caller's transaction,
// with one prepared insert for all its lines: begin() a statement (its header), add() each
// line (identity assigned), end() it with its final balances. A line whose (account,
// identity) is there already is skipped and counted, not doubled; so is a line dated in a
// signed-off reconciliation period of its account and currency, which nothing may change.
class StatementWriter
{
public:
    StatementWriter(
        const Database &db, Transaction &tx, const QString &format, const QString &fileName, const QString &actor);

    Status begin(const Statement &header);
    Status add(const StatementLine &line);
    Status end(const Statement &statement); // its balances, as the file gave them at its end
    const StatementImport &result() const { return m_result; }

private:
    const Database &m_db;
    Transaction &m_tx;
    QString m_format, m_fileName, m_actor;
    QSqlQuery m_insert;
    qint64 m_statementId = 0;
    bool m_newStatement = false;
    QString m_account;
    struct LockedRange
    {
        QString currency;
        QString from, to; // ISO dates compare as text
    };
    QList<LockedRange> m_locked; // of m_account
    StatementImport m_result;
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
    const Database &m_db;
};
