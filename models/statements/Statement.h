#pragma once

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// What a bank statement, a card statement or a provider's report says happened to one
// account: the lines, and the balances where the format carries them.
enum class Direction
{
    Credit, // money in
    Debit, // money out
};

struct StatementBalance
{
    qint64 minor = 0; // signed: a debit balance is negative
    QString currency;
    QDate date;
};

struct StatementLine
{
    QDate bookingDate;
    QDate valueDate;
    qint64 amountMinor = 0; // never negative: the direction says which way
    QString currency;
    int exponent = 2; // of the currency: 18.15 EUR is 1815, 2700 JPY is 2700
    Direction direction = Direction::Credit;
    QString bankEntryId; // only where the format makes it unique per account (OFX FITID, camt AcctSvcrRef)
    QString endToEndId;
    QStringList references; // the other references the bank gave (MT940's own, camt's NtryRef, a cheque number…)
    QString counterpartyName;
    QString counterpartyAccount;
    QString description;
    // A payments provider's balance transaction (schema 13): its fee (amountMinor is the gross,
    // the net is amount − fee), the payout that settled it, its reporting category.
    qint64 feeMinor = 0;
    QString payoutId;
    QString category;
    int sourceLine = 0; // where in the file it was read
    qint64 rowId = 0; // statement_lines.id once stored
    QString identity; // stable across re-imports (StatementIdentity)

    qint64 signedMinor() const { return direction == Direction::Credit ? amountMinor : -amountMinor; }
};

struct Statement
{
    enum class Check
    {
        Balanced, // opening + lines = closing
        Unbalanced,
        Unknown, // a balance is missing, or balances and lines are in different currencies
    };

    QString id; // the statement's own reference (:20:, Stmt/Id, the OFX account)
    QString account; // IBAN or the bank's account number
    QString currency;
    std::optional<StatementBalance> opening;
    std::optional<StatementBalance> closing;
    QList<StatementLine> lines;

    qint64 linesTotal() const;
    Check check() const;
    // The same check for a statement streamed line by line (its lines not kept): `total` is their
    // signed sum, `linesInCurrency` whether every one was in the opening balance's currency.
    static Check checkOf(const std::optional<StatementBalance> &opening, const std::optional<StatementBalance> &closing,
        qint64 total, bool linesInCurrency);
};
