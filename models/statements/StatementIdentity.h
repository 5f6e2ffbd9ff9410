#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

struct Statement;
struct StatementLine;

// Gives every line a stable identity, so importing the same file again, or one that overlaps
// it, recognises the lines already there:
// - where the format makes the bank's id unique per account (OFX FITID, camt AcctSvcrRef):
//   "bank:<account>:<id>";
// - otherwise "sha256:<hex>" over the account, booking date, value date, signed amount,
//   currency, end-to-end id, references, counterparty name and account and description,
//   joined by U+001F, and then the number of identical lines before it in the statement — so
//   two equal coffees on one day stay two lines, and an overlapping file that holds the same
//   day gives them the same two identities.
namespace StatementIdentity {
void assign(Statement &statement);

// The same, one line at a time, for a statement that streams: one Assigner per statement. It
// keeps a count per distinct hashed line (about 80 bytes each), never the lines.
class Assigner
{
public:
    explicit Assigner(const QString &account)
        : m_account(account)
    { }
    void assign(StatementLine &line);

private:
    QString m_account;
    QHash<QByteArray, int> m_seen;
};
} // namespace StatementIdentity
